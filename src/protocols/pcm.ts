/** Little-endian PCM <-> Float32 conversions shared by the PCM-carrying protocols. Plain loops: hot path. */

export type SampleFormat = 's16le' | 'f32le';

export const BYTES_PER_SAMPLE: Readonly<Record<SampleFormat, number>> = { s16le: 2, f32le: 4 };

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float samples in [-1, 1] to little-endian PCM bytes (s16 is clamped and rounded). */
export function encodePcm(pcm: Float32Array, format: SampleFormat): Uint8Array {
  const out = new Uint8Array(pcm.length * BYTES_PER_SAMPLE[format]);
  const view = new DataView(out.buffer);
  if (format === 'f32le') {
    if (littleEndianHost) out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    else for (let i = 0; i < pcm.length; i++) view.setFloat32(i * 4, pcm[i], true);
    return out;
  }
  // A typed array is 2-3x faster than DataView here (bench/session.bench.ts: every frame of every session).
  const samples = littleEndianHost ? new Int16Array(out.buffer) : null;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i];
    const clamped = s > 1 ? 1 : s < -1 ? -1 : s !== s ? 0 : s;
    const v = Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
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
  if (format === 'f32le') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = view.getInt16(i * 2, true);
    out[i] = v < 0 ? v / 0x8000 : v / 0x7fff;
  }
  return out;
}
