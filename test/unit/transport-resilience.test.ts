import { describe, expect, it } from 'vitest';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { realtime } from '../../src/protocols/realtime/realtime.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { Connection } from '../../src/transport/connection.js';
import type { StateChange } from '../../src/transport/connection-events.js';
import { ExponentialBackoff, type ReconnectContext, type ReconnectPolicy } from '../../src/transport/reconnect.js';
import { startVoiceServer, until } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const { cleanup, server } = cleanupAfterEach();

/** Records the attempts it was asked about; fixed short delays so tests stay quick. */
class RecordingPolicy implements ReconnectPolicy {
  readonly asked: number[] = [];
  readonly contexts: ReconnectContext[] = [];
  constructor(private readonly delays: readonly number[]) {}
  nextRetryDelayMs(context: ReconnectContext): number | null {
    const { attempt } = context;
    this.asked.push(attempt);
    this.contexts.push(context);
    return this.delays[attempt - 1] ?? null;
  }
}

describe('ExponentialBackoff', () => {
  it('doubles from the initial delay, caps, jitters within bounds and gives up', () => {
    const fixed = new ExponentialBackoff({ initialDelayMs: 100, factor: 2, maxDelayMs: 1000, maxAttempts: 6, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => fixed.nextRetryDelayMs({ attempt }))).toEqual([100, 200, 400, 800, 1000, 1000, null]);
    const low = new ExponentialBackoff({ initialDelayMs: 100, jitter: 0.5, random: () => 0 });
    const high = new ExponentialBackoff({ initialDelayMs: 100, jitter: 0.5, random: () => 0.999999 });
    expect(low.nextRetryDelayMs({ attempt: 3 })).toBe(200);
    expect(high.nextRetryDelayMs({ attempt: 3 })).toBe(400);
  });
});

describe('reconnect', () => {
  it('server killed mid-stream → reconnecting with the policy\'s backoff → open again on a fresh session', async () => {
    const s1 = await startVoiceServer();
    const port = s1.port;
    const policy = new RecordingPolicy([50, 100, 200, 400, 800, 1600]);
    const conn = new Connection({ url: s1.url, protocol: voicewire(), reconnectPolicy: policy });
    cleanup(() => conn.close());
    const changes: StateChange[] = [];
    const nonFatal: VoicewireError[] = [];
    conn.on('state', (c) => changes.push(c));
    conn.on('error', (e, fatal) => { if (!fatal) nonFatal.push(e); });
    await conn.connect();
    conn.sendAudio(new Float32Array(480));
    await until(() => s1.received.length >= 2);
    await s1.kill();
    // Down long enough for at least two failed attempts, then back on the same port.
    await until(() => policy.asked.length >= 3, 10_000, 'three attempts');
    const s2 = await server({ port });
    await until(() => conn.state === 'connected', 10_000, 'reopen');
    expect(conn.stats.reconnects).toBe(1);
    const states = changes.map((c) => c.state);
    expect(states.slice(0, 4)).toEqual(['connecting', 'waiting', 'connected', 'reconnecting']);
    expect(states.slice(-3)).toEqual(['connecting', 'waiting', 'connected']);
    const retries = changes.filter((c) => c.state === 'reconnecting');
    expect(retries.map((c) => c.attempt)).toEqual(policy.asked);
    // The policy sees why and for how long: the last failure's code and a clock that only moves forward.
    expect(policy.contexts[0].lastError.code).toBe(ErrorCode.CONNECTION_CLOSED);
    const elapsed = policy.contexts.map((c) => c.elapsedMs);
    expect(elapsed[0]).toBeGreaterThanOrEqual(0);
    for (let i = 1; i < elapsed.length; i++) expect(elapsed[i]).toBeGreaterThanOrEqual(elapsed[i - 1] + 50 * 2 ** (i - 1) - 2); // Date.now() ticks in whole ms
    expect(retries.map((c) => c.delayMs)).toEqual(policy.asked.map((a) => [50, 100, 200, 400, 800, 1600][a - 1]));
    expect(retries[0].error?.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(retries[1].error?.code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(nonFatal[0].code).toBe(ErrorCode.CONNECTION_CLOSED);
    // The new socket spoke a new hello first.
    expect(JSON.parse(String(s2.received[0]))).toMatchObject({ type: 'hello' });
    expect(changes.at(-1)?.attempt).toBe(0);
  });

  it('gives up when the policy says null: closed with the last error, fatal', async () => {
    const s = await startVoiceServer();
    const conn = new Connection({ url: s.url, protocol: voicewire(), reconnectPolicy: new RecordingPolicy([20, 20]) });
    cleanup(() => conn.close());
    const fatal: VoicewireError[] = [];
    conn.on('error', (e, f) => { if (f) fatal.push(e); });
    await conn.connect();
    await s.kill();
    await until(() => conn.state === 'closed', 10_000, 'give up');
    expect(fatal).toHaveLength(1);
    expect(fatal[0].code).toBe(ErrorCode.CONNECTION_FAILED);
    expect(fatal[0].message).toMatch(/^Gave up reconnecting after 2 attempts/);
  });

  it('does not reconnect a session-bound protocol unless asked; does with reconnect: "always"', async () => {
    for (const mode of ['auto', 'always'] as const) {
      const s = await startVoiceServer({ hello: false, onConnection: (ws) => ws.on('message', () => ws.send('{"type":"session.updated","session":{}}')) });
      const conn = new Connection({ url: s.url, protocol: () => Object.assign(realtime()(), { subprotocols: ['voicewire.v1'] }), reconnect: mode, reconnectPolicy: new RecordingPolicy([20]) });
      cleanup(() => conn.close());
      const states: string[] = [];
      conn.on('state', (c) => states.push(c.state));
      await conn.connect();
      await s.kill();
      await until(() => conn.state === 'closed', 10_000, 'closed');
      expect(states.includes('reconnecting')).toBe(mode === 'always');
    }
  });
});

describe('backpressure', () => {
  it('a server that stops reading: queued audio stays within the budget, the oldest is dropped and counted, control still arrives', async () => {
    let paused: (() => void) | undefined;
    const s = await server({
      onConnection: (ws) => ws.on('message', (d, bin) => {
        if (bin || !/hello/.test(String(d))) return;
        const raw = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
        raw.pause();
        paused = () => raw.resume();
      }),
    });
    const budget = 64 * 1024;
    const conn = new Connection({ url: s.url, protocol: voicewire(), audioBudgetBytes: budget });
    cleanup(() => conn.close());
    await conn.connect();
    await until(() => paused !== undefined);
    const frame = new Float32Array(4800); // 200 ms, 9600 bytes
    let maxHeld = 0;
    for (let i = 0; i < 4000; i++) { // 38 MB: far more than the kernel's socket buffers absorb
      conn.sendAudio(frame);
      if (i % 20 === 0) {
        await new Promise((r) => setImmediate(r));
        const st = conn.stats;
        maxHeld = Math.max(maxHeld, st.queuedAudioBytes, st.bufferedAmount);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    const stats = conn.stats;
    expect(stats.audioDropped).toBeGreaterThan(0);
    expect(stats.audioBytesDropped).toBe(stats.audioDropped * 9600);
    expect(stats.audioSent + stats.audioDropped + stats.queuedAudioBytes / 9600).toBe(4000);
    // Memory bound: what waits in the outbox and in ws's buffer never exceeds the budget plus one frame each.
    expect(maxHeld).toBeLessThanOrEqual(budget + 9600);
    expect(stats.queuedAudioBytes + stats.bufferedAmount).toBeLessThanOrEqual(2 * (budget + 9600));
    expect(conn.flush()).toBe(true);
    paused?.();
    await until(() => s.received.includes('{"type":"end"}'), 20_000, 'the end message after the backlog');
  });
});
