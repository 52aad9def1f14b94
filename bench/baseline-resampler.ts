// The resampler before issue 11, kept here only as the bench's baseline: one polyphase stage for every ratio, the
// plain dot product even where the filter is symmetric, and the history moved down after every call. It shares
// the filter design and the dot product with today's PolyphaseStage, so only those three choices differ.
import { designTable, dot } from '../src/dsp/polyphase.js';
import { kaiserBeta, kaiserOrder } from '../src/dsp/kaiser.js';

const BLOCK = 1024;
const REJECTION_DB = 90;
const PASSBAND = 0.9;

/** Exact-phase ratios only (the bench's pairs all have at most 1024 phases). */
export class BaselineResampler {
  readonly taps: number;
  private readonly up: number;
  private readonly down: number;
  private readonly table: Float32Array;
  private readonly buffer: Float32Array;
  private filled: number;
  private index: number;
  private phase = 0;

  constructor(inputRate: number, outputRate: number) {
    let [a, b] = [inputRate, outputRate];
    while (b !== 0) [a, b] = [b, a % b];
    this.up = outputRate / a;
    this.down = inputRate / a;
    const nyquist = Math.min(inputRate, outputRate) / 2;
    this.taps = 2 * Math.ceil(kaiserOrder(REJECTION_DB, (2 * Math.PI * (1 - PASSBAND) * nyquist) / inputRate) / 2);
    const cutoff = (((1 + PASSBAND) / 2) * nyquist) / inputRate;
    this.table = designTable(this.taps, this.up, this.up, cutoff, kaiserBeta(REJECTION_DB));
    this.buffer = new Float32Array(this.taps - 1 + BLOCK);
    this.filled = this.taps - 1;
    this.index = this.taps - 1;
  }

  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  process(input: ArrayLike<number>, offset: number, length: number, output: Float32Array, outputOffset: number): number {
    const history = this.taps - 1;
    const buffer = this.buffer;
    let produced = 0;
    let consumed = 0;
    while (consumed < length) {
      const n = Math.min(length - consumed, buffer.length - this.filled);
      for (let i = 0; i < n; i++) buffer[this.filled + i] = input[offset + consumed + i];
      this.filled += n;
      consumed += n;
      produced += this.run(output, outputOffset + produced);
      const drop = this.filled - history;
      buffer.copyWithin(0, drop, this.filled);
      this.filled = history;
      this.index -= drop;
    }
    return produced;
  }

  private run(output: Float32Array, at: number): number {
    const { buffer, table, taps, up } = this;
    let n = 0;
    while (this.index < this.filled) {
      output[at + n++] = dot(buffer, this.index - taps + 1, table, this.phase * taps, taps);
      this.index += Math.floor(this.down / up);
      this.phase += this.down % up;
      if (this.phase >= up) {
        this.phase -= up;
        this.index++;
      }
    }
    return n;
  }
}
