// Trace-driven simulation of the playout path, driven exactly as the worklet drives it: frames land in the
// shared ring when the trace says they arrive, and process() runs once per 128-sample quantum of device time.
import { SharedPcmWriter } from '../src/audio/pcm-handoff.js';
import { createControlStorage } from '../worklets/pcm-handoff.js';
import { PlaybackCore } from '../worklets/playback-core.js';
import { RingBuffer } from '../src/dsp/ring.js';
import { BaselinePlaybackCore } from './baseline-playback.js';
import { FRAME_MS, type Trace } from './playout-traces.js';

const QUANTUM = 128;
const TARGET_MS = 60;
const MAX_MS = 1000;

export type BufferName = 'today' | 'new';

export interface PlayoutResult {
  /** Silence/concealment for lack of audio while playing, beyond what lost frames force, % of playout time. */
  underrunPct: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  /** Longest time from a stall's burst until the buffer's delay is within 20 ms of its own target; null: no stall. */
  recoverMs: number | null;
  /** Largest amount of audio dropped at once (flush excluded). */
  jumpMs: number;
  /** Fastest and slowest playout speed over any 1 s (1 = real time), from stretching. */
  fastest: number;
  slowest: number;
  /** Step trace: seconds from the change until the target reaches 90 % of its later median. */
  stepReachS: number | null;
  /**
   * Step-down trace: seconds from the change until the target and the delay (both as mouth-to-speaker delays) are
   * within 20 ms of the calm network's oracle for good.
   */
  settleS: { target: number; delay: number } | null;
}

/** A speech-like test signal: a voiced harmonic tone gliding 110–180 Hz, 1.6 s talk and 0.4 s pause. */
function speechLike(rate: number): Float32Array {
  const out = new Float32Array(rate * 10);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const f0 = 145 + 35 * Math.sin(2 * Math.PI * 0.37 * t);
    phase += (2 * Math.PI * f0) / rate;
    const inTalk = t % 2;
    const env = inTalk < 1.6 ? Math.min(1, inTalk / 0.02, (1.6 - inTalk) / 0.02) : 0;
    out[i] = env * 0.2 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
  }
  return out;
}

interface Probe {
  process(out: Float32Array): void;
  playing(): boolean;
  depth(): number;
  /** The buffer's own (delay, target) for the recovery figure, in samples. */
  ownDelay(): number;
  ownTarget(): number;
  underrun(): number;
  stretched(): number;
  /** Largest single removal so far (stretch or drop), in samples. */
  jump(): number;
}

function probe(name: BufferName, rate: number, ring: ArrayBufferLike, control: ArrayBufferLike): Probe {
  const view = new RingBuffer(ring, Float32Array);
  const options = { sampleRate: rate, targetMs: TARGET_MS, maxMs: MAX_MS, statsIntervalMs: 100 };
  if (name === 'new') {
    const core = new PlaybackCore(options, view, new Int32Array(control), () => {});
    const b = core.buffer;
    return {
      process: (out) => core.process(out, QUANTUM),
      playing: () => b.playing,
      depth: () => b.depth(),
      ownDelay: () => b.delay(),
      ownTarget: () => b.target(),
      underrun: () => b.counters.underrun,
      stretched: () => b.counters.accelerated - b.counters.expanded,
      jump: () => b.counters.largestJump,
    };
  }
  let underrun = 0;
  let started = false;
  let jump = 0;
  let dropped = 0;
  const core = new BaselinePlaybackCore(options, view, new Int32Array(control), () => {});
  const target = (TARGET_MS * rate) / 1000;
  return {
    process: (out) => {
      core.process(out, QUANTUM);
      started ||= core.stats.playing;
      if (started && !core.stats.playing) underrun += QUANTUM;
      jump = Math.max(jump, core.stats.droppedSamples - dropped);
      dropped = core.stats.droppedSamples;
    },
    playing: () => core.stats.playing,
    depth: () => view.availableRead(),
    ownDelay: () => view.availableRead(),
    ownTarget: () => target,
    underrun: () => underrun,
    stretched: () => 0,
    jump: () => jump,
  };
}

export function simulate(trace: Trace, buffer: BufferName, rate: number): PlayoutResult {
  const frame = Math.round((FRAME_MS * rate) / 1000);
  const signal = speechLike(rate);
  const ring = RingBuffer.createStorage(Math.ceil(((MAX_MS + 1000) * rate) / 1000), Float32Array);
  const control = createControlStorage(true);
  const writer = new SharedPcmWriter(ring, control);
  const p = probe(buffer, rate, ring, control);
  const chunk = new Float32Array(frame);
  const gap = new Float32Array(frame).fill(NaN);
  const out = new Float32Array(QUANTUM);
  // Which frame each written sample belongs to: frame k's first sample was written at writtenAt[k].
  const frames = trace.arrival.length;
  const writtenAt = new Float64Array(frames).fill(-1);
  let written = 0;
  let next = 0;
  let lostSamples = 0;
  let cursor = 0;
  const delays: number[] = [];
  const secondly: number[] = [];
  const targets: number[] = [];
  const quanta = Math.floor(((trace.capture[frames - 1] + trace.capture[1]) * rate) / QUANTUM);
  let burst = 0;
  let recover: number | null = trace.bursts.length ? 0 : null;
  let burstAt = -1;
  const settleTo = trace.settleTo;
  const unsettled = { target: -1, delay: -1 };
  for (let q = 0; q < quanta; q++) {
    const now = (q * QUANTUM) / rate;
    while (next < frames && trace.arrival[next] <= now) {
      writtenAt[next] = written;
      if (trace.lost[next]) {
        lostSamples += frame;
        // Sequence numbers tell the new buffer's producer where the gap is; today's buffer never learns.
        if (buffer === 'new') written += writer.push(gap, 0, frame);
      } else {
        const from = (next * frame) % signal.length;
        for (let i = 0; i < frame; i++) chunk[i] = signal[(from + i) % signal.length];
        written += writer.push(chunk, 0, frame);
      }
      next++;
    }
    p.process(out);
    if (q % Math.round(rate / QUANTUM) === 0) secondly.push(p.stretched());
    if (q % 64 === 0) targets.push(p.ownTarget() / rate);
    if (p.playing()) {
      // The sample now playing: its frame's capture time plus its offset gives the mouth-to-speaker delay.
      const position = written - p.depth();
      while (cursor + 1 < frames && writtenAt[cursor + 1] >= 0 && writtenAt[cursor + 1] <= position) cursor++;
      const delay = now - trace.capture[cursor] - (position - writtenAt[cursor]) / rate;
      delays.push(delay);
      // The target as a mouth-to-speaker delay: where this delay would be at the buffer's own target.
      const target = delay + (p.ownTarget() - p.ownDelay()) / rate;
      if (settleTo !== null && Math.abs(delay - settleTo) > 0.02) unsettled.delay = now;
      if (settleTo !== null && Math.abs(target - settleTo) > 0.02) unsettled.target = now;
    }
    if (burst < trace.bursts.length && now >= trace.bursts[burst]) {
      if (burstAt >= 0) recover = Math.max(recover!, (now - burstAt) * 1000);
      burstAt = now;
      burst++;
    }
    if (burstAt >= 0 && Math.abs(p.ownDelay() - p.ownTarget()) <= (20 * rate) / 1000) {
      recover = Math.max(recover!, (now - burstAt) * 1000);
      burstAt = -1;
    }
  }
  if (burstAt >= 0) recover = Math.max(recover!, (quanta * QUANTUM) / rate - burstAt);
  const total = quanta * QUANTUM;
  const sorted = Float64Array.from(delays).sort();
  let fastest = 1;
  let slowest = 1;
  for (let i = 1; i < secondly.length; i++) {
    const speed = 1 + (secondly[i] - secondly[i - 1]) / rate;
    fastest = Math.max(fastest, speed);
    slowest = Math.min(slowest, speed);
  }
  let stepReachS: number | null = null;
  if (trace.stepAt !== null && settleTo === null) {
    const step = trace.stepAt;
    const period = (64 * QUANTUM) / rate;
    const later = targets.slice(Math.ceil((step + 60) / period)).sort((a, b) => a - b);
    const goal = 0.9 * later[later.length >> 1];
    const reached = targets.findIndex((t, i) => i * period >= step && t >= goal);
    stepReachS = reached < 0 ? Infinity : reached * period - step;
  }
  const settled = (last: number) => (last + (2 * QUANTUM) / rate >= (quanta * QUANTUM) / rate ? Infinity : Math.max(0, last - trace.stepAt!));
  const settleS = settleTo === null ? null : { target: settled(unsettled.target), delay: settled(unsettled.delay) };
  const forced = buffer === 'new' ? 0 : lostSamples;
  return {
    underrunPct: (100 * Math.max(0, p.underrun() - forced)) / total,
    meanMs: (1000 * sorted.reduce((a, b) => a + b, 0)) / sorted.length,
    p95Ms: 1000 * sorted[Math.ceil(0.95 * sorted.length) - 1],
    maxMs: 1000 * sorted[sorted.length - 1],
    recoverMs: recover,
    jumpMs: (1000 * p.jump()) / rate,
    fastest,
    slowest,
    stepReachS,
    settleS,
  };
}
