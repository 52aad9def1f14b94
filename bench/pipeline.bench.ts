// Pipeline figures, each against a baseline from the same run: resampler quality and speed vs linear
// interpolation; process() cost per quantum vs the 2.67 ms budget of a 128-frame quantum at 48 kHz; heap growth.
import { loadavg } from 'node:os';
import { BaselineResampler } from './baseline-resampler.js';
import { CaptureCore, type QuantumResampler } from '../worklets/capture-core.js';
import { Resampler } from '../src/dsp/resampler.js';
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
  const pairs = [
    [48000, 24000],
    [44100, 24000],
    [48000, 16000],
    [44100, 16000],
    [24000, 48000],
    [24000, 44100],
    [16000, 48000],
    [16000, 44100],
  ] as const;
  for (const [from, to] of pairs) {
    const ours = measureQuality(viaResampler(from, to), from, to, 0.9, 12);
    const single = measureQuality(viaResampler(from, to, { halfBand: false }), from, to, 0.9, 12);
    const linear = measureQuality(viaLinear(from, to), from, to, 0.9, 12);
    rows.push({
      'rate pair': `${from} → ${to}`,
      stages: new Resampler(from, to).stages.length,
      'sinc rejection dB': +ours.aliasRejectionDb.toFixed(1),
      'one stage dB': +single.aliasRejectionDb.toFixed(1),
      'linear rejection dB': +linear.aliasRejectionDb.toFixed(1),
      'sinc ripple dB': +ours.passbandRippleDb.toFixed(4),
      'linear ripple dB': +linear.passbandRippleDb.toFixed(2),
      'sinc × realtime': Math.round(speed(viaResampler(from, to), from)),
      'linear × realtime': Math.round(speed(viaLinear(from, to), from)),
    });
  }
  console.table(rows);
}

/**
 * A capture core from `deviceRate` to `wireRate` Int16 20 ms frames into a shared ring, drained like the main
 * thread would; `resampler` swaps in the baseline.
 */
function captureRig(deviceRate: number, wireRate: number, resampler?: QuantumResampler) {
  const samples = RingBuffer.createStorage(48000, Int16Array);
  const levels = RingBuffer.createStorage(100, Float32Array);
  const options = { inputRate: deviceRate, wireRate, frameMs: 20, format: 'int16' } as const;
  const core = new CaptureCore(options, new SharedFrameWriter(samples, levels, Int16Array), resampler);
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

/** Only the resampler's share of a capture quantum: the same call the core makes. */
function resamplerRig(resampler: QuantumResampler) {
  const input = Float32Array.from({ length: QUANTUM }, (_, i) => 0.3 * Math.sin(i / 5));
  const output = new Float32Array(resampler.maxOutputLength(QUANTUM));
  return () => {
    resampler.process(input, 0, QUANTUM, output, 0);
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

/**
 * Median ns per quantum of each step, measured in interleaved rounds so that load from other processes falls on
 * all of them alike (the ratios between them are the figures to trust on a busy machine).
 */
function nsPerQuantum(steps: (() => void)[], rounds: number, quanta: number): number[] {
  for (const step of steps) for (let i = 0; i < 20_000; i++) step();
  const samples = steps.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    steps.forEach((step, k) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < quanta; i++) step();
      samples[k].push(Number(process.hrtime.bigint() - t) / quanta);
    });
  }
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]);
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

const PAIRS = [
  [48000, 24000],
  [48000, 16000],
  [44100, 24000],
  [44100, 16000],
] as const;

function processTable(): void {
  const floor = copyRig();
  const playback = playbackRig();
  const rigs = PAIRS.map(([device, wire]) => {
    const resampler = new Resampler(device, wire);
    return {
      capture: captureRig(device, wire),
      old: captureRig(device, wire, new BaselineResampler(device, wire)),
      alone: resamplerRig(new Resampler(device, wire)),
      stages: resampler.stages.length,
      delayMs: resampler.delayMs,
      oldDelayMs: (new BaselineResampler(device, wire).taps / 2 / device) * 1000,
    };
  });
  const [floorNs, playbackNs, ...rest] = nsPerQuantum([floor, playback, ...rigs.flatMap((r) => [r.capture, r.old, r.alone])], 15, 4000);
  const rows = rigs.map((rig, k) => {
    const [device, wire] = PAIRS[k];
    const [ns, oldNs, aloneNs] = rest.slice(3 * k, 3 * k + 3);
    const budget = (QUANTUM / device) * 1e9;
    return {
      'device → wire': `${device} → ${wire}`,
      stages: rig.stages,
      'capture µs': +(ns / 1000).toFixed(2),
      '% of quantum': +((100 * ns) / budget).toFixed(3),
      'resampler share %': Math.round((100 * aloneNs) / ns),
      'old capture µs': +(oldNs / 1000).toFixed(2),
      'new / old': +(ns / oldNs).toFixed(2),
      '+ playback: % of 2.67 ms': +((100 * (ns + playbackNs)) / BUDGET_NS).toFixed(3),
      'delay ms (old)': `${rig.delayMs.toFixed(2)} (${rig.oldDelayMs.toFixed(2)})`,
      '× copy floor': Math.round(ns / floorNs),
    };
  });
  console.log(
    `process() per 128-frame quantum, median of 15 interleaved rounds × 4000 quanta (old = the resampler before issue 11, bench/baseline-resampler.ts). ` +
      `Playback process() ${(playbackNs / 1000).toFixed(2)} µs (${((100 * playbackNs) / BUDGET_NS).toFixed(3)} % of 2.67 ms; it does not resample: the main thread does, before the queue), ` +
      `copy floor ${Math.round(floorNs)} ns. Load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
  );
  console.table(rows);
}

export default async function pipelineBench(): Promise<void> {
  console.log(
    'Resampler: Kaiser windowed-sinc polyphase vs linear interpolation (rejection = worst alias/image below a full-scale tone; ripple to 0.9 × Nyquist)',
  );
  resamplerTable();
  processTable();
  const rigs = {
    'capture 48000 → 24000': captureRig(48000, 24000),
    'capture 44100 → 16000 (two stages)': captureRig(44100, 16000),
    playback: playbackRig(),
  };
  const rows = Object.entries(rigs).map(([name, step]) => {
    const growth = heapGrowth(step, 300_000);
    return { quantum: name, 'heap growth over 3·10^5 quanta (bytes)': growth === null ? 'run with --expose-gc' : growth };
  });
  console.table(rows);
}
