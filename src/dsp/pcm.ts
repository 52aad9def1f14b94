/**
 * The one float ↔ 16-bit convention of voicewire, used by every thread and codec: full scale is asymmetric, as
 * the integers are (−1.0 ↔ −32768, +1.0 ↔ +32767), so both ends round-trip exactly and 0 stays 0. Plain loops:
 * hot path (every frame of every session, and the capture worklet).
 */

/** Samples as JavaScript holds them: Float32 in [-1, 1], or Int16. On the wire both are little-endian. */
export type SampleFormat = 'float32' | 'int16';

export const BYTES_PER_SAMPLE: Readonly<Record<SampleFormat, number>> = { float32: 4, int16: 2 };

/** One float sample to 16 bits: clamped to [-1, 1], NaN to 0, rounded. */
export function floatToInt16(x: number): number {
  const clamped = x > 1 ? 1 : x < -1 ? -1 : x !== x ? 0 : x;
  return Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff) + 0;
}

/** One 16-bit sample to float in [-1, 1]. */
export function int16ToFloat(v: number): number {
  return v < 0 ? v / 0x8000 : v / 0x7fff;
}

/** Int16 samples to floats, into `out` (made when not given). */
export function int16ArrayToFloat(pcm: Int16Array, out: Float32Array = new Float32Array(pcm.length)): Float32Array {
  for (let i = 0; i < pcm.length; i++) out[i] = int16ToFloat(pcm[i]);
  return out;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float samples in [-1, 1] to little-endian PCM bytes. */
export function encodePcm(pcm: Float32Array, format: SampleFormat): Uint8Array {
  const out = new Uint8Array(pcm.length * BYTES_PER_SAMPLE[format]);
  const view = new DataView(out.buffer);
  if (format === 'float32') {
    if (littleEndianHost) out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    else for (let i = 0; i < pcm.length; i++) view.setFloat32(i * 4, pcm[i], true);
    return out;
  }
  // A typed array is 2-3x faster than DataView here (bench/session.bench.ts: every frame of every session).
  const samples = littleEndianHost ? new Int16Array(out.buffer) : null;
  for (let i = 0; i < pcm.length; i++) {
    const v = floatToInt16(pcm[i]);
    if (samples) samples[i] = v;
    else view.setInt16(i * 2, v, true);
  }
  return out;
}

/** Little-endian PCM bytes to floats. The caller checked that the length is a whole number of samples. */
export function decodePcm(bytes: Uint8Array, format: SampleFormat): Float32Array {
  const n = bytes.length / BYTES_PER_SAMPLE[format];
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = int16ToFloat(view.getInt16(i * 2, true));
  return out;
}
