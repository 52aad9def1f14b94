import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface VoiceServerOptions {
  /** Port to listen on (0 = any); a restart reuses the previous port. */
  port?: number;
  /** Answer the client hello with a voicewire server hello. Default true. */
  hello?: boolean | Record<string, unknown>;
  /** Echo binary audio frames back. Default false. */
  echo?: boolean;
  /** HTTP status to refuse the upgrade with. */
  refuseWith?: number;
  /** Runs for each connection after the built-in behaviour was wired. */
  onConnection?: (ws: WebSocket, req: IncomingMessage) => void;
}

export interface VoiceServer {
  port: number;
  url: string;
  sockets: Set<WebSocket>;
  upgrades: IncomingMessage[];
  /** Every message received, as text or bytes, in order. */
  received: (string | Buffer)[];
  closeCodes: number[];
  /** Drops every connection without a close frame and stops listening (a crashed server). */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export const SERVER_HELLO = { type: 'hello', protocol: 'voicewire', version: 1, role: 'server', audio: { sampleRate: 24000, channels: 1, format: 's16le', frameMs: 20 } };

/** A real voicewire-speaking `ws` server on loopback, for transport tests. */
export async function startVoiceServer(options: VoiceServerOptions = {}): Promise<VoiceServer> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('voicewire.v1') ? 'voicewire.v1' : false),
    verifyClient: options.refuseWith === undefined ? undefined : (_info, cb) => cb(false, options.refuseWith),
  });
  const server: VoiceServer = {
    port: 0, url: '', sockets: new Set(), upgrades: [], received: [], closeCodes: [],
    async kill() {
      for (const ws of server.sockets) ws.terminate();
      await closeHttp();
    },
    async close() {
      for (const ws of server.sockets) ws.close(1001);
      await closeHttp();
    },
  };
  const closeHttp = () => new Promise<void>((resolve) => {
    wss.close();
    http.closeAllConnections();
    http.close(() => resolve());
  });
  wss.on('connection', (ws, req) => {
    server.sockets.add(ws);
    server.upgrades.push(req);
    ws.on('close', (code) => {
      server.closeCodes.push(code);
      server.sockets.delete(ws);
    });
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? (data as Buffer) : data.toString();
      server.received.push(message);
      if (!isBinary && options.hello !== false && /"type":"hello"/.test(String(message))) {
        ws.send(JSON.stringify(typeof options.hello === 'object' ? options.hello : SERVER_HELLO));
      } else if (isBinary && options.echo) ws.send(message);
    });
    options.onConnection?.(ws, req);
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  server.port = (http.address() as AddressInfo).port;
  server.url = `ws://127.0.0.1:${server.port}/ws`;
  return server;
}

/** Resolves when `predicate` holds, polling; fails the test after `ms`. */
export async function until(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
