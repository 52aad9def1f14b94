/** Pitch periods searched: 2.5–15 ms (400 Hz down to 67 Hz voices; multiples of higher tones). */
const MIN_LAG_MS = 2.5;
const MAX_LAG_MS = 15;
/** Correlation window. */
const WINDOW_MS = 5;
/** Coarse search step and window decimation, at 48 kHz (scaled with the rate). */
const COARSE_48K = 4;
/** Below this RMS (−40 dBFS) a segment is a pause: any lag will do. */
const QUIET_RMS = 0.01;

/**
 * Pitch-synchronous time stretching (WSOLA with a one-period step, as NetEQ's accelerate / preemptive expand):
 * one pitch period is removed or inserted at the front of a buffer of upcoming samples, crossfaded with a
 * raised-cosine so the waveform stays continuous. Pauses are stretched freely; voiced audio only where the
 * period is clear (normalised correlation ≥ the threshold given); anything else is left alone, and the caller
 * tries again a little later. Pure, allocation-free after construction; one thread.
 */
export class TimeStretcher {
  /** Shortest and longest period, in samples. */
  readonly minLag: number;
  readonly maxLag: number;
  /** Samples a buffer needs for the longest period; accelerate() and expand() search shorter ones in less. */
  readonly needs: number;
  private readonly window: number;
  private readonly coarse: number;
  /** The correlation of the last search. */
  lastCorrelation = 0;

  constructor(sampleRate: number) {
    this.minLag = Math.round((MIN_LAG_MS * sampleRate) / 1000);
    this.maxLag = Math.round((MAX_LAG_MS * sampleRate) / 1000);
    this.window = Math.round((WINDOW_MS * sampleRate) / 1000);
    this.coarse = Math.max(1, Math.round((COARSE_48K * sampleRate) / 48000));
    this.needs = 2 * this.maxLag + this.window;
  }

  /**
   * Removes one period from the front of `buf[0..length)` when it is a pause or correlates ≥ `threshold`.
   * Returns the samples removed (0: left alone); the rest moves up.
   */
  accelerate(buf: Float32Array, length: number, threshold: number): number {
    const lag = this.bestLag(buf, 0, 1, this.lagLimit(length));
    if (lag === 0 || !this.acceptable(buf, 0, lag, threshold)) return 0;
    // out[i] = A[i] fading into B[i]: starts where the past left off, ends where buf[2·lag] continues.
    for (let i = 0; i < lag; i++) {
      const w = rise(i, lag);
      buf[i] = buf[i] * (1 - w) + buf[i + lag] * w;
    }
    buf.copyWithin(lag, 2 * lag, length);
    return lag;
  }

  /**
   * Inserts one period after the first when it is a pause or correlates ≥ `threshold` and `buf` has room.
   * Returns the samples inserted (0: left alone).
   */
  expand(buf: Float32Array, length: number, threshold: number): number {
    const lag = this.bestLag(buf, 0, 1, this.lagLimit(length));
    if (lag === 0 || length + lag > buf.length || !this.acceptable(buf, 0, lag, threshold)) return 0;
    // A, then B fading into A, then B again: continuous at both joins.
    buf.copyWithin(2 * lag, lag, length);
    for (let i = 0; i < lag; i++) {
      const w = rise(i, lag);
      buf[lag + i] = buf[2 * lag + i] * (1 - w) + buf[i] * w;
    }
    return lag;
  }

  /** The period that best continues `buf[0..end)` (for concealment); needs `end ≥ window + maxLag`. */
  continuationPeriod(buf: Float32Array, end: number): number {
    if (end < this.window + this.maxLag) return Math.min(this.maxLag, Math.max(1, end));
    return this.bestLag(buf, end - this.window, -1, this.maxLag);
  }

  /** The longest lag whose two periods (and the correlation window) fit in `length` samples. */
  private lagLimit(length: number): number {
    return Math.min(this.maxLag, Math.floor(length / 2), length - this.window);
  }

  private acceptable(buf: Float32Array, start: number, lag: number, threshold: number): boolean {
    let energy = 0;
    for (let i = start; i < start + 2 * lag; i++) energy += buf[i] * buf[i];
    return energy / (2 * lag) < QUIET_RMS * QUIET_RMS || this.lastCorrelation >= threshold;
  }

  /**
   * Lag in [minLag, limit] that best matches buf[anchor..+window) with the window `lag` after (dir 1) or before
   * (dir −1); 0 when limit < minLag.
   */
  private bestLag(buf: Float32Array, anchor: number, dir: 1 | -1, limit: number): number {
    if (limit < this.minLag) return 0;
    let best = this.minLag;
    let bestScore = -Infinity;
    for (let lag = this.minLag; lag <= limit; lag += this.coarse) {
      const score = this.correlation(buf, anchor, anchor + dir * lag, this.coarse);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    const from = Math.max(this.minLag, best - this.coarse);
    const to = Math.min(limit, best + this.coarse);
    bestScore = -Infinity;
    for (let lag = from; lag <= to; lag++) {
      const score = this.correlation(buf, anchor, anchor + dir * lag, 1);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    this.lastCorrelation = bestScore;
    return best;
  }

  /** Normalised cross-correlation of two windows, every `step`-th sample. */
  private correlation(buf: Float32Array, a: number, b: number, step: number): number {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < this.window; i += step) {
      const x = buf[a + i];
      const y = buf[b + i];
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  }
}

/** Raised-cosine ramp 0 → 1 over n samples. */
export function rise(i: number, n: number): number {
  return 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / n);
}
