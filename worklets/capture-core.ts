import type { FrameWriter } from './frame-handoff.js';
import { floatToInt16, type SampleFormat } from '../src/dsp/pcm.js';
import { Resampler } from '../src/dsp/resampler.js';
import type { RingArray } from '../src/dsp/ring.js';

export interface CaptureCoreOptions {
  /** The device (AudioContext) rate. */
  inputRate: number;
  /** The rate the server wants. */
  wireRate: number;
  /** Frame duration; wireRate · frameMs / 1000 must be a whole number of samples. */
  frameMs: number;
  format: SampleFormat;
}

/** What the core needs of a resampler. */
export type QuantumResampler = Pick<Resampler, 'maxOutputLength' | 'process'>;

/** Input handed to the resampler per step: bounds its output scratch whatever the quantum size. */
const STEP = 256;

/**
 * Microphone quanta of any size at the device rate → wire-rate frames of a fixed duration, in Float32 or Int16,
 * each with its RMS level, into a {@link FrameWriter}. Audio thread; process() allocates nothing.
 */
export class CaptureCore {
  readonly frameLength: number;
  framesWritten = 0;
  /** Frames the writer refused (ring or pool full: the reader fell behind). */
  framesDropped = 0;
  private readonly resampler: QuantumResampler;
  private readonly scratch: Float32Array;
  private readonly frame: Float32Array;
  private readonly wire: RingArray;
  private filled = 0;

  /** `resampler` is for the bench's baseline; by default a {@link Resampler} from the device to the wire rate. */
  constructor(
    options: CaptureCoreOptions,
    private readonly writer: FrameWriter,
    resampler?: QuantumResampler,
  ) {
    this.frameLength = frameLengthOf(options.wireRate, options.frameMs);
    this.resampler = resampler ?? new Resampler(options.inputRate, options.wireRate);
    this.scratch = new Float32Array(this.resampler.maxOutputLength(STEP));
    this.frame = new Float32Array(this.frameLength);
    this.wire = options.format === 'int16' ? new Int16Array(this.frameLength) : this.frame;
  }

  /** Takes `length` samples of one mono quantum. */
  process(input: Float32Array, length: number): void {
    for (let offset = 0; offset < length; offset += STEP) {
      const produced = this.resampler.process(input, offset, Math.min(STEP, length - offset), this.scratch, 0);
      for (let i = 0; i < produced; i++) {
        this.frame[this.filled++] = this.scratch[i];
        if (this.filled === this.frameLength) this.emit();
      }
    }
  }

  private emit(): void {
    const frame = this.frame;
    let energy = 0;
    for (let i = 0; i < frame.length; i++) energy += frame[i] * frame[i];
    if (this.wire !== frame) {
      const wire = this.wire;
      for (let i = 0; i < frame.length; i++) wire[i] = floatToInt16(frame[i]);
    }
    if (this.writer.write(this.wire, Math.sqrt(energy / frame.length))) this.framesWritten++;
    else this.framesDropped++;
    this.filled = 0;
  }
}

/** Samples per frame; throws at setup when the duration does not fall on a whole sample. */
export function frameLengthOf(wireRate: number, frameMs: number): number {
  const length = (wireRate * frameMs) / 1000;
  if (!Number.isInteger(length) || length <= 0) {
    throw new RangeError(`a ${frameMs} ms frame at ${wireRate} Hz is ${length} samples: choose a duration that is a whole number of samples`);
  }
  return length;
}
