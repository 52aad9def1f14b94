import { int16ArrayToFloat } from '../dsp/pcm.js';
import { Resampler } from '../dsp/resampler.js';
import type { PcmWriter } from './pcm-handoff.js';

/**
 * The producer side of the playback queue, on the main thread: server PCM at its rate → device-rate samples into
 * the queue, and lost audio (a sequence gap) → NaN samples of the same duration, which the jitter buffer conceals
 * in place (src/dsp/jitter-buffer.ts). Counts what the queue refused.
 */
export class PlayoutInput {
  readonly #resampler: Resampler | null;
  #floats = new Float32Array(0);
  #resampled = new Float32Array(0);
  /** Device-rate samples the queue refused (full). */
  refused = 0;

  readonly #writer: PcmWriter;

  constructor(readonly inputRate: number, deviceRate: number, writer: PcmWriter) {
    this.#writer = writer;
    this.#resampler = inputRate === deviceRate ? null : new Resampler(inputRate, deviceRate);
  }

  /** Queues server PCM (mono, at `inputRate`); returns the device-rate samples queued. */
  push(pcm: Float32Array | Int16Array): number {
    const floats = this.#toFloat(pcm);
    if (!this.#resampler) return this.#write(floats, pcm.length);
    const length = this.#resample(floats, pcm.length);
    return this.#write(this.#resampled, length);
  }

  /**
   * Queues `durationMs` of lost audio as a marked gap; returns the device-rate samples queued. Through a resampler
   * the gap passes as silence (so the filter's phase, and every sample after the gap, stay where they belong) and
   * its output is marked: a NaN inside the filter would spread to the real samples around it.
   */
  gap(durationMs: number): number {
    const length = Math.round((durationMs * this.inputRate) / 1000);
    if (length <= 0) return 0;
    let out = length;
    if (this.#resampler) out = this.#resample(new Float32Array(length), length);
    else if (this.#resampled.length < length) this.#resampled = new Float32Array(length);
    this.#resampled.fill(Number.NaN, 0, out);
    return this.#write(this.#resampled, out);
  }

  /** The stream ended: the queue plays out without counting the silence after it as an underrun. */
  end(): void {
    this.#writer.end();
  }

  /** Forgets the resampler's history (its queue was just flushed). */
  reset(): void {
    this.#resampler?.reset();
  }

  #resample(input: Float32Array, length: number): number {
    const room = this.#resampler!.maxOutputLength(length);
    if (this.#resampled.length < room) this.#resampled = new Float32Array(room);
    return this.#resampler!.process(input, 0, length, this.#resampled, 0);
  }

  #write(samples: Float32Array, length: number): number {
    const accepted = this.#writer.push(samples, 0, length);
    this.refused += length - accepted;
    return accepted;
  }

  #toFloat(pcm: Float32Array | Int16Array): Float32Array {
    if (pcm instanceof Float32Array) return pcm;
    if (this.#floats.length < pcm.length) this.#floats = new Float32Array(pcm.length);
    return int16ArrayToFloat(pcm, this.#floats);
  }
}
