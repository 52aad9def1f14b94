import type { RingBuffer } from './ring.js';
import { Concealer } from './concealer.js';
import { DelayEstimator } from './delay-estimator.js';
import { TimeStretcher } from './time-stretch.js';

/** Options of {@link JitterBuffer}; durations in ms. */
export interface JitterBufferOptions {
  /** Device (AudioContext) rate in Hz: the queue holds samples at this rate. */
  sampleRate: number;
  /** The target before the network has been measured. */
  targetMs: number;
  /** The estimated target never goes below this. */
  minMs: number;
  /** Above this, the oldest audio is dropped down to the target (the only multi-frame drop besides flush); the target stays ≤ 3/4 of it. */
  maxMs: number;
}

/** Time stretching changes the speed by at most 1/STRETCH_SPACING (10 %): after a period of P samples is removed or inserted, the next waits 10·P samples. */
const STRETCH_SPACING = 10;
/** Accelerate above target + this; expand below the target (being under it is what risks an underrun). */
const DEAD_BAND_MS = 5;
/** Far above the target, voiced audio is compressed at a lower correlation (NetEQ's "fast accelerate"). */
const FAR_ABOVE_MS = 60;
/**
 * The target stays under this fraction of maxMs, as NetEQ keeps its target under 3/4 of the packet buffer: a target
 * at maxMs (983 ms of 1000 was seen in Chromium on a loaded machine) leaves no room for the next burst, and every
 * burst then overflows and drops audio at once.
 */
const TARGET_HEADROOM = 0.75;
/** After an underrun, play again once this much is queued. */
const RESUME_MS = 20;
/** The upcoming-audio buffer: enough for the stretcher's search plus a quantum. */
const WORK_MS = 60;

/** Counters of a {@link JitterBuffer}, in device-rate samples (ms = samples / rate × 1000). */
export interface JitterBufferCounters {
  /** Played as concealment because the queue ran dry while playing. */
  underrun: number;
  /** Played as concealment in place of gaps the producer marked (lost frames). */
  concealed: number;
  /** Removed by time compression. */
  accelerated: number;
  /** Inserted by time expansion. */
  expanded: number;
  /** Dropped past maxMs. */
  dropped: number;
  /** Dropped by flush(). */
  flushed: number;
  /** Largest amount removed at once (stretch or overflow), not counting flushes. */
  largestJump: number;
  /** Times the queue ran dry while playing; times it went over maxMs. */
  underruns: number;
  overruns: number;
}

/**
 * The adaptive jitter buffer in front of the speaker (NetEQ's structure, for a PCM stream): the
 * {@link DelayEstimator} sets a target delay from arrival statistics, time stretching moves the playout delay
 * towards it at most 10 % faster or slower, and concealment covers lost frames (NaN samples in the queue mark a
 * gap the producer knows of) and a queue running dry. Audio thread; process() allocates nothing, never throws.
 *
 * The playout delay compared with the target is `now − media position playing − floor`: it is constant while
 * audio plays at speed 1, so it changes only by stretching, by concealment and by the floor following clock drift.
 */
export class JitterBuffer {
  readonly counters: JitterBufferCounters = { underrun: 0, concealed: 0, accelerated: 0, expanded: 0, dropped: 0, flushed: 0, largestJump: 0, underruns: 0, overruns: 0 };
  readonly estimator: DelayEstimator;
  private readonly stretcher: TimeStretcher;
  private readonly concealer: Concealer;
  private readonly work: Float32Array;
  private readonly max: number;
  private readonly deadBand: number;
  private readonly farAbove: number;
  private readonly resumeDepth: number;
  private length = 0;
  /** Device time: samples played. */
  private now = 0;
  /** Samples popped from the ring so far; with what is in the ring, the media position received. */
  private popped = 0;
  private received = 0;
  private cooldown = 0;
  private quantum = 0;
  private playingNow = false;
  private draining = false;
  /** Ran dry while playing and has not restarted: the silence counts as underrun. */
  private starved = false;

  constructor(options: JitterBufferOptions, private readonly ring: RingBuffer<Float32Array>) {
    const perMs = options.sampleRate / 1000;
    const highest = Math.max(options.minMs, Math.min(options.targetMs, options.maxMs), TARGET_HEADROOM * options.maxMs);
    this.estimator = new DelayEstimator({ sampleRate: options.sampleRate, initialMs: options.targetMs, minMs: options.minMs, maxMs: highest });
    this.stretcher = new TimeStretcher(options.sampleRate);
    this.concealer = new Concealer(options.sampleRate, this.stretcher);
    this.work = new Float32Array(Math.max(Math.ceil(WORK_MS * perMs), this.stretcher.needs + this.stretcher.maxLag + 256));
    this.max = options.maxMs * perMs;
    this.deadBand = DEAD_BAND_MS * perMs;
    this.farAbove = FAR_ABOVE_MS * perMs;
    this.resumeDepth = RESUME_MS * perMs;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  /** Audio queued (ring + work buffer), in samples. */
  depth(): number {
    return this.length + this.ring.availableRead();
  }

  /** The playout delay compared with the target, in samples (NaN before any arrival). */
  delay(): number {
    return this.now - (this.received - this.depth()) - this.estimator.floor();
  }

  /** The target delay in samples: the estimator's, plus one quantum (arrivals are seen only at quantum starts). */
  target(): number {
    return this.estimator.target() + this.quantum;
  }

  /** Fills `length` samples of `output`. */
  process(output: Float32Array, length: number): void {
    this.quantum = length;
    this.observe();
    this.trimOverflow();
    this.refill();
    if (!this.playingNow) this.maybeStart();
    else if (this.cooldown <= 0) this.stretch();
    this.render(output, length);
    this.now += length;
  }

  /** Drops the ring up to `position` and all upcoming audio (barge-in); what came after plays after the target refills. */
  flush(position: number): void {
    const skipped = this.ring.discardUntil(position);
    this.popped += skipped;
    this.counters.flushed += skipped + this.length;
    this.length = 0;
    if (this.playingNow) this.concealer.begin();
    this.playingNow = false;
    this.draining = false;
    this.starved = false;
    this.estimator.restartFloor();
    // What came after the flush starts the new timeline, as if it had just arrived.
    this.received = this.popped + this.ring.availableRead();
    if (this.received > this.popped) this.estimator.observe(this.now, this.popped, this.received);
  }

  /** The stream ended: play out what is queued even below the target; running dry then is no underrun. */
  end(): void {
    this.draining = true;
  }

  private observe(): void {
    const available = this.ring.availableRead();
    const received = this.popped + available;
    if (received === this.received) return;
    // A marked gap in front of the new audio (lost frames, NaN) was never late: it was never sent. The arrival is
    // timed from its first real sample, else every loss would look like a late burst and raise the target.
    const first = available - (received - this.received);
    let start = this.received;
    while (start < received && Number.isNaN(this.ring.peek(first + start - this.received))) start++;
    if (start < received) this.estimator.observe(this.now, start, received);
    this.received = received;
  }

  private trimOverflow(): void {
    const depth = this.depth();
    if (depth <= this.max) return;
    let drop = depth - this.target();
    const fromWork = Math.min(drop, this.length);
    this.work.copyWithin(0, fromWork, this.length);
    this.length -= fromWork;
    drop -= fromWork;
    const skipped = this.ring.skip(drop);
    this.popped += skipped;
    const total = fromWork + skipped;
    this.counters.dropped += total;
    this.counters.overruns++;
    if (total > this.counters.largestJump) this.counters.largestJump = total;
    if (this.playingNow) this.concealer.begin();
  }

  private refill(): void {
    const room = this.work.length - this.length;
    if (room <= 0) return;
    const n = this.ring.pop(this.work, this.length, room);
    this.length += n;
    this.popped += n;
  }

  private maybeStart(): void {
    const depth = this.depth();
    if (depth === 0) {
      this.draining = false;
      return;
    }
    const delay = this.delay();
    // After a flush the floor is re-learnt from the next arrival; until then the depth stands in for the delay.
    // After an underrun, audio plays again as soon as a frame's worth is back (the silence already raised the
    // delay; expansion adds the rest), rather than waiting out a target that the late audio just raised.
    const resume = this.starved && depth >= this.resumeDepth;
    if (this.draining || resume || (delay === delay ? delay : depth) >= this.target()) {
      this.playingNow = true;
      this.starved = false;
      this.cooldown = 0;
    }
  }

  private stretch(): void {
    // The tail after end() plays as sent.
    if (this.draining) return;
    const error = this.delay() - this.target();
    let changed = 0;
    if (error > this.deadBand) {
      changed = this.stretcher.accelerate(this.work, this.length, error > this.farAbove ? 0.5 : 0.9);
      this.length -= changed;
      this.counters.accelerated += changed;
      if (changed > this.counters.largestJump) this.counters.largestJump = changed;
    } else if (error < 0) {
      changed = this.stretcher.expand(this.work, this.length, 0.9);
      this.length += changed;
      this.counters.expanded += changed;
    }
    this.cooldown = changed * STRETCH_SPACING;
  }

  private render(output: Float32Array, length: number): void {
    const work = this.work;
    const concealer = this.concealer;
    let read = 0;
    for (let i = 0; i < length; i++) {
      let out: number;
      if (this.playingNow && read === this.length && this.ring.availableRead() > 0) {
        this.length = 0;
        read = 0;
        this.refill();
      }
      if (this.playingNow && read < this.length) {
        const sample = work[read++];
        if (sample !== sample) {
          // NaN: a gap the producer marked (a lost frame), concealed in place.
          concealer.begin();
          out = concealer.next();
          this.counters.concealed++;
        } else {
          out = concealer.play(sample);
        }
        this.cooldown--;
      } else {
        if (this.playingNow) this.runDry();
        out = concealer.next();
        if (this.starved) this.counters.underrun++;
      }
      output[i] = out;
      concealer.record(out);
    }
    work.copyWithin(0, read, this.length);
    this.length -= read;
  }

  /** The queue is empty while playing: the end of a stream, or an underrun (concealed, then waits for the target). */
  private runDry(): void {
    this.playingNow = false;
    if (this.draining) {
      this.draining = false;
      this.concealer.silence();
      this.estimator.restartFloor();
      return;
    }
    this.counters.underruns++;
    this.starved = true;
    this.concealer.begin();
  }
}
