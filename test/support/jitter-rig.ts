// Shared by the playout unit tests: a 48 kHz jitter buffer or delay estimator fed 20 ms frames on a synthetic
// arrival pattern, in order (one WebSocket), quantum by quantum as the worklet drives it.
import { DelayEstimator } from '../../src/dsp/delay-estimator.js';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.js';
import { RingBuffer } from '../../src/dsp/ring.js';

export const RATE = 48000;
export const F = 960; // a 20 ms frame
export const Q = 128;
export const ms = (samples: number) => (samples * 1000) / RATE;

export function estimator() {
  return new DelayEstimator({ sampleRate: RATE, initialMs: 60, minMs: 0, maxMs: 1000 });
}

/** Frames i = 0..n−1 captured at i·F, each arriving `delay(i)` samples after its last sample, in order. */
export function feed(e: DelayEstimator, from: number, n: number, delay: (i: number) => number, last = { at: 0 }) {
  for (let i = from; i < from + n; i++) {
    const at = Math.max(last.at, (i + 1) * F + delay(i));
    last.at = at;
    e.observe(at, i * F, (i + 1) * F);
  }
  return last;
}

/** A JitterBuffer fed 20 ms frames of `signal` on a clock of its own (`drift`: the sender's rate error). */
export function rig(drift: number, jitter: (i: number, t: number) => number, signal: (n: number) => number, targetMs = 60) {
  const storage = RingBuffer.createStorage(RATE * 2, Float32Array, false);
  const ring = new RingBuffer(storage, Float32Array);
  const jb = new JitterBuffer({ sampleRate: RATE, targetMs, minMs: 0, maxMs: 1000 }, ring);
  const frame = new Float32Array(F);
  const out = new Float32Array(Q);
  let sent = 0;
  let lastArrival = 0;
  let now = 0;
  const pending: number[] = [];
  return {
    jb,
    out,
    /** Plays `seconds`; calls `each` after every quantum. */
    run(seconds: number, each: (now: number) => void = () => {}) {
      const end = now + seconds * RATE;
      for (; now < end; now += Q) {
        while (((sent + 1) * F) / (1 + drift) <= now + Q) {
          const at = Math.max(lastArrival, ((sent + 1) * F) / (1 + drift) + jitter(sent, now));
          pending.push(at);
          lastArrival = at;
          sent++;
        }
        while (pending.length && pending[0] <= now) {
          pending.shift();
          const base = (sent - pending.length - 1) * F;
          for (let i = 0; i < F; i++) frame[i] = signal(base + i);
          ring.push(frame, 0, F);
        }
        jb.process(out, Q);
        each(now);
      }
    },
  };
}

export const voice = (n: number) => 0.3 * Math.sin((2 * Math.PI * 160 * n) / RATE) + 0.1 * Math.sin((2 * Math.PI * 320 * n) / RATE);
