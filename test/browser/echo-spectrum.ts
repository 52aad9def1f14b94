/**
 * Spectral checks for the cross-engine echo scenario: does the played audio carry the microphone's own signal,
 * whatever each engine's fake device sends (Chromium: a beep, Firefox: a 1 kHz tone, WebKit: a 150 Hz hum with
 * "bip-bop" bursts at higher frequencies)?
 *
 * Not "the same strongest frequency": in WebKit the microphone's strongest is its 150 Hz hum while the playback's is
 * the 1500 Hz bip, although the hum came back intact (measured here: 150 Hz is 15.6 % of the microphone's power and
 * 12.1 % of the playback's). So the check is the playback's share of power at the microphone's fundamental.
 * Why blocks: one Goertzel over a whole 2 s recording is 0.5 Hz wide, so a steady tone a few tenths of a hertz off
 * the probed frequency (a resampler, an output clock running 0.99–1.07× wall time in WebKitGTK under Xvfb) would
 * score almost nothing; averaging Hann-windowed 100 ms blocks makes every probe about 20 Hz wide, the same for a
 * tone and a burst.
 */

/** Recorded samples and their rate (what the page's tap posts). */
export interface Samples {
  sampleRate: number;
  samples: ArrayLike<number>;
}

const BLOCK_S = 0.1;

/**
 * Power at `hz` as a share of the recording's total power (0–1; 0.5 for a pure tone at `hz`, about 1/blockLength
 * for white noise): the mean over Hann-windowed 100 ms blocks of the Goertzel power, normalised so that a sinusoid
 * of amplitude A scores A²/4, divided by the mean square (A²/2 for that sinusoid). A share does not depend on the
 * path's gain.
 */
export function shareAt(r: Samples, hz: number): number {
  const n = Math.round(r.sampleRate * BLOCK_S);
  const blocks = Math.floor(r.samples.length / n);
  const k = 2 * Math.cos((2 * Math.PI * hz) / r.sampleRate);
  const window = hannWindow(n);
  let windowSum = 0;
  for (let i = 0; i < n; i++) windowSum += window[i];
  let power = 0;
  let squares = 0;
  for (let b = 0; b < blocks; b++) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.samples[b * n + i];
      squares += x * x;
      const s0 = x * window[i] + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    power += (s1 * s1 + s2 * s2 - k * s1 * s2) / (windowSum * windowSum);
  }
  const meanSquare = squares / (blocks * n);
  return meanSquare > 0 ? power / blocks / meanSquare : 0;
}

/** The recording's strongest frequency on a 10 Hz grid from 100 to 2000 Hz, and its share of the total power. */
export function fundamentalOf(r: Samples): { hz: number; share: number } {
  let best = { hz: 0, share: 0 };
  for (let hz = 100; hz <= 2000; hz += 10) {
    const share = shareAt(r, hz);
    if (share > best.share) best = { hz, share };
  }
  return best;
}

/** Root mean square of the recording (its loudness, for telling silence from signal). */
export function rmsOf(r: Samples): number {
  let sum = 0;
  for (let i = 0; i < r.samples.length; i++) sum += r.samples[i] * r.samples[i];
  return Math.sqrt(sum / Math.max(1, r.samples.length));
}

/** One Hann window per block length, computed once: fundamentalOf probes 191 frequencies over the same blocks. */
const windows = new Map<number, Float64Array>();
function hannWindow(n: number): Float64Array {
  let w = windows.get(n);
  if (w === undefined) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windows.set(n, w);
  }
  return w;
}
