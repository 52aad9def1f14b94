import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { classifyRefusal } from './upgrade-refusal.js';
import type { Target } from './target.js';
import { fail, pass, type CheckResult } from './types.js';

export interface UpgradeRequest {
  origin?: string;
  subprotocols: readonly string[];
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

export interface UpgradeFacts {
  result: CheckResult;
  /** 101 with a correct Sec-WebSocket-Accept. */
  upgraded: boolean;
  status?: number;
  headers?: IncomingHttpHeaders;
}

/** RFC 6455 §1.3: the key the server must hash into Sec-WebSocket-Accept. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const TITLE = 'Upgrade: the server switches to WebSocket (101)';

/**
 * Sends the opening handshake by hand (RFC 6455 §4.1) so that whatever comes back — a 101, or a proxy's 200 page,
 * a 403, a 401 — can be read, which neither a browser nor the `ws` client shows.
 */
export function checkUpgrade(target: Target, req: UpgradeRequest): Promise<UpgradeFacts> {
  const key = randomBytes(16).toString('base64');
  const headers: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key,
    ...(req.subprotocols.length > 0 ? { 'Sec-WebSocket-Protocol': req.subprotocols.join(', ') } : {}),
    ...(req.origin ? { Origin: req.origin } : {}),
    ...req.headers,
  };
  const url = new URL(target.url.href.replace(/^ws/, 'http'));
  const send = target.secure ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (facts: UpgradeFacts) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.destroy();
      resolve(facts);
    };
    // The certificate was judged by the TLS check; here we go on past a refused one to find the next fault.
    const r = send(url, { method: 'GET', headers, rejectUnauthorized: false });
    const timer = setTimeout(() => done({ upgraded: false, result: fail('upgrade.timeout', TITLE, `No answer to the upgrade request within ${req.timeoutMs} ms.`,
      'The port accepts connections but nothing answers the HTTP request: check that it is an HTTP/WebSocket port (not another service), and that the server is not stuck.') }), req.timeoutMs);
    r.once('upgrade', (res: IncomingMessage, socket) => {
      socket.destroy();
      const expected = createHash('sha1').update(key + WS_GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) {
        return done({ upgraded: false, status: 101, headers: res.headers, result: fail('upgrade.accept', TITLE, 'The server answered 101 with a wrong Sec-WebSocket-Accept (RFC 6455 §4.2.2); browsers drop such a socket.',
          'Something between client and server rewrites the handshake (a proxy answering for the server?). Let the WebSocket server answer the upgrade itself.') });
      }
      done({ upgraded: true, status: 101, headers: res.headers, result: pass('upgrade', TITLE, `101 Switching Protocols${res.headers.server ? ` from ${res.headers.server}` : ''}.`) });
    });
    r.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      const finish = () => done({ upgraded: false, status: res.statusCode, headers: res.headers,
        result: classifyRefusal(target, req, res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8', 0, 4096)) });
      res.once('end', finish);
      res.once('error', finish);
      // A proxy may stream a large page; the first 4 KB say enough.
      setTimeout(finish, Math.min(1000, req.timeoutMs)).unref();
    });
    r.on('error', (e: NodeJS.ErrnoException) => done({ upgraded: false, result: fail('upgrade', TITLE, `The upgrade request failed: ${e.message}.`,
      'Check the URL and that the server is an HTTP/WebSocket server.', { code: e.code }) }));
    r.end();
  });
}
