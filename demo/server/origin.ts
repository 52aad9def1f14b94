import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking: browsers send cookies with a WebSocket upgrade from any site, and a socket has no
 * CORS. A browser always sends Origin, so a browser upgrade is accepted only from this server's own origin or one
 * the operator named. Non-browser clients (Node, curl) send no Origin and are accepted.
 */
export function isAllowedOrigin(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
