import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../src/dsp/chunk-pool.js';
import type { ControlMessage, PcmMessage, PlaybackStatsMessage } from '../../worklets/messages.js';
import { PortPcmWriter, SharedPcmWriter } from '../../src/audio/pcm-handoff.js';
import { PortPcmReceiver, createControlStorage } from '../../worklets/pcm-handoff.js';
import { PlaybackCore } from '../../worklets/playback-core.js';
import { RingBuffer } from '../../src/dsp/ring.js';

const RATE = 48000;
const Q = 128;
const TARGET = 2880; // 60 ms at 48 kHz
/** The buffer aims one quantum above its estimate: arrivals are only seen at quantum starts. */
const START = TARGET + 128;
const MAX = 9600; // 200 ms

/** A playback core fed through the shared handoff on one thread, by default with a counter-valued signal (1, 2, 3, …). */
function setup(statsIntervalMs = 100, value: (n: number) => number = (n) => n + 1) {
  const ringStorage = RingBuffer.createStorage(RATE, Float32Array);
  const controlStorage = createControlStorage(true);
  const reports: PlaybackStatsMessage[] = [];
  const core = new PlaybackCore({ sampleRate: RATE, targetMs: 60, maxMs: 200, statsIntervalMs }, new RingBuffer(ringStorage, Float32Array), new Int32Array(controlStorage), (s) => reports.push({ ...s }));
  const writer = new SharedPcmWriter(ringStorage, controlStorage);
  let next = 0;
  const push = (n: number) => {
    const chunk = Float32Array.from({ length: n }, () => value(next++));
    expect(writer.push(chunk, 0, n)).toBe(n);
  };
  const out = new Float32Array(Q);
  const played: number[] = [];
  const quantum = () => {
    core.process(out, Q);
    played.push(...out);
    return out;
  };
  return { core, writer, push, quantum, played, reports };
}

describe('PlaybackCore jitter buffer, scripted arrivals', () => {
  it('starts once the first audio has waited the target delay, then plays the samples in order', () => {
    const p = setup();
    p.push(2000);
    // 2000 samples queued at t = 0: the delay reaches 3008 (60 ms + a quantum) after 1008 samples: the 9th quantum.
    for (let i = 0; i < 8; i++) expect(p.quantum().every((x) => x === 0)).toBe(true);
    expect(p.core.stats.playing).toBe(false);
    expect(Array.from(p.quantum())).toEqual(Array.from({ length: Q }, (_, i) => i + 1));
    expect(p.core.stats).toMatchObject({ playing: true, underruns: 0, overruns: 0, droppedSamples: 0, targetDelayMs: (START * 1000) / RATE });
  });

  it('an underrun fades the last period out (no click), counts one, and plays again once 20 ms is back, fading in', () => {
    const p = setup(100, (n) => 0.5 * Math.sin((2 * Math.PI * 200 * n) / RATE));
    p.push(TARGET); // 22.5 quanta, starting after one quantum
    for (let i = 0; i < 23; i++) p.quantum();
    const partial = Array.from(p.quantum());
    expect(p.core.stats).toMatchObject({ underruns: 1, playing: false });
    // The repeated period continues the sine where the queue ran out, then fades to exact silence in 10 ms.
    expect(Math.abs(partial[64] - 0.5 * Math.sin((2 * Math.PI * 200 * TARGET) / RATE))).toBeLessThan(1e-6);
    for (let i = 0; i < 4; i++) p.quantum();
    expect(p.quantum().every((x) => x === 0)).toBe(true);
    p.push(900); // under 20 ms: still concealing
    expect(p.quantum().every((x) => x === 0)).toBe(true);
    p.push(60);
    expect(p.quantum().some((x) => x !== 0)).toBe(true);
    for (let i = 0; i < 5; i++) p.quantum();
    const step = 2 * 0.5 * Math.sin((Math.PI * 200) / RATE);
    for (let i = Q + 1; i < p.played.length; i++) expect(Math.abs(p.played[i] - p.played[i - 1])).toBeLessThanOrEqual(step * 1.0001);
    expect(p.core.stats.underruns).toBe(1);
    // From the moment the queue ran dry (sample 2880) to the restart, at a quantum boundary.
    expect(p.core.stats.underrunMs).toBeCloseTo(((29 * Q - TARGET) * 1000) / RATE, 6);
  });

  it('an overrun drops the oldest down to the target, counted exactly, as the only multi-frame drop', () => {
    const p = setup();
    p.push(TARGET);
    p.quantum();
    const depth = p.core.buffer.depth() + MAX; // > MAX
    p.push(MAX);
    p.quantum();
    const target = p.core.buffer.target();
    expect(p.core.stats).toMatchObject({ overruns: 1, droppedSamples: depth - target, underruns: 0 });
    expect(p.core.buffer.counters.largestJump).toBe(depth - target);
  });

  it('flush() drops exactly what was queued before it, at once, and keeps what came after', () => {
    const p = setup();
    p.push(START);
    for (let i = 0; i < 5; i++) {
      p.push(Q);
      p.quantum();
    }
    p.writer.flush();
    p.push(START); // arrives before the audio thread saw the flush
    p.quantum();
    p.quantum();
    expect(p.core.stats.flushedSamples).toBe(START);
    // Past the 5 ms fade-in over the concealment, the audio after the flush plays as sent.
    const after = p.played.slice(5 * Q);
    expect(after.slice(240, 256)).toEqual(Array.from({ length: 16 }, (_, i) => START + 5 * Q + 241 + i));
    expect(p.core.stats).toMatchObject({ underruns: 0, overruns: 0, droppedSamples: 0 });
  });

  it('a flush while buffering restarts from the target; flushing an empty queue drops nothing', () => {
    const p = setup();
    p.writer.flush();
    p.quantum();
    expect(p.core.stats.flushedSamples).toBe(0);
    p.push(1000);
    p.writer.flush();
    p.quantum();
    expect(p.core.stats.flushedSamples).toBe(1000);
    p.push(START - 1);
    expect(p.quantum().every((x) => x === 0)).toBe(true);
    p.push(1);
    expect(p.quantum()[0]).toBe(1001);
  });

  it('end() plays a tail shorter than the target, and running dry after it is not an underrun', () => {
    const p = setup();
    p.push(1000);
    p.writer.end();
    const played = [];
    for (let i = 0; i < 10; i++) played.push(...p.quantum());
    expect(played.slice(0, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(played.slice(1000).every((x) => x === 0)).toBe(true);
    expect(p.core.stats).toMatchObject({ underruns: 0, playing: false });
    // The next utterance waits for the target again.
    p.push(1000);
    expect(p.quantum().every((x) => x === 0)).toBe(true);
  });

  it('reports stats once per interval of audio, never per quantum', () => {
    const p = setup(100);
    p.push(TARGET);
    for (let i = 0; i < 375; i++) {
      // A steady sender: one quantum's worth arrives per quantum played, so the depth holds at the target.
      p.push(Q);
      p.quantum();
    }
    expect(p.reports.length).toBe(10); // 375 quanta = 48000 frames = 1 s
    expect(p.reports.every((r) => r.underruns === 0 && r.playing && r.depthMs === 60)).toBe(true);
    for (let i = 0; i < 100; i++) p.quantum();
    expect(p.reports.length).toBe(12);
    expect(p.reports[11]).toMatchObject({ underruns: 1, playing: false, depthMs: 0 });
  });
});

describe('playback over the port handoff', () => {
  it('queues every sample in order, flushes in message order, and returns every chunk to the pool', async () => {
    const { port1, port2 } = new MessageChannel();
    const pool = new ChunkPool(Float32Array, 1024, 4, 64);
    const writer = new PortPcmWriter(port1, pool);
    port1.onmessage = (e: MessageEvent<{ buffer: ArrayBuffer }>) => writer.receive(e.data.buffer);
    const ring = new RingBuffer(RingBuffer.createStorage(RATE, Float32Array, false), Float32Array);
    const control = new Int32Array(createControlStorage(false));
    const receiver = new PortPcmReceiver(port2, ring, control);
    let refused = 0;
    port2.onmessage = (e: MessageEvent<PcmMessage | ControlMessage>) => (refused += receiver.receive(e.data));
    const core = new PlaybackCore({ sampleRate: RATE, targetMs: 60, maxMs: 500, statsIntervalMs: 100 }, ring, control, () => {});
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    const speech = Float32Array.from({ length: 10_000 }, (_, i) => i + 1);
    expect(writer.push(speech, 0, 5000)).toBe(5000);
    writer.flush();
    // Exactly the target after the flush: nothing to compress or stretch, every sample plays as sent.
    expect(writer.push(speech, 5000, START)).toBe(START);
    await settle();
    const out = new Float32Array(Q);
    core.process(out, Q);
    expect(core.stats.flushedSamples).toBe(5000);
    expect(out[0]).toBe(5001);
    const played = [...out];
    while (played.length < START) {
      core.process(out, Q);
      played.push(...out);
    }
    expect(played.slice(0, START)).toEqual(Array.from(speech.subarray(5000, 5000 + START)));
    expect(refused).toBe(0);
    expect(pool.allocated).toBe(pool.available);
    expect(pool.allocated).toBeLessThanOrEqual(10);
    port1.close();
    port2.close();
  });
});
