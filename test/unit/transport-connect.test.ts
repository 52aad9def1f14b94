import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { Connection, type ConnectionOptions } from '../../src/transport/connection.js';
import type { ConnectionState } from '../../src/transport/connection-events.js';
import { SERVER_HELLO, until } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const { cleanup, server } = cleanupAfterEach();

function connection(options: Partial<ConnectionOptions> & { url: string }): { conn: Connection; states: ConnectionState[]; errors: [VoicewireError, boolean][] } {
  const conn = new Connection({ protocol: voicewire(), ...options });
  const states: ConnectionState[] = [];
  const errors: [VoicewireError, boolean][] = [];
  conn.on('state', (c) => states.push(c.state));
  conn.on('error', (e, fatal) => errors.push([e, fatal]));
  cleanup(() => conn.close());
  return { conn, states, errors };
}

async function rejection(p: Promise<unknown>): Promise<VoicewireError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VoicewireError);
    return e as VoicewireError;
  }
  throw new Error('expected a rejection');
}

describe('Connection against a real ws server', () => {
  it('goes connecting → waiting → connected, sends its hello first, and exchanges audio as ArrayBuffer-backed bytes', async () => {
    const s = await server({ echo: true });
    const { conn, states } = connection({ url: s.url });
    await conn.connect();
    expect(states).toEqual(['connecting', 'waiting', 'connected']);
    expect(JSON.parse(String(s.received[0]))).toMatchObject({ type: 'hello', versions: [1, 2], role: 'client' });
    const audio: Float32Array[] = [];
    conn.on('audio', (e) => audio.push(e.pcm));
    expect(conn.sendAudio(new Float32Array([0.5, -0.5, 0]))).toBe(true);
    await until(() => audio.length === 1, 5000, 'echoed audio');
    expect(Array.from(audio[0])).toEqual([Math.fround(16384 / 32767), -0.5, 0]);
    expect(s.received[1]).toBeInstanceOf(Buffer);
    expect([...(s.received[1] as Buffer)]).toEqual([0x00, 0x40, 0x00, 0xc0, 0x00, 0x00]);
    conn.close();
    expect(conn.state).toBe('closed');
    await until(() => s.closeCodes.length === 1);
    expect(s.closeCodes).toEqual([1000]);
  });

  it('counts audio offered before the hello instead of sending it', async () => {
    const s = await server({ hello: false });
    const { conn } = connection({ url: s.url, helloTimeoutMs: 60_000 });
    void conn.connect().catch(() => {});
    await until(() => conn.state === 'waiting');
    expect(conn.sendAudio(new Float32Array(480))).toBe(false);
    expect(conn.stats.audioDroppedNotConnected).toBe(1);
    expect(s.received.filter((m) => typeof m !== 'string')).toHaveLength(0);
  });

  it('CONNECTION_TIMEOUT when a TCP server accepts but never answers the upgrade', async () => {
    const held: Socket[] = [];
    const tcp: Server = createServer((sock) => held.push(sock));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanup(() => new Promise<void>((r) => { held.forEach((h) => h.destroy()); tcp.close(() => r()); }));
    const { conn, states } = connection({ url: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/`, connectTimeoutMs: 300 });
    const err = await rejection(conn.connect());
    expect(err.code).toBe(ErrorCode.CONNECTION_TIMEOUT);
    expect(err.message).toContain('300 ms');
    expect(states).toEqual(['connecting', 'closed']);
  });

  it('SERVER_BUSY when the socket opens but the server never greets (a busy Moshi-style server)', async () => {
    const s = await server({ hello: false });
    const { conn, states, errors } = connection({ url: s.url, helloTimeoutMs: 300 });
    const err = await rejection(conn.connect());
    expect(err.code).toBe(ErrorCode.SERVER_BUSY);
    expect(err.message).toMatch(/free slot/);
    expect(states).toEqual(['connecting', 'waiting', 'closed']);
    expect(errors).toEqual([[err, true]]);
  });

  it.each([[401, ErrorCode.AUTH_REJECTED], [403, ErrorCode.AUTH_REJECTED], [500, ErrorCode.CONNECTION_FAILED], [404, ErrorCode.CONNECTION_FAILED]])(
    'HTTP %i on upgrade → %s with the status', async (status, code) => {
      const s = await server({ refuseWith: status });
      const { conn } = connection({ url: s.url });
      const err = await rejection(conn.connect());
      expect(err.code).toBe(code);
      expect(err.message).toContain(`HTTP ${status}`);
      expect(err.details.httpStatus).toBe(status);
    });

  it('CONNECTION_FAILED naming the cause when nothing listens (Node sees ECONNREFUSED)', async () => {
    const s = await server();
    await s.close();
    const { conn } = connection({ url: s.url });
    const err = await rejection(conn.connect());
    expect(err.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.remedy).toMatch(/Nothing is listening/);
  });

  it('CONNECTION_FAILED naming the subprotocol when the server echoes none', async () => {
    const s = await server({ onConnection: () => {} });
    const { conn } = connection({ url: s.url, protocol: () => Object.assign(voicewire()(), { subprotocols: ['other.v9'] }) });
    const err = await rejection(conn.connect());
    expect(err.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(err.remedy).toMatch(/subprotocol/);
  });

  it('an incoming message over maxMessageBytes → PROTOCOL_ERROR and a 1009 close', async () => {
    const s = await server({ onConnection: (ws) => ws.on('message', () => setTimeout(() => ws.send(new Uint8Array(4096)), 20)) });
    const { conn, states } = connection({ url: s.url, maxMessageBytes: 1024 });
    await conn.connect();
    const closed = new Promise<VoicewireError | null>((r) => conn.once('close', (i) => r(i.error)));
    const err = await closed;
    expect(err?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(err?.message).toMatch(/over the 1024-byte limit/);
    await until(() => s.closeCodes.length === 1);
    expect(s.closeCodes).toEqual([1009]);
    expect(states.at(-1)).toBe('closed');
  });

  it('a hello with a version the client did not offer → fatal PROTOCOL_ERROR and a 1002 close', async () => {
    const s = await server({ hello: { ...SERVER_HELLO, version: 7 } });
    const { conn } = connection({ url: s.url });
    const err = await rejection(conn.connect());
    expect(err.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(err.message).toMatch(/version 7/);
    await until(() => s.closeCodes.length === 1);
    expect(s.closeCodes).toEqual([1002]);
  });

  it('maps server close codes: 4429 → SERVER_BUSY, 4401 → AUTH_REJECTED, 1011 → SERVER_ERROR', async () => {
    for (const [close, code] of [[4429, ErrorCode.SERVER_BUSY], [4401, ErrorCode.AUTH_REJECTED], [1011, ErrorCode.SERVER_ERROR]] as const) {
      const s = await server({ hello: false, onConnection: (ws) => ws.close(close, 'bye') });
      const { conn } = connection({ url: s.url });
      const err = await rejection(conn.connect());
      expect(err.code).toBe(code);
      expect(err.details.closeCode).toBe(close);
    }
  });

  it('answers a server ping with a pong and never drops control messages', async () => {
    const s = await server({ onConnection: (ws) => ws.on('message', (d, bin) => { if (!bin && /hello/.test(String(d))) ws.send('{"type":"ping","id":3,"t":99}'); }) });
    const { conn } = connection({ url: s.url });
    await conn.connect();
    await until(() => s.received.some((m) => m === '{"type":"pong","id":3,"t":99}'), 5000, 'pong');
    expect(conn.flush()).toBe(true);
    await until(() => s.received.includes('{"type":"end"}'), 5000, 'end');
  });
});
