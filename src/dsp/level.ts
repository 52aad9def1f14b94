/** Signal levels for meters and stats. */

/** RMS (0..1) to dBFS. */
export function toDb(rms: number): number {
  return 20 * Math.log10(rms);
}

/** Root mean square of a block, 0..1 for samples in [-1, 1]. */
export function rmsOf(pcm: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / Math.max(1, pcm.length));
}
