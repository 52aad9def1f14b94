// Audio fixtures for the Ogg/Opus tests: seeded signals, WAV files, and the real opus-tools/ffmpeg binaries.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './prng.js';


/** A voice-like test signal: harmonics of a gliding pitch, syllable-rate amplitude modulation, a little noise. */
export function voiceLike(seconds: number, rate: number, seed = 1): Float32Array {
  const rnd = prng(seed);
  const out = new Float32Array(Math.round(seconds * rate));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const f0 = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = 0.25 * envelope * v + 0.01 * (rnd() * 2 - 1);
  }
  return out;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'voicewire-opus-'));
}

/** 16-bit PCM mono WAV. */
export function writeWav16(path: string, pcm: Float32Array, rate: number): void {
  const out = Buffer.alloc(44 + pcm.length * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + pcm.length * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm[i] * 32768))), 44 + i * 2);
  writeFileSync(path, out);
}

/** Reads a mono WAV of 16-bit PCM or 32-bit float (plain or WAVE_FORMAT_EXTENSIBLE), walking the chunks. */
export function readWav(path: string): { rate: number; pcm: Float32Array } {
  const b = readFileSync(path);
  let at = 12;
  let format = 0;
  let bits = 0;
  let rate = 0;
  let channels = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      format = b.readUInt16LE(at + 8);
      channels = b.readUInt16LE(at + 10);
      rate = b.readUInt32LE(at + 12);
      bits = b.readUInt16LE(at + 22);
      if (format === 0xfffe) format = b.readUInt16LE(at + 32);
    } else if (id === 'data') {
      if (channels !== 1) throw new Error(`${path}: ${channels} channels, expected mono`);
      const n = Math.floor(Math.min(size, b.length - at - 8) / (bits / 8));
      const pcm = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const o = at + 8 + i * (bits / 8);
        pcm[i] = format === 3 ? b.readFloatLE(o) : b.readInt16LE(o) / 32768;
      }
      return { rate, pcm };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

export function run(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a tool to the end and returns its exit status with stdout + stderr interleaved (opusinfo warns on both). */
export function runAll(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync('sh', ['-c', '"$0" "$@" 2>&1', command, ...args], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout };
}

/**
 * SNR in dB of `test` against `reference` after the best integer alignment within ±maxLag samples. Codec output is
 * delayed by the encoder's lookahead unless pre-skip is applied; the lag found tells whether it was.
 */
export function alignedSnr(reference: Float32Array, test: Float32Array, maxLag: number): { snrDb: number; lag: number } {
  const margin = maxLag;
  const n = Math.min(reference.length, test.length) - 2 * margin;
  let best = { lag: 0, corr: -Infinity };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let c = 0;
    for (let i = margin; i < margin + n; i++) c += reference[i] * test[i + lag];
    if (c > best.corr) best = { lag, corr: c };
  }
  let signal = 0;
  let noise = 0;
  for (let i = margin; i < margin + n; i++) {
    signal += reference[i] ** 2;
    noise += (reference[i] - test[i + best.lag]) ** 2;
  }
  return { snrDb: 10 * Math.log10(signal / Math.max(noise, 1e-20)), lag: best.lag };
}
