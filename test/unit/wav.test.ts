import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../src/codecs/wav.js';
import { ErrorCode, isVoicewireError } from '../../src/errors/errors.js';

const tone = (n: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));

describe('WAV', () => {
  it('round-trips 16-bit mono within one quantisation step', () => {
    const samples = tone(4800, 24000);
    const back = decodeWav(encodeWav(samples, 24000));
    expect(back.sampleRate).toBe(24000);
    expect(back.samples.length).toBe(4800);
    for (let i = 0; i < samples.length; i++) expect(Math.abs(back.samples[i] - samples[i])).toBeLessThanOrEqual(1 / 32767);
  });

  it('reads what sox writes: stereo 24-bit and float, averaged to mono', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-wav-'));
    const src = join(dir, 'mono.wav');
    writeFileSync(src, encodeWav(tone(2400, 24000), 24000));
    for (const args of [['-b', '24', '-c', '2'], ['-e', 'floating-point', '-b', '32']]) {
      const out = join(dir, `${args.join('')}.wav`);
      execFileSync('sox', [src, ...args, out]);
      const wav = decodeWav(readFileSync(out));
      expect(wav.sampleRate).toBe(24000);
      expect(wav.samples.length).toBe(2400);
      expect(Math.max(...wav.samples)).toBeCloseTo(0.5, 3);
    }
  });

  it('refuses what it cannot read with CODEC_UNSUPPORTED', () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('<!doctype html><html>'), encodeWav(tone(10, 8000), 8000).slice(0, 36)]) {
      expect(() => decodeWav(bytes)).toThrow(expect.objectContaining({ code: ErrorCode.CODEC_UNSUPPORTED }));
    }
    const alaw = encodeWav(tone(10, 8000), 8000);
    new DataView(alaw.buffer).setUint16(20, 6, true);
    try {
      decodeWav(alaw);
      expect.unreachable();
    } catch (e) {
      expect(isVoicewireError(e, ErrorCode.CODEC_UNSUPPORTED)).toBe(true);
    }
  });
});
