import { describe, expect, it } from 'vitest';
import { decodePcm, encodePcm } from '../../src/dsp/pcm.js';

describe('PCM s16le encoding', () => {
  it('clamps, rounds, maps NaN to 0, and writes little-endian bytes', () => {
    const bytes = encodePcm(Float32Array.of(0, 1, -1, 2, -2, Number.NaN, 0.5, -0.5, 1 / 32767, 0.4 / 32767), 'int16');
    const view = new DataView(bytes.buffer);
    const values = Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(i * 2, true));
    expect(values).toEqual([0, 32767, -32768, 32767, -32768, 0, 16384, -16384, 1, 0]);
    expect(Array.from(bytes.subarray(2, 6))).toEqual([0xff, 0x7f, 0x00, 0x80]);
  });

  it('round-trips a frame within one quantisation step, also from an odd byte offset', () => {
    const frame = Float32Array.from({ length: 480 }, (_, i) => 0.7 * Math.sin(i / 7));
    const bytes = encodePcm(frame, 'int16');
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const input of [bytes, shifted.subarray(1)]) {
      const back = decodePcm(input, 'int16');
      expect(back.length).toBe(480);
      for (let i = 0; i < 480; i++) expect(Math.abs(back[i] - frame[i])).toBeLessThanOrEqual(1 / 32767);
    }
  });
});
