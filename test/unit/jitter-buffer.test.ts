import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.js';
import { TimeStretcher } from '../../src/dsp/time-stretch.js';
import { RingBuffer } from '../../src/dsp/ring.js';
import { prng } from '../support/prng.js';
import { F, Q, RATE, estimator, feed, ms, rig, voice } from '../support/jitter-rig.js';

describe('DelayEstimator', () => {
  it('frames on time: the target is one frame (20 ms)', () => {
    const e = estimator();
    feed(e, 0, 500, () => 0);
    expect(ms(e.target())).toBe(20);
  });

  it('alternating 0 / 10 ms late: the target covers the late ones exactly (30 ms)', () => {
    const e = estimator();
    feed(e, 0, 500, (i) => (i % 2) * 480);
    expect(ms(e.target())).toBe(30);
  });

  it('a burst counts with its oldest frame: 5 frames held 100 ms raise the target at once, leaving out only the latest 0.2 % (one frame)', () => {
    const e = estimator();
    const last = feed(e, 0, 500, () => 0);
    // Frames 500..504 are held until frame 504 is due: they arrive together, the first 80 ms late.
    for (let i = 500; i < 505; i++) e.observe(505 * F, i * F, (i + 1) * F);
    last.at = 505 * F;
    expect(ms(e.target())).toBe(80);
    feed(e, 505, 10, () => 0, last);
    expect(ms(e.target())).toBe(80);
  });

  it('follows jitter up within a second and back down within a minute', () => {
    const e = estimator();
    const random = prng(7);
    let last = feed(e, 0, 3000, () => random() * 2 * 48);
    expect(ms(e.target())).toBeLessThanOrEqual(24);
    last = feed(e, 3000, 50, () => random() * 80 * 48, last);
    expect(ms(e.target())).toBeGreaterThanOrEqual(80);
    last = feed(e, 3050, 3000, () => random() * 80 * 48, last);
    const high = ms(e.target());
    expect(high).toBeGreaterThanOrEqual(90);
    expect(high).toBeLessThanOrEqual(102);
    let frames = 0;
    while (ms(e.target()) > 24 && frames < 10_000) {
      last = feed(e, 6050 + frames, 1, () => random() * 2 * 48, last);
      frames++;
    }
    expect(frames * 20).toBeLessThanOrEqual(60_000);
  });

  it('a stall every 20 s: from the third on, the target holds the stall between stalls (peak detector)', () => {
    const e = estimator();
    let last = { at: 0 };
    const targets: number[] = [];
    for (let k = 0; k < 8; k++) {
      last = feed(e, k * 1000, 1000, (i) => (i % 1000 < 15 ? (15 - (i % 1000)) * F : 0), last);
      targets.push(ms(e.target()));
    }
    // Just before stall 4..8 the target covers 300 ms less the 0.3 % of 20 s it may play late (60 ms).
    for (const t of targets.slice(3)) {
      expect(t).toBeGreaterThanOrEqual(255);
      expect(t).toBeLessThanOrEqual(330);
    }
  });
});

describe('JitterBuffer', () => {
  it('after a 300 ms stall and its burst, the delay is back within 20 ms of the target in under 5 s', () => {
    const random = prng(3);
    const r = rig(0, (i) => (i >= 1000 && i < 1015 ? (1015 - i) * F : random() * 480), voice);
    r.run(19.9);
    expect(r.jb.counters.underruns).toBe(0);
    let back = -1;
    r.run(10, (now) => {
      if (back < 0 && now > 20.32 * RATE && Math.abs(r.jb.delay() - r.jb.target()) <= 20 * 48) back = now / RATE - 20.3;
    });
    expect(back).toBeGreaterThanOrEqual(0);
    expect(back).toBeLessThan(5);
    expect(r.jb.counters.largestJump).toBeLessThanOrEqual(15 * 48);
  });

  it('a lost frame marked as a gap (NaN samples) is concealed in place: counted, no underrun, no click, timing kept', () => {
    const storage = RingBuffer.createStorage(RATE, Float32Array, false);
    const ring = new RingBuffer(storage, Float32Array);
    const jb = new JitterBuffer({ sampleRate: RATE, targetMs: 60, minMs: 0, maxMs: 1000 }, ring);
    const sine = (n: number) => 0.5 * Math.sin((2 * Math.PI * 200 * n) / RATE);
    const frame = new Float32Array(F);
    const push = (k: number, lost: boolean) => {
      for (let i = 0; i < F; i++) frame[i] = lost ? NaN : sine(k * F + i);
      ring.push(frame, 0, F);
    };
    for (let k = 0; k < 4; k++) push(k, k === 2);
    jb.end();
    const out = new Float32Array(Q);
    const played: number[] = [];
    for (let q = 0; q < 30; q++) {
      jb.process(out, Q);
      played.push(...out);
    }
    expect(jb.counters).toMatchObject({ concealed: F, underruns: 0 });
    const start = 0; // after end() the queue plays at once
    // Frame 3 plays exactly where it belongs (after the 5 ms fade-in over the concealment).
    for (let i = 240; i < F; i++) expect(played[start + 3 * F + i]).toBeCloseTo(sine(3 * F + i), 6);
    const step = 2 * 0.5 * Math.sin((Math.PI * 200) / RATE);
    for (let i = start + 1; i < start + 4 * F; i++) expect(Math.abs(played[i] - played[i - 1])).toBeLessThanOrEqual(step * 1.0001);
  });

  for (const drift of [0.005, -0.005]) {
    it(`holds its target over 10 simulated minutes with the sender's clock ${drift > 0 ? '0.5 % fast' : '0.5 % slow'}`, () => {
      const random = prng(5);
      const r = rig(drift, () => random() * 480, voice);
      let worst = 0;
      r.run(600, (now) => {
        if (now > 10 * RATE) worst = Math.max(worst, Math.abs(r.jb.delay() - r.jb.target()));
      });
      expect(r.jb.counters).toMatchObject({ underruns: 0, overruns: 0, dropped: 0 });
      // 0.5 % of 600 s is 3 s of audio, taken out (or put in) by stretching, never by dropping.
      const stretched = drift > 0 ? r.jb.counters.accelerated : r.jb.counters.expanded;
      expect(ms(stretched)).toBeGreaterThan(2900);
      expect(ms(worst)).toBeLessThanOrEqual(20);
    });
  }
});

/** Residual after a least-squares fit of a `freq` sinusoid (with DC) per block, relative to the signal, in dB (worst block). */
function worstThdN(x: Float32Array, freq: number, block: number): number {
  let worst = -Infinity;
  for (let start = 0; start + block <= x.length; start += block) {
    let ss = 0, sc = 0, cc = 0, s1 = 0, c1 = 0, xs = 0, xc = 0, x1 = 0, xx = 0;
    for (let i = 0; i < block; i++) {
      const w = (2 * Math.PI * freq * i) / RATE;
      const s = Math.sin(w), c = Math.cos(w), v = x[start + i];
      ss += s * s; sc += s * c; cc += c * c; s1 += s; c1 += c; xs += v * s; xc += v * c; x1 += v; xx += v * v;
    }
    // Solve the 3×3 normal equations for a·sin + b·cos + d (Cramer's rule).
    const m = [[ss, sc, s1], [sc, cc, c1], [s1, c1, block]];
    const r = [xs, xc, x1];
    const det = (a: number[][]) => a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    const d = det(m);
    const coef = [0, 1, 2].map((k) => det(m.map((row, i) => row.map((v, j) => (j === k ? r[i] : v)))) / d);
    let residual = 0;
    for (let i = 0; i < block; i++) {
      const w = (2 * Math.PI * freq * i) / RATE;
      const e = x[start + i] - (coef[0] * Math.sin(w) + coef[1] * Math.cos(w) + coef[2]);
      residual += e * e;
    }
    worst = Math.max(worst, 10 * Math.log10(residual / xx));
  }
  return worst;
}

describe('TimeStretcher on a pure tone', () => {
  for (const speed of [1.05, 0.95]) {
    it(`at ${speed > 1 ? '+5 %' : '−5 %'} speed a 440 Hz tone stays a pure tone: THD+N ≤ −38 dB in every 1024-sample block (integer-sample periods slip the phase by ≤ 0.5 sample per step: measured −40.5 dB), no step above a sine's`, () => {
      const stretcher = new TimeStretcher(RATE);
      const amplitude = 0.5;
      const tone = (n: number) => amplitude * Math.sin((2 * Math.PI * 440 * n) / RATE);
      const work = new Float32Array(4096);
      const out = new Float32Array(RATE * 4);
      let length = 0;
      let fed = 0;
      let changed = 0;
      for (let o = 0; o < out.length; o += Q) {
        while (length < work.length - 1024) work[length++] = tone(fed++);
        // Stretch whenever the running speed is behind the goal (the jitter buffer spaces its steps the same way).
        if (speed > 1 && changed < (speed - 1) * o) {
          const n = stretcher.accelerate(work, length, 0.9);
          length -= n;
          changed += n;
        } else if (speed < 1 && changed < (1 - speed) * o) {
          const n = stretcher.expand(work, length, 0.9);
          length += n;
          changed += n;
        }
        for (let i = 0; i < Q; i++) out[o + i] = work[i];
        work.copyWithin(0, Q, length);
        length -= Q;
      }
      expect(changed / out.length).toBeCloseTo(Math.abs(speed - 1), 2);
      expect(worstThdN(out, 440, 1024)).toBeLessThanOrEqual(-38);
      const sineStep = 2 * amplitude * Math.sin((Math.PI * 440) / RATE);
      let step = 0;
      for (let i = 1; i < out.length; i++) step = Math.max(step, Math.abs(out[i] - out[i - 1]));
      expect(step).toBeLessThanOrEqual(sineStep * 1.01);
    });
  }
});
