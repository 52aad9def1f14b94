import { setMaxListeners } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { redactUrl } from '../../src/errors/redact.js';
import { isAllowedOrigin } from './origin.js';
import { plain, serveStatic } from './static.js';
import type { Certificate } from './tls.js';

export interface LocalServerOptions {
  host: string;
  port: number;
  tls?: Pick<Certificate, 'key' | 'cert'>;
  /** Origins allowed to open sockets besides the server's own. */
  allowedOrigins: string[];
  maxSessions: number;
  maxMessageBytes: number;
  log: (line: string) => void;
}

/** One socket's life on one endpoint. `signal` aborts when the server shuts down. */
export type EndpointHandler = (socket: WebSocket, req: IncomingMessage, signal: AbortSignal) => void;

export interface LocalServer {
  url: string;
  server: Server;
  activeSessions(): number;
  close(): Promise<void>;
}

/** The http(s) server behind `npm start`: static demo files, and one WebSocket endpoint per protocol. */
export async function startLocalServer(options: LocalServerOptions, endpoints: Readonly<Record<string, EndpointHandler>>): Promise<LocalServer> {
  const listener = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    serveStatic(req, res, options.tls !== undefined).catch(() => plain(res, 500, 'internal error'));
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const shutdown = new AbortController();
  // Every open session listens for shutdown: without this Node warns of a leak past 10 sessions.
  setMaxListeners(options.maxSessions + 1, shutdown.signal);

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const handler = endpoints[path];
    const refuse = (status: number, why: string, hint = '') => {
      options.log(`refused ${status} ${redactUrl(req.url ?? '')}: ${why}${hint}`);
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (handler === undefined) return refuse(404, 'Not Found');
    // The reason phrase says Origin so a Node client can tell this 403 from a refused token (browsers see only 1006).
    if (!isAllowedOrigin(req, options.allowedOrigins)) {
      const origin = JSON.stringify(req.headers.origin).slice(1, -1);
      return refuse(403, 'Forbidden Origin', ` ${origin} is not this server's origin; start it with --allow-origin ${origin} to admit that page`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (wss.clients.size > options.maxSessions) {
        options.log(`busy: ${wss.clients.size - 1} sessions open, limit ${options.maxSessions}`);
        ws.close(4429, 'server busy: session limit reached');
        return;
      }
      options.log(`open ${path} (${wss.clients.size} sessions)`);
      ws.on('close', (code) => options.log(`close ${path} ${code} (${wss.clients.size} sessions)`));
      ws.on('error', (e) => options.log(`socket error on ${path}: ${e.message}`));
      handler(ws, req, shutdown.signal);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' || options.host === '127.0.0.1' ? 'localhost' : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    server,
    activeSessions: () => wss.clients.size,
    async close() {
      shutdown.abort();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        wss.close(() => {
          clearTimeout(force);
          server.closeAllConnections();
          server.close(() => resolve());
        });
      });
    },
  };
}
