/** Options of {@link DelayEstimator}. Durations in ms; the estimator itself counts device-rate samples. */
export interface DelayEstimatorOptions {
  /** Device rate in Hz: the unit of every sample count passed in and out. */
  sampleRate: number;
  /** The target before any arrival is seen, and after reset(). */
  initialMs: number;
  /** The target never goes below this … */
  minMs: number;
  /** … nor above this. */
  maxMs: number;
  /** The target covers this fraction of the audio's arrivals (forgetting-weighted). Default 0.998. */
  quantile?: number;
  /** A held burst counts as one arrival per this much audio in it (as if each frame were timed). Default 20 ms. */
  frameMs?: number;
  /**
   * Weight kept by the histogram per frame arrived. Default 0.9995: a time constant of 2000 frames (40 s of 20 ms
   * frames). A 0.998 quantile of a heavy tail needs this memory: with 0.999 the pareto trace's target dipped between
   * its rare late frames and played 0.52 % late, with 0.9995 0.44 % at 1.10× the oracle's delay (bench, seed 11).
   * Upwards the target follows within a few frames; downwards a calmer network is detected within 2 s (see
   * RECENT_FRAMES), so the long memory does not slow the descent.
   */
  forgetFactor?: number;
}

/** Frames seen before the estimate may go below the initial target. */
const WARM_UP_FRAMES = 100;
/**
 * After this many frames in a row under a third of the target, a past delay peak (a stall) stands alone: forget at
 * CALM_FORGET per frame until one is late again, so it leaves the target ~10 s later (a heavy tail never stays away
 * this long; a stall that recurs is held by the peak detector).
 */
const CALM_FRAMES = 500;
const CALM_FORGET = 0.99;
/**
 * When all of the last RECENT_FRAMES arrivals (2 s) came earlier than the histogram's median, the bulk of the delays
 * has moved down: the network changed (a stationary one, even heavy-tailed, practically never puts 100 arrivals in a
 * row below its median). The target then descends: the histogram forgets at DESCEND_FORGET per frame (old mass
 * under the 0.2 % tail in ~3 s) until the target is down to the recent arrivals, or one of them is as late as that
 * median again. NetEQ lowers its target only as its forgetting histogram lets go; this is what makes it seconds.
 */
const RECENT_FRAMES = 100;
const DESCEND_FORGET = 0.96;
/** Width of a histogram bin. */
const BIN_MS = 2;
/** The floor is the lowest arrival delay of the last FLOOR_BLOCKS blocks of FLOOR_BLOCK_MS (0.75–1 s): short, so that it lags a drifting sender clock by at most ~5 ms (0.5 % of 1 s). */
const FLOOR_BLOCK_MS = 250;
const FLOOR_BLOCKS = 4;
/** An arrival this far above the quantile target is a delay peak (a stall and its burst), as in NetEQ. */
const PEAK_ABOVE_MS = 100;
const PEAKS = 4;
/** Peaks repeat when their spacings differ by at most this factor; only then do they hold the target up. */
const PEAK_REGULARITY = 1.5;
/** Fraction of a peak period that the peak target lets play late (stays under the 0.5 % underrun goal). */
const PEAK_LATE_FRACTION = 0.003;

/**
 * Estimates the playout delay the network needs, from arrival times against the media clock of the audio
 * (NetEQ's delay manager, reduced to a stream without packet timestamps: the media clock is the count of
 * samples received). Pure, allocation-free after construction; one instance per stream, one thread.
 *
 * Each arrival (some new samples seen at one instant) gives its delay `now − end of the new audio`. The floor
 * is the lowest such delay of the last ~2 s: the network's fastest path, which also tracks the drift between
 * sender and device clocks. The arrival's relative delay is `now − start of the new audio − floor`: how long
 * after the floor's timeline the first new sample came, so a held burst counts with its oldest frame. The
 * target is a high quantile of a forgetting histogram of relative delays (upwards within a few arrivals,
 * downwards within seconds), raised to the height of delay peaks while they recur regularly (NetEQ's peak
 * detector: a stall every 20 s must not be forgotten between stalls), clamped to [minMs, maxMs].
 */
export class DelayEstimator {
  private readonly histogram: Float64Array;
  private readonly binSamples: number;
  private readonly quantile: number;
  private readonly forget: number;
  private readonly min: number;
  private readonly max: number;
  private readonly initial: number;
  private readonly blockSamples: number;
  private readonly frame: number;
  private readonly floors = new Float64Array(FLOOR_BLOCKS);
  private readonly peakTimes = new Float64Array(PEAKS);
  private readonly peakHeights = new Float64Array(PEAKS);
  private readonly peakAbove: number;
  private readonly recent = new Float64Array(RECENT_FRAMES);
  private recentCount = 0;
  private median = 0;
  /** Descending since the median was this (samples); 0: not descending. */
  private descendFrom = 0;
  private peakCount = 0;
  private block = -1;
  private arrivals = 0;
  private calm = 0;
  private quantileTarget: number;
  private peakTarget = 0;

  constructor(options: DelayEstimatorOptions) {
    const perMs = options.sampleRate / 1000;
    this.binSamples = BIN_MS * perMs;
    this.histogram = new Float64Array(Math.ceil(options.maxMs / BIN_MS) + 2);
    this.quantile = options.quantile ?? 0.998;
    this.forget = options.forgetFactor ?? 0.9995;
    this.min = options.minMs * perMs;
    this.max = options.maxMs * perMs;
    this.initial = Math.min(this.max, Math.max(this.min, options.initialMs * perMs));
    this.blockSamples = FLOOR_BLOCK_MS * perMs;
    this.frame = (options.frameMs ?? 20) * perMs;
    this.peakAbove = PEAK_ABOVE_MS * perMs;
    this.quantileTarget = this.initial;
    this.reset();
  }

  /** The delay to aim for, in samples: clamped quantile or peak target. */
  target(): number {
    return Math.min(this.max, Math.max(this.min, this.quantileTarget, this.peakTarget));
  }

  /** The lowest recent arrival delay (`now − end of audio`), in samples; NaN before the first arrival. */
  floor(): number {
    let f = Infinity;
    for (let i = 0; i < FLOOR_BLOCKS; i++) if (this.floors[i] < f) f = this.floors[i];
    return f === Infinity ? NaN : f;
  }

  /**
   * Audio from media position `start` to `end` (samples received so far, including concealed gaps) was seen
   * at device time `now` (samples played so far).
   */
  observe(now: number, start: number, end: number): void {
    this.rotateFloor(now);
    const first = this.floor() !== this.floor();
    const delay = now - end;
    const slot = this.block % FLOOR_BLOCKS;
    if (delay < this.floors[slot]) this.floors[slot] = delay;
    // The first arrival of a stream (or talk spurt) only sets the timeline: nothing to be late against yet.
    if (first) return;
    const relative = now - start - this.floor();
    if (relative > this.quantileTarget + this.peakAbove && this.arrivals > 0) this.addPeak(now, relative);
    // Each frame's worth of a burst is one arrival: the tail of the histogram weighs late audio, not late events.
    for (let at = start; at < end - this.frame / 2; at += this.frame) this.addToHistogram(relative - (at - start));
    this.updatePeakTarget(now);
  }

  /** Forgets the floor (a new talk spurt after end() or flush(): idle time is not network delay). */
  restartFloor(): void {
    this.floors.fill(Infinity);
    this.block = -1;
    this.recentCount = 0;
    this.descendFrom = 0;
  }

  /** Back to the initial target, as constructed. */
  reset(): void {
    this.histogram.fill(0);
    this.histogram[Math.min(this.histogram.length - 1, Math.floor(this.initial / this.binSamples))] = 1;
    this.quantileTarget = this.initial;
    this.peakTarget = 0;
    this.peakCount = 0;
    this.arrivals = 0;
    this.calm = 0;
    this.median = 0;
    this.restartFloor();
  }

  private rotateFloor(now: number): void {
    const block = Math.floor(now / this.blockSamples);
    if (this.block < 0) this.block = block;
    // Blocks that passed without arrivals are emptied too, so an old floor cannot outlive the window.
    while (this.block < block) {
      this.block++;
      this.floors[this.block % FLOOR_BLOCKS] = Infinity;
      if (block - this.block >= FLOOR_BLOCKS) this.block = block - FLOOR_BLOCKS;
    }
  }

  private addToHistogram(relative: number): void {
    const h = this.histogram;
    this.calm = relative < this.quantileTarget / 3 ? this.calm + 1 : 0;
    this.updateDescent(relative);
    const forget = this.descendFrom > 0 ? DESCEND_FORGET : this.calm > CALM_FRAMES ? CALM_FORGET : this.forget;
    // Early on the histogram is a plain average of what was seen (NetEQ's start weight), then it forgets.
    const keep = Math.min(forget, this.arrivals / (this.arrivals + 1));
    this.arrivals++;
    let below = 0;
    let median = -1;
    for (let i = 0; i < h.length; i++) {
      h[i] *= keep;
      below += h[i];
      if (median < 0 && below >= 0.5) median = i;
    }
    const bin = Math.min(h.length - 1, Math.max(0, Math.ceil(relative / this.binSamples)));
    h[bin] += 1 - keep;
    // The median before this arrival's weight (within one arrival's weight of the exact one: plenty for the test).
    this.median = (median < 0 ? bin : median) * this.binSamples;
    let tail = 0;
    let i = h.length - 1;
    for (; i > 0; i--) {
      tail += h[i];
      if (tail > 1 - this.quantile) break;
    }
    // Until a few seconds have been seen, the configured target is a floor: a handful of arrivals says little
    // about the next one.
    this.quantileTarget = this.arrivals < WARM_UP_FRAMES ? Math.max(this.initial, i * this.binSamples) : i * this.binSamples;
  }

  /** Starts or ends a descent (see RECENT_FRAMES) with this arrival. */
  private updateDescent(relative: number): void {
    this.recent[this.recentCount++ % RECENT_FRAMES] = relative;
    if (this.recentCount < RECENT_FRAMES) return;
    let latest = 0;
    for (let i = 0; i < RECENT_FRAMES; i++) if (this.recent[i] > latest) latest = this.recent[i];
    if (this.descendFrom > 0) {
      if (relative >= this.descendFrom || this.quantileTarget <= latest + this.binSamples) this.descendFrom = 0;
    } else if (latest < this.median) {
      this.descendFrom = this.median;
    }
  }

  private addPeak(now: number, height: number): void {
    // A stall's burst can arrive over a few quanta: one peak per 2 s.
    const last = (this.peakCount - 1) % PEAKS;
    if (this.peakCount > 0 && now - this.peakTimes[last] < 4 * this.blockSamples) {
      if (height > this.peakHeights[last]) this.peakHeights[last] = height;
      return;
    }
    const slot = this.peakCount % PEAKS;
    this.peakTimes[slot] = now;
    this.peakHeights[slot] = height;
    this.peakCount++;
  }

  private updatePeakTarget(now: number): void {
    this.peakTarget = 0;
    const n = Math.min(this.peakCount, PEAKS);
    if (n < 3) return;
    let shortest = Infinity;
    let longest = 0;
    let highest = 0;
    for (let k = 0; k < n; k++) {
      const slot = (this.peakCount - 1 - k) % PEAKS;
      if (this.peakHeights[slot] > highest) highest = this.peakHeights[slot];
      if (k === n - 1) break;
      const gap = this.peakTimes[slot] - this.peakTimes[(this.peakCount - 2 - k) % PEAKS];
      if (gap < shortest) shortest = gap;
      if (gap > longest) longest = gap;
    }
    const sinceLast = now - this.peakTimes[(this.peakCount - 1) % PEAKS];
    if (longest > PEAK_REGULARITY * shortest || sinceLast > 2 * longest) return;
    this.peakTarget = highest - PEAK_LATE_FRACTION * longest;
  }
}
