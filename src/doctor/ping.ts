import type WebSocket from 'ws';
import type { SniffedProtocol } from './types.js';
import { fail, pass, type CheckResult } from './types.js';

const TITLE = 'Ping: the socket carries a WebSocket ping round trip';
const PROTOCOL_TITLE = 'Ping: the protocol\'s own ping round trip';

/**
 * Two round trips on the open socket: a WebSocket ping frame (RFC 6455 §5.5.2: every endpoint must answer with a
 * pong; browsers answer the server's pings themselves), then the protocol's own ping where it has one (voicewire
 * `{"type":"ping"}` → `pong`, docs/protocol.md). A proxy that drops control frames or buffers messages shows here.
 */
export async function checkPing(socket: WebSocket, protocol: SniffedProtocol, timeoutMs: number): Promise<CheckResult[]> {
  const frame = await roundTrip(socket, timeoutMs, (done) => {
    socket.once('pong', done);
    socket.ping();
  });
  const out: CheckResult[] = [frame === null
    ? fail('ping.frame', TITLE, `No pong to a WebSocket ping within ${timeoutMs} ms.`,
      'The server (or a proxy in front of it) does not answer ping frames; long quiet sessions may then be cut by idle timeouts. Check the proxy passes control frames.')
    : pass('ping.frame', TITLE, `WebSocket ping → pong in ${frame} ms.`, { rttMs: frame })];
  if (protocol === 'voicewire') {
    const id = 424242;
    const app = await roundTrip(socket, timeoutMs, (done) => {
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        try {
          const m = JSON.parse(data.toString('utf8')) as { type?: unknown; id?: unknown };
          if (m.type === 'pong' && m.id === id) {
            socket.off('message', onMessage);
            done();
          }
        } catch {
          // audio or other control text: keep waiting
        }
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ type: 'ping', id, t: Date.now() }));
    });
    out.push(app === null
      ? fail('ping.protocol', PROTOCOL_TITLE, `No voicewire pong to a {"type":"ping"} within ${timeoutMs} ms.`,
        'A voicewire server must answer `ping` with `pong` carrying the same id (docs/protocol.md, "Control"); the client measures round-trip time with it.')
      : pass('ping.protocol', PROTOCOL_TITLE, `voicewire ping → pong in ${app} ms.`, { rttMs: app }));
  }
  return out;
}

/** Milliseconds until `start`'s callback fires, or null after the timeout or if the socket closes first. */
function roundTrip(socket: WebSocket, timeoutMs: number, start: (done: () => void) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const finish = (value: number | null) => {
      clearTimeout(timer);
      socket.off('close', onClose);
      resolve(value);
    };
    const onClose = () => finish(null);
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.once('close', onClose);
    start(() => finish(Math.round(performance.now() - t0)));
  });
}
