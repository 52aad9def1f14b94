// Today's jitter buffer (before issue 11), kept here only as the bench's baseline: a fixed target, rebuffering
// after every underrun, and everything above the target dropped at once past maxMs.
import type { PlaybackStatsMessage } from '../worklets/messages.js';
import { Control } from '../worklets/pcm-handoff.js';
import type { RingBuffer } from '../src/dsp/ring.js';

export interface BaselineOptions {
  /** The device (AudioContext) rate: the queue holds samples at this rate. */
  sampleRate: number;
  /** Start (and restart after an underrun) once this much is queued. */
  targetMs: number;
  /** Above this the oldest audio is dropped, back down to the target. */
  maxMs: number;
  /** How often `onStats` is called, in ms of audio processed. */
  statsIntervalMs: number;
}

/**
 * The jitter buffer in front of the speaker. Audio thread; process() allocates nothing and never throws.
 *
 * Buffering: silence until `target` is queued (or an end() was requested), then playing. Playing: an empty
 * queue mid-quantum is an underrun (the rest is silence) and the core rebuffers to the target. A queue above
 * `max` is an overrun: the oldest samples are dropped down to the target, so latency returns to the target
 * instead of sitting at the maximum. flush() drops what was queued before it. An end() lets the tail under the
 * target play out, and the queue running dry after it is not counted as an underrun.
 */
export class BaselinePlaybackCore {
  /** The reused stats record passed to `onStats`. */
  readonly stats: Pick<PlaybackStatsMessage, 'depthMs' | 'underruns' | 'overruns' | 'droppedSamples' | 'flushedSamples' | 'playing'> = { depthMs: 0, underruns: 0, overruns: 0, droppedSamples: 0, flushedSamples: 0, playing: false };
  private readonly target: number;
  private readonly max: number;
  private readonly interval: number;
  private readonly msPerFrame: number;
  private sinceStats = 0;
  private flushSeen = 0;
  private endSeen = 0;
  private draining = false;

  constructor(
    options: BaselineOptions,
    private readonly ring: RingBuffer<Float32Array>,
    private readonly control: Int32Array,
    private readonly onStats: (stats: BaselinePlaybackCore['stats']) => void,
  ) {
    this.target = Math.round((options.targetMs * options.sampleRate) / 1000);
    this.max = Math.max(this.target, Math.round((options.maxMs * options.sampleRate) / 1000));
    this.interval = Math.max(1, Math.round((options.statsIntervalMs * options.sampleRate) / 1000));
    this.msPerFrame = 1000 / options.sampleRate;
    if (this.max > ring.capacity) throw new RangeError(`maxMs needs ${this.max} samples but the queue holds ${ring.capacity}`);
  }

  /** Fills `length` samples of `output`. */
  process(output: Float32Array, length: number): void {
    const stats = this.stats;
    this.readControl();
    let depth = this.ring.availableRead();
    if (depth > this.max) {
      stats.droppedSamples += this.ring.skip(depth - this.target);
      stats.overruns++;
      depth = this.target;
    }
    // An end() with nothing left to play is over: new audio after it waits for the target again.
    if (this.draining && depth === 0 && !stats.playing) this.draining = false;
    if (!stats.playing && (depth >= this.target || (this.draining && depth > 0))) stats.playing = true;
    let played = 0;
    if (stats.playing) {
      played = this.ring.pop(output, 0, length);
      if (played < length) {
        stats.playing = false;
        if (this.draining) this.draining = false;
        else stats.underruns++;
      }
    }
    for (let i = played; i < length; i++) output[i] = 0;
    this.sinceStats += length;
    if (this.sinceStats >= this.interval) {
      this.sinceStats -= this.interval;
      stats.depthMs = this.ring.availableRead() * this.msPerFrame;
      this.onStats(stats);
    }
  }

  private readControl(): void {
    const flush = Atomics.load(this.control, Control.FLUSH_SEQ);
    if (flush !== this.flushSeen) {
      this.flushSeen = flush;
      this.stats.flushedSamples += this.ring.discardUntil(Atomics.load(this.control, Control.FLUSH_AT));
      this.stats.playing = false;
      this.draining = false;
    }
    const end = Atomics.load(this.control, Control.END_SEQ);
    if (end !== this.endSeen) {
      this.endSeen = end;
      this.draining = true;
    }
  }
}
