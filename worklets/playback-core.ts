import { JitterBuffer } from '../src/dsp/jitter-buffer.js';
import type { PlaybackStatsMessage } from './messages.js';
import { Control } from './pcm-handoff.js';
import type { RingBuffer } from '../src/dsp/ring.js';

export interface PlaybackCoreOptions {
  /** The device (AudioContext) rate: the queue holds samples at this rate. */
  sampleRate: number;
  /** The target delay until the network has been measured. */
  targetMs: number;
  /** The adaptive target never goes below this. Default: 0 (the estimator decides). */
  minMs?: number;
  /** Above this the oldest audio is dropped, back down to the target. */
  maxMs: number;
  /** How often `onStats` is called, in ms of audio processed. */
  statsIntervalMs: number;
}

/**
 * The worklet's driver of the {@link JitterBuffer}: reads the control words (flush, end) once per quantum,
 * runs the buffer, and reports its counters in ms every stats interval. Audio thread; process() allocates
 * nothing and never throws.
 */
export class PlaybackCore {
  /** The reused stats record passed to `onStats`. */
  readonly stats: PlaybackStatsMessage = {
    type: 'playback-stats', depthMs: 0, underruns: 0, overruns: 0, droppedSamples: 0, flushedSamples: 0, playing: false,
    targetDelayMs: 0, delayMs: 0, underrunMs: 0, concealedMs: 0, acceleratedMs: 0, expandedMs: 0,
  };
  readonly buffer: JitterBuffer;
  private readonly interval: number;
  private readonly msPerFrame: number;
  private sinceStats = 0;
  private flushSeen = 0;
  private endSeen = 0;

  constructor(
    options: PlaybackCoreOptions,
    private readonly ring: RingBuffer<Float32Array>,
    private readonly control: Int32Array,
    private readonly onStats: (stats: PlaybackStatsMessage) => void,
  ) {
    const max = Math.round((options.maxMs * options.sampleRate) / 1000);
    if (max > ring.capacity) throw new RangeError(`maxMs needs ${max} samples but the queue holds ${ring.capacity}`);
    this.buffer = new JitterBuffer({ sampleRate: options.sampleRate, targetMs: options.targetMs, minMs: options.minMs ?? 0, maxMs: options.maxMs }, ring);
    this.interval = Math.max(1, Math.round((options.statsIntervalMs * options.sampleRate) / 1000));
    this.msPerFrame = 1000 / options.sampleRate;
  }

  /** Fills `length` samples of `output`. */
  process(output: Float32Array, length: number): void {
    this.readControl();
    this.buffer.process(output, length);
    this.update();
    this.sinceStats += length;
    if (this.sinceStats >= this.interval) {
      this.sinceStats -= this.interval;
      this.onStats(this.stats);
    }
  }

  /** Copies the counters into `stats` (a dozen stores per quantum, so `stats` is always current). */
  private update(): void {
    const s = this.stats;
    const c = this.buffer.counters;
    const ms = this.msPerFrame;
    const delay = this.buffer.delay();
    s.depthMs = this.buffer.depth() * ms;
    s.playing = this.buffer.playing;
    s.underruns = c.underruns;
    s.overruns = c.overruns;
    s.droppedSamples = c.dropped;
    s.flushedSamples = c.flushed;
    s.targetDelayMs = this.buffer.target() * ms;
    s.delayMs = delay === delay ? delay * ms : s.depthMs;
    s.underrunMs = c.underrun * ms;
    s.concealedMs = c.concealed * ms;
    s.acceleratedMs = c.accelerated * ms;
    s.expandedMs = c.expanded * ms;
  }

  private readControl(): void {
    const flush = Atomics.load(this.control, Control.FLUSH_SEQ);
    if (flush !== this.flushSeen) {
      this.flushSeen = flush;
      this.buffer.flush(Atomics.load(this.control, Control.FLUSH_AT));
    }
    const end = Atomics.load(this.control, Control.END_SEQ);
    if (end !== this.endSeen) {
      this.endSeen = end;
      this.buffer.end();
    }
  }
}
