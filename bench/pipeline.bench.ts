// Pipeline figures, each against a baseline from the same run: resampler quality and speed vs linear
// interpolation; process() cost per quantum vs the 2.67 ms budget of a 128-frame quantum at 48 kHz; heap growth.
import { CaptureCore } from '../worklets/capture-core.js';
import { SharedFrameWriter } from '../worklets/frame-handoff.js';
import { SharedPcmWriter } from '../src/audio/pcm-handoff.js';
import { createControlStorage } from '../worklets/pcm-handoff.js';
import { PlaybackCore } from '../worklets/playback-core.js';
import { RingBuffer } from '../src/dsp/ring.js';
import { measureQuality, viaLinear, viaResampler, type Convert } from '../test/support/spectrum.js';

const QUANTUM = 128;
const BUDGET_NS = (QUANTUM / 48000) * 1e9;

function speed(convert: Convert, rate: number): number {
  const input = Float32Array.from({ length: rate * 10 }, (_, i) => Math.sin(i / 11));
  convert(input.subarray(0, rate)); // warm-up
  const t = performance.now();
  convert(input);
  return 10 / ((performance.now() - t) / 1000);
}

function resamplerTable(): void {
  const rows = [];
  for (const [from, to] of [[48000, 24000], [44100, 24000], [48000, 16000], [24000, 48000], [24000, 44100]] as const) {
    const ours = measureQuality(viaResampler(from, to), from, to, 0.9, 12);
    const linear = measureQuality(viaLinear(from, to), from, to, 0.9, 12);
    rows.push({
      'rate pair': `${from} → ${to}`,
      'sinc rejection dB': +ours.aliasRejectionDb.toFixed(1),
      'linear rejection dB': +linear.aliasRejectionDb.toFixed(1),
      'sinc ripple dB': +ours.passbandRippleDb.toFixed(4),
      'linear ripple dB': +linear.passbandRippleDb.toFixed(2),
      'sinc × realtime': Math.round(speed(viaResampler(from, to), from)),
      'linear × realtime': Math.round(speed(viaLinear(from, to), from)),
    });
  }
  console.table(rows);
}

/** A capture core at 48 kHz → 24 kHz Int16 20 ms frames into a shared ring, drained like the main thread would. */
function captureRig() {
  const samples = RingBuffer.createStorage(48000, Int16Array);
  const levels = RingBuffer.createStorage(100, Float32Array);
  const core = new CaptureCore({ inputRate: 48000, wireRate: 24000, frameMs: 20, format: 'int16' }, new SharedFrameWriter(samples, levels, Int16Array));
  const drain = new RingBuffer(samples, Int16Array);
  const drainLevels = new RingBuffer(levels, Float32Array);
  const input = Float32Array.from({ length: QUANTUM }, (_, i) => 0.3 * Math.sin(i / 5));
  // Emptying the ring now and then stands in for the main thread (a few ns per quantum on average).
  return () => {
    core.process(input, QUANTUM);
    if (drainLevels.availableRead() > 50) {
      drain.skip(drain.availableRead());
      drainLevels.skip(drainLevels.availableRead());
    }
  };
}

/** A playback core at 48 kHz kept fed with a steady stream. */
function playbackRig() {
  const ringStorage = RingBuffer.createStorage(48000, Float32Array);
  const control = createControlStorage(true);
  const core = new PlaybackCore({ sampleRate: 48000, targetMs: 60, maxMs: 500, statsIntervalMs: 100 }, new RingBuffer(ringStorage, Float32Array), new Int32Array(control), () => {});
  const writer = new SharedPcmWriter(ringStorage, control);
  const chunk = new Float32Array(QUANTUM).fill(0.1);
  const out = new Float32Array(QUANTUM);
  return () => {
    writer.push(chunk, 0, QUANTUM);
    core.process(out, QUANTUM);
  };
}

/** A quantum that only copies 128 samples: the floor any process() pays. */
function copyRig() {
  const a = new Float32Array(QUANTUM).fill(0.1);
  const b = new Float32Array(QUANTUM);
  return () => {
    for (let i = 0; i < QUANTUM; i++) b[i] = a[i];
  };
}

function nsPerQuantum(step: () => void, quanta: number): number {
  for (let i = 0; i < 20_000; i++) step();
  const t = process.hrtime.bigint();
  for (let i = 0; i < quanta; i++) step();
  return Number(process.hrtime.bigint() - t) / quanta;
}

function heapGrowth(step: () => void, quanta: number): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 50_000; i++) step();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < quanta; i++) step();
  gc?.();
  return gc ? process.memoryUsage().heapUsed - before : null;
}

export default async function pipelineBench(): Promise<void> {
  console.log('Resampler: Kaiser windowed-sinc polyphase vs linear interpolation (rejection = worst alias/image below a full-scale tone; ripple to 0.9 × Nyquist)');
  resamplerTable();
  const rigs = { 'copy 128 samples (floor)': copyRig(), 'capture process()': captureRig(), 'playback process()': playbackRig() };
  const rows = Object.entries(rigs).map(([name, step]) => {
    const ns = nsPerQuantum(step, 200_000);
    const growth = heapGrowth(step, 1_000_000);
    return {
      quantum: name,
      'ns / quantum': Math.round(ns),
      '% of 2.67 ms': +((100 * ns) / BUDGET_NS).toFixed(3),
      'heap growth over 10^6 quanta (bytes)': growth === null ? 'run with --expose-gc' : growth,
    };
  });
  console.table(rows);
}
