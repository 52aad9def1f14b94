import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { isLoopbackHost } from '../../src/environment/url.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** URL prefix → folder. Nothing else is served: no directory listings, no index.html fallback. */
const MOUNTS: ReadonlyArray<readonly [string, string]> = [
  ['/sdk/', 'dist/browser/'],
  ['/react/', 'dist/demo-react/'],
  ['/worklets/', 'dist/worklets/'],
  ['/', 'demo/page/'],
];

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};

/**
 * Cross-origin isolation: the page and the SDK are all same-origin, and isolation gives the worklets the
 * SharedArrayBuffer ring instead of per-chunk port messages. Only where the browser honours it (https, localhost):
 * on an untrustworthy origin Chromium ignores COOP and logs a console error that would bury the real problem.
 */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function isolationHeaders(req: IncomingMessage, secure: boolean): Record<string, string> {
  if (secure) return ISOLATION;
  try {
    return isLoopbackHost(new URL(`http://${req.headers.host ?? ''}`).hostname) ? ISOLATION : {};
  } catch {
    return {};
  }
}

/**
 * Serves the demo page and the built SDK. A missing file is a plain-text 404 — never the page's HTML, which is how
 * a worklet or service-worker request turns into "MIME type mismatch" in other setups.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
  const pathname = safePath(req.url ?? '/');
  const mount = pathname === null ? undefined : MOUNTS.find(([prefix]) => pathname.startsWith(prefix));
  if (pathname === null || mount === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
    return plain(res, pathname === null ? 400 : 404, pathname === null ? 'bad path' : 'not found');
  }
  const relative = pathname.slice(mount[0].length) || 'index.html';
  const file = join(ROOT, mount[1], relative);
  const type = MIME[extname(file)];
  if (type === undefined) return plain(res, 404, 'not found');
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...isolationHeaders(req, secure) });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    plain(res, 404, 'not found');
  }
}

function safePath(url: string): string | null {
  try {
    const path = normalize(decodeURIComponent(new URL(url, 'http://x').pathname));
    return path.includes('..') || path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

export function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
