import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/dsp/resampler.js';
import { measureQuality, viaLinear, viaResampler } from '../support/spectrum.js';

describe('Resampler quality, measured by FFT on tones fed in 128-sample quanta', () => {
  const pairs: [number, number][] = [[48000, 24000], [44100, 24000], [48000, 16000], [24000, 48000], [24000, 44100]];
  for (const [from, to] of pairs) {
    it(`${from} → ${to}: ≥ 80 dB alias/image rejection, < 0.1 dB ripple to 0.9 of Nyquist`, () => {
      const q = measureQuality(viaResampler(from, to), from, to);
      expect(q.aliasRejectionDb).toBeGreaterThanOrEqual(80);
      expect(q.passbandRippleDb).toBeLessThan(0.1);
    });
  }

  it('an odd rate pair (44100 → 47999, interpolated phases) meets the same bounds', () => {
    const q = measureQuality(viaResampler(44100, 47999), 44100, 47999, 0.9, 8);
    expect(q.aliasRejectionDb).toBeGreaterThanOrEqual(80);
    expect(q.passbandRippleDb).toBeLessThan(0.1);
  });

  it('the measurement can fail: linear interpolation, the usual baseline, rejects aliases by under 10 dB', () => {
    const q = measureQuality(viaLinear(48000, 24000), 48000, 24000, 0.9, 8);
    expect(q.aliasRejectionDb).toBeLessThan(10);
  });
});

describe('Resampler streaming', () => {
  it('gives bit-identical output whatever the call sizes (state carries across calls)', () => {
    const input = new Float32Array(50_000);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < input.length; i++) input[i] = rand() * 2 - 1;
    for (const [from, to] of [[44100, 24000], [24000, 44100], [44100, 47999]] as const) {
      const whole = new Resampler(from, to);
      const a = new Float32Array(whole.maxOutputLength(input.length));
      const na = whole.process(input, 0, input.length, a, 0);
      const pieces = new Resampler(from, to);
      const b = new Float32Array(a.length + 64);
      let nb = 0;
      for (let i = 0; i < input.length; ) {
        const n = Math.min(1 + Math.floor(rand() * 3000), input.length - i);
        nb += pieces.process(input, i, n, b, nb);
        i += n;
      }
      expect(nb).toBe(na);
      expect(b.subarray(0, nb)).toEqual(a.subarray(0, na));
    }
  });

  it('reset() forgets the stream: the same input then gives the same output as a new instance', () => {
    const input = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 7));
    const r = new Resampler(48000, 16000);
    const first = new Float32Array(r.maxOutputLength(4000));
    const n1 = r.process(input, 0, 4000, first, 0);
    r.reset();
    const second = new Float32Array(first.length);
    const n2 = r.process(input, 0, 4000, second, 0);
    expect(n2).toBe(n1);
    expect(second).toEqual(first);
  });

  // Lengths depend only on the integer phase bookkeeping, not on the filter, so a short filter keeps an hour fast.
  for (const [from, to, quantum] of [[44100, 24000, 128], [24000, 44100, 128], [48000, 16000, 2048], [44100, 47999, 128]] as const) {
    it(`${from} → ${to} in ${quantum}-sample quanta: after every call, exactly ceil(N·out/in) samples over 1 hour`, () => {
      const r = new Resampler(from, to, { rejectionDb: 21, passband: 0.2 });
      const input = new Float32Array(quantum).fill(0.25);
      const output = new Float32Array(r.maxOutputLength(quantum));
      const quanta = Math.ceil((3600 * from) / quantum);
      let consumed = 0;
      let produced = 0;
      let mismatches = 0;
      for (let q = 0; q < quanta; q++) {
        produced += r.process(input, 0, quantum, output, 0);
        consumed += quantum;
        // BigInt-free exactness: both sides are integers below 2^53.
        if (produced !== Math.ceil((consumed * to) / from)) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(produced).toBe(Math.ceil((quanta * quantum * to) / from));
      expect(consumed / from).toBeGreaterThanOrEqual(3600);
    });
  }

  it('rejects rates that are not positive integers', () => {
    expect(() => new Resampler(44100.5, 24000)).toThrow(RangeError);
    expect(() => new Resampler(48000, 0)).toThrow(RangeError);
  });
});
