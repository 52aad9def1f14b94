import { describe, expect, it } from 'vitest';
import { HalfBandInterpolator } from '../../src/dsp/halfband.js';
import { Resampler } from '../../src/dsp/resampler.js';
import { measureQuality, viaResampler } from '../support/spectrum.js';

// Device rates (48 and 44.1 kHz) against wire rates (24 and 16 kHz), both ways: capture and playback.
const PAIRS: [number, number][] = [
  [48000, 24000],
  [44100, 24000],
  [48000, 16000],
  [44100, 16000],
  [24000, 48000],
  [16000, 48000],
  [16000, 44100],
];
/** The pairs where one rate is more than twice the other: the half-band stage pays off there. */
const CASCADES: [number, number][] = [
  [48000, 16000],
  [44100, 16000],
  [16000, 48000],
  [16000, 44100],
];

function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

function run(r: Resampler, input: Float32Array, block: number): Float32Array {
  const out = new Float32Array(r.maxOutputLength(input.length) + 2 * block);
  let n = 0;
  for (let i = 0; i < input.length; i += block) n += r.process(input, i, Math.min(block, input.length - i), out, n);
  return out.subarray(0, n);
}

/** Least-squares fit of a·sin + b·cos at `freq` Hz over `y` (rate `rate`): amplitude, phase delay (s), residual dB. */
function fitTone(y: Float32Array, from: number, rate: number, freq: number): { amplitude: number; delay: number; residualDb: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let j = from; j < y.length; j++) {
    const w = (2 * Math.PI * freq * j) / rate;
    const s = Math.sin(w);
    const c = Math.cos(w);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[j] * s;
    yc += y[j] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let signal = 0;
  let residual = 0;
  for (let j = from; j < y.length; j++) {
    const w = (2 * Math.PI * freq * j) / rate;
    const fit = a * Math.sin(w) + b * Math.cos(w);
    signal += fit * fit;
    residual += (y[j] - fit) ** 2;
  }
  // sin(w(t - d)) = sin(wt)·cos(wd) - cos(wt)·sin(wd): a = A·cos(wd), b = -A·sin(wd).
  const period = 1 / freq;
  const delay = (((Math.atan2(-b, a) / (2 * Math.PI * freq)) % period) + period) % period;
  return { amplitude: Math.hypot(a, b), delay, residualDb: 10 * Math.log10(residual / signal) };
}

describe('Resampler stages: a half-band 2:1 stage beside a polyphase one where one rate is over twice the other', () => {
  it('uses two stages exactly for those pairs, one stage for the others and when halfBand is false', () => {
    for (const [from, to] of PAIRS) {
      const twoStages = CASCADES.some(([a, b]) => a === from && b === to);
      expect(new Resampler(from, to).stages.length, `${from} → ${to}`).toBe(twoStages ? 2 : 1);
      expect(new Resampler(from, to, { halfBand: false }).stages.length).toBe(1);
    }
  });

  for (const [from, to] of CASCADES) {
    it(`${from} → ${to}: ≥ 80 dB rejection and no less than one polyphase stage gives; ripple < 0.001 dB to 0.9 of Nyquist`, () => {
      const stages = measureQuality(viaResampler(from, to), from, to);
      const single = measureQuality(viaResampler(from, to, { halfBand: false }), from, to);
      expect(stages.aliasRejectionDb).toBeGreaterThanOrEqual(80);
      expect(stages.aliasRejectionDb).toBeGreaterThanOrEqual(single.aliasRejectionDb);
      expect(stages.passbandRippleDb).toBeLessThan(0.001);
    });
  }

  it('the half-band filter has every other tap zero: interpolating an impulse gives 1 at the centre, 0 at even distances', () => {
    const stage = new HalfBandInterpolator(24000, 8000, 102);
    const impulse = new Float32Array(2 * stage.reach + 8);
    impulse[4] = 1;
    const out = new Float32Array(stage.maxOutputLength(impulse.length));
    stage.process(impulse, 0, impulse.length, out, 0);
    const centre = 8 + stage.reach;
    expect(out[centre]).toBe(1);
    let nonZeroOdd = 0;
    for (let d = 1; d <= stage.reach + 1; d++) {
      if (d % 2 === 0) {
        expect(out[centre - d]).toBe(0);
        expect(out[centre + d]).toBe(0);
      } else if (out[centre - d] !== 0 && out[centre - d] === out[centre + d]) nonZeroOdd++;
    }
    // Odd distances carry the (mirrored) filter, up to the reach.
    expect(nonZeroOdd).toBe((stage.reach + 1) / 2);
  });

  it('rejects a half-band stage whose passband reaches a quarter of the higher rate', () => {
    expect(() => new HalfBandInterpolator(24000, 12000, 90)).toThrow(RangeError);
  });
});

describe('Resampler: tones, latency and streaming, every device/wire pair', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: a 1 kHz tone keeps its frequency and amplitude; the output lags by exactly \`delay\``, () => {
      const r = new Resampler(from, to);
      // 100 Hz: its 10 ms period is longer than any delay here, so the phase gives the delay unambiguously.
      for (const freq of [1000, 100]) {
        r.reset();
        const input = Float32Array.from({ length: from }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / from));
        const y = run(r, input, 128);
        const fit = fitTone(y, Math.ceil(0.05 * to), to, freq);
        expect(fit.residualDb).toBeLessThan(-85);
        expect(Math.abs(20 * Math.log10(fit.amplitude / 0.5))).toBeLessThan(0.001);
        // Within a hundredth of an output sample.
        if (freq === 100) expect(Math.abs(fit.delay - r.delayMs / 1000)).toBeLessThan(0.01 / to);
      }
    });

    it(`${from} → ${to}: 128-sample quanta give exactly the output of one long buffer, and so do random call sizes, each ceil(N·out/in)`, () => {
      const rand = seeded(from + to);
      const input = Float32Array.from({ length: 30_000 }, () => rand() * 2 - 1);
      const whole = run(new Resampler(from, to), input, input.length);
      expect(run(new Resampler(from, to), input, 128)).toEqual(whole);
      const pieces = new Resampler(from, to);
      const parts: number[] = [];
      let countErrors = 0;
      for (let i = 0; i < input.length;) {
        const n = Math.min(1 + Math.floor(rand() * 700), input.length - i);
        // An output buffer of exactly maxOutputLength(n): writing past it would be lost silently.
        const out = new Float32Array(pieces.maxOutputLength(n));
        const produced = pieces.process(input, i, n, out, 0);
        expect(produced).toBeLessThanOrEqual(out.length);
        parts.push(...out.subarray(0, produced));
        i += n;
        if (parts.length !== Math.ceil((i * to) / from)) countErrors++;
      }
      expect(Float32Array.from(parts)).toEqual(whole);
      // Odd call sizes too: a sample the half-band stage completes early is held back.
      expect(countErrors).toBe(0);
    });
  }

  for (const [from, to] of CASCADES) {
    it(`${from} → ${to} in 128-sample quanta: exactly ceil(N·out/in) samples after every quantum for 3 minutes`, () => {
      const r = new Resampler(from, to);
      const input = new Float32Array(128).fill(0.25);
      const output = new Float32Array(r.maxOutputLength(128));
      let produced = 0;
      let mismatches = 0;
      for (let q = 1; q <= Math.ceil((180 * from) / 128); q++) {
        produced += r.process(input, 0, 128, output, 0);
        if (produced !== Math.ceil((q * 128 * to) / from)) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }
});
