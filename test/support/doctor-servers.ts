import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';
import { WebSocketServer, type WebSocket } from 'ws';

/** Real servers on port 0 that each show one deployment fault to `voicewire doctor`. */
export interface FaultServer {
  port: number;
  /** ws://localhost:PORT or wss://… */
  wsUrl(path?: string): string;
  /** http://localhost:PORT or https://… */
  httpUrl(path?: string): string;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  tls?: { key: string; cert: string };
  /** Answers plain requests (pages, scripts). Default: 404 text. */
  request?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Decides an upgrade: a status to refuse with, or undefined to accept. */
  refuse?: (req: IncomingMessage) => number | undefined;
  /** Don't handle upgrades at all: the request goes to `request` as a plain GET would (a proxy that drops Upgrade). */
  ignoreUpgrade?: boolean;
  /** ws's handleProtocols: return false to echo none. Default: the first offered. */
  handleProtocols?: (offered: Set<string>) => string | false;
  /** Runs for each accepted socket (greets, answers, or stays silent). */
  connection?: (ws: WebSocket) => void;
}

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const request = options.request ?? ((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  const server: Server = options.tls ? createHttpsServer(options.tls, request) : createHttpServer(request);
  const wss = new WebSocketServer({ noServer: true, ...(options.handleProtocols ? { handleProtocols: options.handleProtocols } : {}) });
  if (!options.ignoreUpgrade) {
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const status = options.refuse?.(req);
      if (status !== undefined) {
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => options.connection?.(ws));
    });
  }
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const secure = options.tls !== undefined;
  return {
    port,
    wsUrl: (path = '/ws') => `${secure ? 'wss' : 'ws'}://localhost:${port}${path}`,
    httpUrl: (path = '/') => `${secure ? 'https' : 'http'}://localhost:${port}${path}`,
    close: () => new Promise((done) => {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

export interface TestCa {
  key: string;
  cert: string;
}

/** A local CA, as mkcert makes one: the doctor is given it with `ca` the way a device would have it installed. */
export async function makeCa(): Promise<TestCa> {
  const pems = await generate([{ name: 'commonName', value: 'voicewire test CA' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface LeafOptions {
  names?: string[];
  /** Signed by this CA; self-signed without one. */
  ca?: TestCa;
  notBeforeDate?: Date;
  notAfterDate?: Date;
}

/** A server certificate for `names` (default localhost and 127.0.0.1). */
export async function makeCert(options: LeafOptions = {}): Promise<{ key: string; cert: string }> {
  const names = options.names ?? ['localhost', '127.0.0.1'];
  const pems = await generate([{ name: 'commonName', value: names[0] }], {
    keyType: 'ec', algorithm: 'sha256',
    ...(options.notBeforeDate ? { notBeforeDate: options.notBeforeDate } : {}),
    ...(options.notAfterDate ? { notAfterDate: options.notAfterDate } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (/^[\d.]+$/.test(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
