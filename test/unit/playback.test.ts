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
const MAX = 9600; // 200 ms

/** A playback core fed through the shared handoff on one thread, with a counter-valued signal (1, 2, 3, …). */
function setup(statsIntervalMs = 100) {
  const ringStorage = RingBuffer.createStorage(RATE, Float32Array);
  const controlStorage = createControlStorage(true);
  const reports: PlaybackStatsMessage[] = [];
  const core = new PlaybackCore({ sampleRate: RATE, targetMs: 60, maxMs: 200, statsIntervalMs }, new RingBuffer(ringStorage, Float32Array), new Int32Array(controlStorage), (s) => reports.push({ ...s }));
  const writer = new SharedPcmWriter(ringStorage, controlStorage);
  let next = 1;
  const push = (n: number) => {
    const chunk = Float32Array.from({ length: n }, () => next++);
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
  it('stays silent until the target is queued, then plays the samples in order', () => {
    const p = setup();
    p.push(2000);
    for (let i = 0; i < 10; i++) expect(p.quantum().every((x) => x === 0)).toBe(true);
    expect(p.core.stats.playing).toBe(false);
    p.push(TARGET - 2000);
    expect(Array.from(p.quantum())).toEqual(Array.from({ length: Q }, (_, i) => i + 1));
    expect(p.core.stats).toMatchObject({ playing: true, underruns: 0, overruns: 0, droppedSamples: 0 });
  });

  it('an underrun plays what is left, fills with silence, counts one, and rebuffers to the target', () => {
    const p = setup();
    p.push(TARGET); // 22.5 quanta
    for (let i = 0; i < 22; i++) p.quantum();
    const partial = Array.from(p.quantum());
    expect(partial.slice(0, 64)).toEqual(Array.from({ length: 64 }, (_, i) => 2817 + i));
    expect(partial.slice(64).every((x) => x === 0)).toBe(true);
    expect(p.core.stats).toMatchObject({ underruns: 1, playing: false });
    // Trickling in below the target keeps it silent and does not count more underruns.
    for (let i = 0; i < 20; i++) {
      p.push(100);
      expect(p.quantum().every((x) => x === 0)).toBe(true);
    }
    expect(p.core.stats.underruns).toBe(1);
    p.push(TARGET - 2000);
    expect(p.quantum()[0]).toBe(TARGET + 1);
    // Three separate starvations: exactly three more underruns.
    for (let k = 0; k < 3; k++) {
      while (p.core.stats.playing) p.quantum();
      p.push(TARGET);
      p.quantum();
    }
    expect(p.core.stats.underruns).toBe(4);
  });

  it('an overrun drops the oldest down to the target, counted exactly', () => {
    const p = setup();
    p.push(TARGET);
    p.quantum();
    p.push(MAX); // depth now TARGET - Q + MAX > MAX
    const depth = TARGET - Q + MAX;
    const first = p.quantum()[0];
    expect(p.core.stats).toMatchObject({ overruns: 1, droppedSamples: depth - TARGET, underruns: 0 });
    // The newest survive: playback resumes at the sample TARGET from the end.
    expect(first).toBe(TARGET + MAX - TARGET + 1);
    p.push(MAX - TARGET); // depth TARGET - Q + MAX - TARGET ≤ MAX: no overrun
    p.quantum();
    expect(p.core.stats.overruns).toBe(1);
  });

  it('flush() drops exactly what was queued before it, at once, and keeps what came after', () => {
    const p = setup();
    p.push(5000);
    for (let i = 0; i < 5; i++) p.quantum();
    p.writer.flush();
    p.push(TARGET); // arrives before the audio thread saw the flush
    const after = p.quantum();
    expect(p.core.stats.flushedSamples).toBe(5000 - 5 * Q);
    expect(after[0]).toBe(5001);
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
    p.push(TARGET - 1);
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
    expect(writer.push(speech, 5000, 5000)).toBe(5000);
    await settle();
    const out = new Float32Array(Q);
    core.process(out, Q);
    expect(core.stats.flushedSamples).toBe(5000);
    expect(out[0]).toBe(5001);
    const played = [...out];
    while (played.length < 5000) {
      core.process(out, Q);
      played.push(...out);
    }
    expect(played.slice(0, 5000)).toEqual(Array.from(speech.subarray(5000)));
    expect(refused).toBe(0);
    expect(pool.allocated).toBe(pool.available);
    expect(pool.allocated).toBeLessThanOrEqual(10);
    port1.close();
    port2.close();
  });
});
