import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { createVoiceSession, type SessionState, type SessionStats, type VoiceSessionOptions } from '../../src/session/voice-session.js';
import { streamAudio, type StreamAudioOptions } from '../../src/session/stream-audio.js';
import { moshi } from '../../src/protocols/moshi/moshi.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { Connection } from '../../src/transport/connection.js';
import type { ReconnectPolicy } from '../../src/transport/reconnect.js';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { startLocalServer } from '../../demo/server/server.js';
import { CaptureSink, TEST_TOKEN } from '../support/capture.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { WallClockPlayout } from '../support/playout.js';
import { startVoiceServer, until, type VoiceServer } from '../support/voice-server.js';

const FRAME = 480; // 20 ms at 24 kHz: one voicewire message per frame
const sink = new CaptureSink();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => expect(sink.leaks()).toEqual([]));

const fixedDelay = (ms: number): ReconnectPolicy => ({ nextRetryDelayMs: ({ attempt }) => (attempt <= 50 ? ms : null) });

/** An echoing voicewire server behind a fault proxy. */
async function rig(serverOptions: Parameters<typeof startVoiceServer>[0] = { echo: true }): Promise<{ server: VoiceServer; proxy: FaultProxy }> {
  const server = await startVoiceServer(serverOptions);
  const proxy = await startFaultProxy(server.port);
  cleanups.push(() => server.close(), () => proxy.close());
  return { server, proxy };
}

/** `count` frames of a ramp (so frames differ), counted as they are read: the "microphone". */
function microphone(count: number) {
  const mic = { captured: 0, done: false };
  async function* frames() {
    for (let i = 0; i < count; i++) {
      mic.captured++;
      yield Float32Array.from({ length: FRAME }, (_, k) => ((i * FRAME + k) % 1000) / 2000);
    }
    mic.done = true;
  }
  return { mic, frames: frames() };
}

/** A session through the proxy that records states, errors and its latest stats. */
function session(proxy: FaultProxy, { input, pace, ...options }: Partial<VoiceSessionOptions> & StreamAudioOptions) {
  const rec = { states: [] as SessionState[], errors: [] as { error: VoicewireError; fatal: boolean; at: number }[], stats: undefined as SessionStats | undefined, received: 0 };
  const s = createVoiceSession({
    url: proxy.url('/ws'), auth: { token: TEST_TOKEN, via: 'query' }, statsIntervalMs: 20, reconnectPolicy: fixedDelay(100), ...options,
    audio: streamAudio({ input, pace, onAudio: (pcm) => (rec.received += pcm.length) }),
  });
  s.on('state', (st) => rec.states.push(st));
  s.on('error', (error, fatal) => rec.errors.push({ error, fatal, at: performance.now() }));
  s.on('stats', (st) => (rec.stats = st));
  for (const name of ['state', 'error', 'text', 'metadata'] as const) s.on(name, sink.listener(name));
  cleanups.push(() => s.stop());
  return { s, rec };
}

describe('fault proxy: cut mid-stream', () => {
  it('voicewire: CONNECTION_CLOSED event, reconnect with backoff, and every captured frame is sent or counted as dropped', async () => {
    const { server, proxy } = await rig();
    const { mic, frames } = microphone(150); // 3 s, paced like a microphone
    const { s, rec } = session(proxy, { input: frames, pace: 'realtime' });
    await s.start();
    await until(() => mic.captured >= 50, 10_000, '1 s of audio');
    const cutAt = performance.now();
    proxy.cut();
    await until(() => rec.states.at(-1) === 'connected' && rec.states.includes('reconnecting'), 10_000, 'reconnected');
    const recoveredMs = performance.now() - cutAt;
    await until(() => mic.done && rec.stats !== undefined && rec.stats.framesSent + rec.stats.droppedOutMs / 20 === 150, 10_000, 'all frames accounted');
    const st = rec.stats!;
    // The outage lost frames, and each one was counted: captured = sent + dropped, exactly.
    expect(st.droppedOutMs).toBeGreaterThan(0);
    expect(st.framesSent + st.droppedOutMs / 20).toBe(mic.captured);
    // What the server got is what was sent, less what was in flight in the cut connection's buffers.
    const serverFrames = server.received.filter((m) => typeof m !== 'string').length;
    expect(serverFrames).toBeLessThanOrEqual(st.framesSent);
    expect(rec.errors.map((e) => [e.error.code, e.fatal])).toEqual([[ErrorCode.CONNECTION_CLOSED, false]]);
    expect(rec.states).toEqual(['starting', 'connecting', 'waiting', 'connected', 'reconnecting', 'connecting', 'waiting', 'connected']);
    expect(recoveredMs).toBeGreaterThanOrEqual(100); // the policy's backoff was honoured
    expect(proxy.opened).toBe(2);
  });

  it('Moshi (not resumable): the cut ends the session with CONNECTION_CLOSED, fatal, and the session starts again', async () => {
    const local = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 4, maxMessageBytes: 1 << 20, log: (l) => sink.push(l) }, {
      '/api/chat': moshiEndpoint({ singleSession: false, log: (l) => sink.push(l) }),
    });
    cleanups.push(() => local.close());
    const proxy = await startFaultProxy(Number(new URL(local.url).port));
    cleanups.push(() => proxy.close());
    const { s, rec } = session(proxy, { url: proxy.url('/api/chat'), protocol: moshi() });
    await s.start();
    proxy.cut();
    await until(() => s.state === 'closed', 10_000, 'closed');
    expect(rec.errors.map((e) => [e.error.code, e.fatal])).toEqual([[ErrorCode.CONNECTION_CLOSED, true]]);
    await s.start();
    expect(s.state).toBe('connected');
  });
});

describe('fault proxy: blackhole (no FIN, no RST)', () => {
  it('a silent dead link is found by the liveness timeout (CONNECTION_TIMEOUT), then the session reconnects once healed', async () => {
    const { proxy } = await rig();
    const { frames } = microphone(100_000);
    const { s, rec } = session(proxy, { input: frames, pace: 'realtime', livenessTimeoutMs: 1000 });
    await s.start();
    await until(() => rec.received > 24000 * 0.3, 10_000, 'echo flowing');
    const holeAt = performance.now();
    proxy.blackhole();
    await until(() => rec.errors.length > 0, 15_000, 'liveness timeout');
    const detectedMs = rec.errors[0].at - holeAt;
    expect(rec.errors[0].error.code).toBe(ErrorCode.CONNECTION_TIMEOUT);
    expect(rec.errors[0].fatal).toBe(false);
    expect(rec.errors[0].error.details).toMatchObject({ livenessTimeoutMs: 1000 });
    // Not before the configured silence (the echo was arriving every 20 ms until the hole), and not hours later.
    expect(detectedMs).toBeGreaterThanOrEqual(1000 - 50);
    expect(detectedMs).toBeLessThan(1000 + 5000);
    expect(rec.states).toContain('reconnecting');
    proxy.heal();
    await until(() => rec.states.at(-1) === 'connected' && rec.states.filter((x) => x === 'connected').length === 2, 15_000, 'reconnected');
  });

  it('a quiet but live server is not mistaken for a dead one: WebSocket pings keep it alive', async () => {
    const { proxy } = await rig({ echo: false });
    const { s, rec } = session(proxy, { livenessTimeoutMs: 400 });
    await s.start();
    await new Promise((r) => setTimeout(r, 2000)); // five timeouts of silence from the server's application
    expect(rec.errors).toEqual([]);
    expect(s.state).toBe('connected');
    proxy.blackhole(); // the same silence with the pings swallowed is a dead link
    await until(() => rec.errors.length > 0, 10_000, 'liveness timeout');
    expect(rec.errors[0].error.code).toBe(ErrorCode.CONNECTION_TIMEOUT);
  });

  it('Moshi (not resumable): a blackhole ends the session with a fatal CONNECTION_TIMEOUT instead of hanging `connected`', async () => {
    const local = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 4, maxMessageBytes: 1 << 20, log: (l) => sink.push(l) }, {
      '/api/chat': moshiEndpoint({ singleSession: false, log: (l) => sink.push(l) }),
    });
    cleanups.push(() => local.close());
    const proxy = await startFaultProxy(Number(new URL(local.url).port));
    cleanups.push(() => proxy.close());
    const { s, rec } = session(proxy, { url: proxy.url('/api/chat'), protocol: moshi(), livenessTimeoutMs: 800 });
    await s.start();
    proxy.blackhole();
    await until(() => s.state === 'closed', 10_000, 'closed');
    expect(rec.errors.map((e) => [e.error.code, e.fatal])).toEqual([[ErrorCode.CONNECTION_TIMEOUT, true]]);
  });
});

describe('fault proxy: throttled link', () => {
  it('outgoing audio stays within its budget, drops are counted exactly, and the slow echo shows as counted underruns', async () => {
    const { proxy } = await rig();
    proxy.throttle(16_000); // a third of the 48 kB/s the audio needs, each way
    const budget = 16 * 1024;
    const playout = new WallClockPlayout(24000);
    const conn = new Connection({ url: proxy.url('/ws'), protocol: voicewire(), audioBudgetBytes: budget, auth: { token: TEST_TOKEN, via: 'query' } });
    conn.on('audio', (e) => playout.push(e.pcm));
    conn.on('error', sink.listener('error'));
    cleanups.push(() => conn.close(), () => playout.stop());
    await conn.connect();
    playout.start();
    // 200 ms frames offered faster than real time: 19 MB, more than the kernel's loopback socket buffers absorb,
    // so the backlog reaches the client's own buffers, where the budget applies.
    const frame = new Float32Array(4800).fill(0.25);
    const bytes = 9600;
    let maxHeld = 0;
    for (let i = 1; i <= 2000; i++) {
      conn.sendAudio(frame);
      if (i % 20 === 0) {
        await new Promise((r) => setTimeout(r, 1));
        const st = conn.stats;
        maxHeld = Math.max(maxHeld, st.queuedAudioBytes + st.bufferedAmount);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    const st = conn.stats;
    // Bounded: outbox plus ws's buffer never held more than the budget plus a frame on each side.
    expect(maxHeld).toBeLessThanOrEqual(budget + 2 * bytes);
    expect(st.audioDropped).toBeGreaterThan(100);
    // Exact: every frame offered was sent, dropped (counted) or still waits.
    expect(st.audioSent + st.audioDropped + st.audioDroppedNotConnected + st.queuedAudioBytes / bytes).toBe(2000);
    expect(st.audioBytesDropped).toBe(st.audioDropped * bytes);
    // The echo comes back at a third of real time: the jitter buffer runs dry, and says so.
    await until(() => playout.core.stats.underruns >= 2, 15_000, 'underruns');
  });
});
