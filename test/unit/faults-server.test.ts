import type { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import { OggOpusWriter, concat } from '../../src/codecs/ogg-writer.js';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { moshi } from '../../src/protocols/moshi/moshi.js';
import { createVoiceSession, type SessionState, type VoiceSessionOptions } from '../../src/session/voice-session.js';
import { streamAudio, type StreamAudioOptions } from '../../src/session/stream-audio.js';
import { CaptureSink, TEST_TOKEN } from '../support/capture.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';
import { startVoiceServer, until } from '../support/voice-server.js';

const sink = new CaptureSink();
const escaped: unknown[] = [];
const onEscape = (e: unknown) => escaped.push(e);
beforeAll(() => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterAll(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
  // Every fault below became a typed event; none escaped as an exception or a rejected promise nobody awaited.
  expect(escaped).toEqual([]);
  expect(sink.leaks()).toEqual([]);
});
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function session({ input, pace, ...options }: Partial<VoiceSessionOptions> & StreamAudioOptions & { url: string }) {
  const rec = { states: [] as SessionState[], errors: [] as { code: string; fatal: boolean }[], received: 0 };
  const s = createVoiceSession({ auth: { token: TEST_TOKEN, via: 'query' }, ...options, audio: streamAudio({ input, pace, onAudio: (pcm) => (rec.received += pcm.length) }) });
  s.on('state', (st) => rec.states.push(st));
  s.on('error', (e: VoicewireError, fatal) => rec.errors.push({ code: e.code, fatal }));
  for (const name of ['state', 'error', 'text', 'metadata'] as const) s.on(name, sink.listener(name));
  cleanups.push(() => s.stop());
  return { s, rec };
}

async function* silence() {
  for (;;) yield new Float32Array(480);
}

describe('server process SIGKILLed and restarted', () => {
  it('the local server (a child process) dies mid-session: the voicewire session reconnects to its restart on the same port', async () => {
    let server: DemoServer = await startDemoServer();
    cleanups.push(() => server.stop('SIGKILL'));
    const port = server.port;
    const { s, rec } = session({ url: `ws://127.0.0.1:${port}/ws`, input: silence(), pace: 'realtime', reconnectPolicy: { nextRetryDelayMs: ({ attempt: a }) => (a <= 100 ? 200 : null) } });
    await s.start();
    await until(() => rec.received > 4800, 10_000, 'echo');
    expect(await server.stop('SIGKILL')).toBe(null);
    await until(() => rec.states.includes('reconnecting'), 10_000, 'reconnecting');
    server = await startDemoServer(['--port', String(port)]);
    sink.push(...server.lines);
    await until(() => rec.states.at(-1) === 'connected' && rec.states.includes('reconnecting'), 30_000, 'reconnected');
    const before = rec.received;
    await until(() => rec.received > before + 4800, 10_000, 'echo after the restart');
    expect(rec.errors[0]).toEqual({ code: ErrorCode.CONNECTION_CLOSED, fatal: false });
    expect(rec.errors.every((e) => !e.fatal)).toBe(true);
  });
});

describe('bad bytes from a server', () => {
  it('garbage (odd-length audio, non-JSON text, JSON without a type) → non-fatal PROTOCOL_ERRORs; the session goes on and plays good audio', async () => {
    const server = await startVoiceServer({
      onConnection: (ws) => ws.on('message', (d, bin) => {
        if (bin) return;
        setTimeout(() => {
          ws.send(Buffer.from([1, 2, 3]));
          ws.send('}{ not json');
          ws.send('{"no":"type"}');
          ws.send(Buffer.alloc(960));
        }, 20);
      }),
    });
    cleanups.push(() => server.close());
    const { s, rec } = session({ url: server.url });
    await s.start();
    await until(() => rec.received === 480, 5000, 'the good frame');
    expect(rec.errors.map((e) => e.code)).toEqual([ErrorCode.PROTOCOL_ERROR, ErrorCode.PROTOCOL_ERROR, ErrorCode.PROTOCOL_ERROR]);
    expect(rec.errors.every((e) => !e.fatal)).toBe(true);
    expect(s.state).toBe('connected');
  });

  it('truncated Ogg pages in a Moshi stream → PROTOCOL_ERROR events, and the audio after them still decodes', async () => {
    const encoder = await createOpusEncoder({ sampleRate: 24000, implementation: 'wasm' });
    const writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: encoder.preSkip, serial: 7 });
    const headers = writer.headers();
    const pages: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      const packets = await encoder.encode(Float32Array.from({ length: 480 }, (_, k) => 0.3 * Math.sin((2 * Math.PI * 440 * (i * 480 + k)) / 24000)));
      for (const p of packets) {
        const page = writer.writePacket(p);
        if (page) pages.push(page);
      }
    }
    encoder.close();
    const audio = (bytes: Uint8Array) => Buffer.from(concat([Uint8Array.of(1), bytes]));
    const server = await startVoiceServer({
      hello: false,
      onConnection: (ws: WebSocket) => {
        ws.send(Buffer.of(0));
        ws.send(audio(concat([headers, pages[0]])));
        ws.send(audio(pages[1].subarray(0, 30))); // a page cut short: its header promises a body that never comes
        for (const page of pages.slice(2)) ws.send(audio(page));
      },
    });
    cleanups.push(() => server.close());
    const { s, rec } = session({ url: server.url.replace('/ws', '/api/chat'), protocol: moshi() });
    await s.start();
    // Pages 2…5 arrive whole (4 pages × 2 packets × 480 samples); the truncated one is reported, not played.
    await until(() => rec.errors.length > 0 && rec.received >= 2 * 480 + 4 * 960 - 960, 10_000, 'audio after the truncated page');
    expect(new Set(rec.errors.map((e) => e.code))).toEqual(new Set([ErrorCode.PROTOCOL_ERROR]));
    expect(rec.errors.every((e) => !e.fatal)).toBe(true);
  });

  it('an oversize message → PROTOCOL_ERROR with a 1009 close; the same session object starts again', async () => {
    const server = await startVoiceServer({ onConnection: (ws) => ws.once('message', () => setTimeout(() => ws.send(Buffer.alloc(64 * 1024)), 20)) });
    cleanups.push(() => server.close());
    const { s, rec } = session({ url: server.url, maxMessageBytes: 16 * 1024 });
    await s.start();
    await until(() => s.state === 'closed', 5000, 'closed');
    expect(rec.errors).toEqual([{ code: ErrorCode.PROTOCOL_ERROR, fatal: true }]);
    await until(() => server.closeCodes.length > 0, 5000, 'the server saw the close');
    expect(server.closeCodes[0]).toBe(1009);
    await s.start();
    expect(s.state).toBe('connected');
  });

  it('the wrong protocol (a voicewire session at a Moshi endpoint) → a typed error at start, not a hang', async () => {
    const server = await startDemoServer();
    cleanups.push(() => server.stop());
    const { s, rec } = session({ url: `ws://127.0.0.1:${server.port}/api/chat`, helloTimeoutMs: 3000 });
    const error = await s.start().then(() => null, (e: VoicewireError) => e);
    sink.push(error, ...server.lines);
    // Moshi's 0x00 handshake is recognised as another protocol's first message and named at once (not after the
    // hello timeout, and not SERVER_BUSY, which only a silent one-slot server gets).
    expect(error?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(error?.message).toMatch(/speaks Moshi/);
    expect(rec.errors.slice(0, -1).every((e) => e.code === ErrorCode.PROTOCOL_ERROR && !e.fatal)).toBe(true);
    expect(rec.errors.at(-1)).toEqual({ code: ErrorCode.PROTOCOL_ERROR, fatal: true });
    expect(s.state).toBe('closed');
  });
});
