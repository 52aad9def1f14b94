// Network traces for the playout bench (issue 11): when each 20 ms frame arrives, seeded and replayable.
import { prng } from '../test/support/prng.js';

export const FRAME_MS = 20;

export interface Trace {
  name: string;
  /** Capture time of each frame's first sample at the sender, in device seconds (the sender's clock may drift). */
  capture: Float64Array;
  /** Arrival time of each frame at the receiver, in device seconds; frames arrive in order (one WebSocket). */
  arrival: Float64Array;
  /** Frames that never arrive. */
  lost: Uint8Array;
  /** Device times at which a held burst arrived (stall traces), for the recovery figure. */
  bursts: number[];
  /** Device time at which the network changed (step traces). */
  stepAt: number | null;
  /** Step-down trace: the oracle delay of the calm network after the step, in s (what the buffer should come down to). */
  settleTo: number | null;
}

export type TraceName = 'uniform' | 'pareto' | 'bursts' | 'loss' | 'drift+' | 'drift-' | 'step' | 'step-down';
export const TRACES: TraceName[] = ['uniform', 'pareto', 'bursts', 'loss', 'drift+', 'drift-', 'step', 'step-down'];

/** The step traces change the network at this device time: calm ↔ 80 ms jitter. */
const STEP_AT = 120;

/**
 * Heavy-tailed (Lomax) jitter: P(j > x) = (1 + x/44.33 ms)^−3.5, so p95 = 60 ms. Frames stay in order, so a late
 * frame holds up those behind it: the oracle then needs ~330 ms (a heavier tail, α = 1.5, needed seconds).
 */
function pareto(random: () => number): number {
  return 44.33 * (Math.pow(1 - random(), -1 / 3.5) - 1);
}

/** `seconds` of 20 ms frames; `drift` is the sender clock's rate error (+0.005: 0.5 % fast). */
export function makeTrace(name: TraceName, seconds: number, seed: number, drift = name === 'drift+' ? 0.005 : name === 'drift-' ? -0.005 : 0): Trace {
  const random = prng(seed);
  const n = Math.round((seconds * 1000) / FRAME_MS);
  const capture = new Float64Array(n);
  const arrival = new Float64Array(n);
  const lost = new Uint8Array(n);
  const bursts: number[] = [];
  const stepAt = name === 'step' || name === 'step-down' ? STEP_AT : null;
  const frame = FRAME_MS / 1000 / (1 + drift);
  let last = 0;
  if (name === 'bursts') for (let t = 20; t + 0.3 < n * frame; t += 20) bursts.push(t + 0.3);
  for (let i = 0; i < n; i++) {
    capture[i] = i * frame;
    const sent = (i + 1) * frame; // a frame leaves once its last sample is captured
    let jitter: number;
    if (name === 'pareto') jitter = pareto(random) / 1000;
    else if (name === 'bursts') jitter = (random() * 10) / 1000;
    else if (name === 'step') jitter = (random() * (sent < STEP_AT ? 5 : 80)) / 1000;
    else if (name === 'step-down') jitter = (random() * (sent < STEP_AT ? 80 : 5)) / 1000;
    else jitter = (random() * 40) / 1000;
    let at = sent + jitter;
    // Every 20 s the connection stalls 300 ms; everything sent meanwhile arrives at once when it resumes.
    const stall = Math.floor(sent / 20) * 20;
    if (name === 'bursts' && stall > 0 && sent - stall < 0.3) at = Math.max(at, stall + 0.3);
    if (name === 'loss' && random() < 0.02) lost[i] = 1;
    at = Math.max(at, last);
    arrival[i] = at;
    last = at;
  }
  const trace: Trace = { name, capture, arrival, lost, bursts, stepAt, settleTo: null };
  if (name === 'step-down') trace.settleTo = oracleDelay(trace, STEP_AT);
  return trace;
}

/** The best constant delay that lets at most 0.5 % of the frames (captured from `from` s on) arrive after their first sample is due, in s. */
export function oracleDelay(trace: Trace, from = 0): number {
  const needed: number[] = [];
  for (let i = 0; i < trace.arrival.length; i++) if (!trace.lost[i] && trace.capture[i] >= from) needed.push(trace.arrival[i] - trace.capture[i]);
  needed.sort((a, b) => a - b);
  return needed[Math.ceil(0.995 * needed.length) - 1];
}
