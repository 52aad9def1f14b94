import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MOSHI_SERVER_KINDS, moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import { MoshiProtocol } from '../../src/protocols/moshi/moshi.js';
import { until } from '../support/voice-server.js';

/**
 * The local server's `/api/chat` held to what real Moshi servers send and Kyutai's web client checks
 * (issue 15 case 10): handshake first with no metadata (as the Python server), only kinds 0x00–0x07, and never a
 * silence the client would take for a dead server (it closes after 10 s without a message).
 */
describe('the local Moshi endpoint speaks like a Moshi server', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/api/chat': moshiEndpoint({ singleSession: false, log: () => {}, keepAliveMs: 300 }),
      '/api/chat-default': moshiEndpoint({ singleSession: false, log: () => {} }),
    });
  });
  afterAll(() => server.close());

  async function session(path: string) {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`);
    const got: { at: number; kind: number; bytes: number }[] = [];
    ws.on('message', (d: Buffer) => got.push({ at: Date.now(), kind: d[0], bytes: d.length }));
    await new Promise((r) => ws.once('open', r));
    return { ws, got };
  }

  it('handshake first (no 0x04 metadata), an echo of an uploaded stream, and only kinds 0x00–0x07', async () => {
    const { ws, got } = await session('/api/chat');
    await until(() => got.length > 0);
    expect(got[0]).toMatchObject({ kind: 0x00, bytes: 1 });
    const moshi = new MoshiProtocol({ encoder: (o) => createOpusEncoder({ ...o, implementation: 'wasm' }) });
    await moshi.decode(new Uint8Array([0]));
    const tone = Float32Array.from({ length: 24000 }, (_, i) => 0.4 * Math.sin(i / 8));
    for (let at = 0; at < tone.length; at += 480) for (const m of await moshi.encodeAudio(tone.subarray(at, at + 480))) ws.send(m);
    for (const m of moshi.endInput()) ws.send(m);
    await until(() => got.filter((g) => g.kind === 0x01).length >= 10 && got.some((g) => g.kind === 0x02), 10_000, 'echo and text');
    ws.close();
    moshi.close();
    const kinds = new Set(got.map((g) => g.kind));
    expect([...kinds].every((k) => k >= 0x00 && k <= 0x07)).toBe(true);
    expect(kinds.has(0x04)).toBe(false);
    expect(Object.values(MOSHI_SERVER_KINDS).every((k) => k <= 0x07)).toBe(true);
  });

  it('keeps the socket alive while the client is silent: a 0x06 ping whenever nothing else went out for keepAliveMs', async () => {
    const { ws, got } = await session('/api/chat');
    await new Promise((r) => setTimeout(r, 1600));
    ws.close();
    const pings = got.filter((g) => g.kind === 0x06);
    expect(pings.length).toBeGreaterThanOrEqual(3);
    expect(pings.every((p) => p.bytes === 1)).toBe(true);
    const gaps = got.slice(1).map((g, i) => g.at - got[i].at);
    // 300 ms keep-alive checked every 75 ms: far below the web client's 10 s, with room for a loaded machine.
    expect(Math.max(...gaps)).toBeLessThan(1500);
  });

  it('by default a silent client still hears from the server well within the web client\'s 10 s', async () => {
    const { ws, got } = await session('/api/chat-default');
    await until(() => got.some((g) => g.kind === 0x06), 9_000, 'a keep-alive ping');
    ws.close();
    expect(got[1].at - got[0].at).toBeLessThan(9_000);
  });
});
