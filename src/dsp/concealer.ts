import { rise } from './time-stretch.js';
import type { TimeStretcher } from './time-stretch.js';

/** Concealment fades the repeated period to silence over this long (NetEQ's expand fades too). */
const FADE_OUT_MS = 10;
/** Real audio after concealment (or after silence) fades in over this long, crossfaded with the concealment. */
const FADE_IN_MS = 5;

/**
 * Keeps the last samples played and makes concealment from them: when audio is missing (a lost frame, the
 * buffer running dry, a flush), the last pitch period repeats while fading to silence, and the audio that
 * follows fades in over the concealment, so there is never a step in the waveform (a click). Audio thread,
 * allocation-free after construction.
 */
export class Concealer {
  private readonly history: Float32Array;
  private readonly keep: number;
  private readonly period: Float32Array;
  private readonly fadeOut: number;
  private readonly fadeIn: number;
  private written = 0;
  private periodLength = 0;
  /** Samples of concealment made since it began (−1: not concealing). */
  private concealed = -1;
  /** Samples of fade-in left (0: none). */
  private fading = 0;

  constructor(sampleRate: number, private readonly stretcher: TimeStretcher) {
    this.keep = stretcher.needs;
    this.history = new Float32Array(4 * this.keep);
    this.period = new Float32Array(stretcher.maxLag);
    this.fadeOut = Math.round((FADE_OUT_MS * sampleRate) / 1000);
    this.fadeIn = Math.round((FADE_IN_MS * sampleRate) / 1000);
  }

  /** True while concealment is sounding or real audio is still fading in over it. */
  get active(): boolean {
    return this.concealed >= 0;
  }

  /** Starts concealment now (a no-op when it is already running). */
  begin(): void {
    if (this.concealed >= 0) return;
    this.concealed = 0;
    this.fading = 0;
    const end = this.written;
    const p = this.stretcher.continuationPeriod(this.history, end);
    this.periodLength = Math.min(p, end);
    for (let i = 0; i < this.periodLength; i++) this.period[i] = this.history[end - this.periodLength + i];
  }

  /** Stops concealment without a fade: the stream ended (end()), and what comes next starts as it was sent. */
  silence(): void {
    this.concealed = -1;
    this.periodLength = 0;
    this.fading = 0;
  }

  /** The next concealment sample (advances it). */
  next(): number {
    if (this.concealed < 0) return 0;
    const k = this.concealed++;
    if (k >= this.fadeOut || this.periodLength === 0) return 0;
    return this.period[k % this.periodLength] * (1 - rise(k, this.fadeOut));
  }

  /** Mixes a real sample in: fades in over concealment if it was active, else passes it through. */
  play(sample: number): number {
    if (this.concealed < 0) return sample;
    if (this.fading === 0) this.fading = this.fadeIn;
    const w = rise(this.fadeIn - this.fading, this.fadeIn);
    const out = sample * w + this.next() * (1 - w);
    if (--this.fading === 0) this.concealed = -1;
    return out;
  }

  /** Records what was played (call once per output sample, in order). */
  record(sample: number): void {
    if (this.written === this.history.length) {
      this.history.copyWithin(0, this.written - this.keep, this.written);
      this.written = this.keep;
    }
    this.history[this.written++] = sample;
  }
}
