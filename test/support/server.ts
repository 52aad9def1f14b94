import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { generate } from 'selfsigned';

const ROOT = resolve(import.meta.dirname, '../..');
/** Only these folders are served: the built SDK and the test pages. */
const SERVED = ['dist/', 'test/browser/fixtures/', 'demo/'];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.css': 'text/css; charset=utf-8',
};

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface TestServerOptions {
  https?: boolean;
  /** Headers on every response (COOP/COEP for cross-origin isolation, a CSP for the worklet tests). */
  headers?: Record<string, string>;
  /** Tried before the static files; return true when the request was answered. */
  routes?: Route[];
}

export interface TestServer {
  server: Server;
  port: number;
  /** e.g. http://localhost:PORT — the host part is for the caller to choose (localhost, voice.test). */
  origin(host?: string): string;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
    for (const route of options.routes ?? []) if (await route(req, res)) return;
    await serveStatic(req, res);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((e: Error) => {
      res.statusCode = 500;
      res.end(String(e.message));
    });
  };
  const server = options.https ? createHttpsServer(await selfSignedCert(), listener) : createHttpServer(listener);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const scheme = options.https ? 'https' : 'http';
  return {
    server,
    port,
    origin: (host = 'localhost') => `${scheme}://${host}:${port}`,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = requestPath(req);
  if (!SERVED.some((dir) => path.startsWith(dir))) return notFound(res);
  await sendFile(res, join(ROOT, path));
}

/** Serves the files under `root` at `/prefix/` (a directory answers its index.html), with `headers` on each answer. */
export function staticRoute(prefix: string, root: string, headers: Record<string, string> = {}): Route {
  return async (req, res) => {
    const path = requestPath(req);
    if (!path.startsWith(`${prefix}/`)) return false;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const file = path.slice(prefix.length + 1);
    await sendFile(res, join(root, file === '' || file.endsWith('/') ? `${file}index.html` : file));
    return true;
  };
}

/** The request's path, normalised, without its leading slash: callers check its first folder. */
function requestPath(req: IncomingMessage): string {
  return normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
}

async function sendFile(res: ServerResponse, file: string): Promise<void> {
  try {
    const body = await readFile(file);
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.end(body);
  } catch {
    notFound(res);
  }
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain');
  res.end('not found');
}

export async function selfSignedCert(hosts = ['localhost', 'voice.test']): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: hosts[0] }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [...hosts.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
