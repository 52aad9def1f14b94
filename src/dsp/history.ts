/** Input samples buffered past the history before the buffer is compacted: one copy per this many samples. */
const BLOCK = 2048;

/**
 * The input a FIR stage has seen: the last `keep` samples (its history) followed by new ones. Compacting only
 * when full, rather than after every call, makes the copy cost per 128-sample quantum about keep/BLOCK of one.
 * Starts (and resets) as `keep` zeros: silence before the stream.
 */
export class History {
  readonly data: Float32Array;
  /** Samples in `data`; the newest is at filled - 1. */
  filled: number;
  /** How far the last append() moved the samples down to make room (0 if it did not): index fix-up for readers. */
  shifted = 0;

  constructor(private readonly keep: number) {
    this.data = new Float32Array(keep + BLOCK);
    this.filled = keep;
  }

  reset(): void {
    this.data.fill(0);
    this.filled = this.keep;
  }

  /**
   * Copies in up to `length` samples of `input` from `offset` and returns how many fit, first dropping all but the
   * last `keep` samples when the buffer is full (see `shifted`).
   */
  append(input: ArrayLike<number>, offset: number, length: number): number {
    this.shifted = 0;
    if (this.filled === this.data.length) {
      this.shifted = this.filled - this.keep;
      this.data.copyWithin(0, this.shifted, this.filled);
      this.filled = this.keep;
    }
    const n = Math.min(length, this.data.length - this.filled);
    const data = this.data;
    const at = this.filled;
    for (let i = 0; i < n; i++) data[at + i] = input[offset + i];
    this.filled += n;
    return n;
  }
}

/** A FIR stage reading its input through a {@link History}: the feeding loop every such stage shares. */
export abstract class HistoryStage {
  protected readonly history: History;
  /** Next output's newest input sample, as an index into `history.data`. */
  protected index = 0;

  protected constructor(keep: number) {
    this.history = new History(keep);
  }

  /** See ResamplerStage.process: fills the history a buffer at a time and lets `run` emit what each completes. */
  process(input: ArrayLike<number>, offset: number, length: number, output: Float32Array, outputOffset: number): number {
    let produced = 0;
    for (let consumed = 0; consumed < length;) {
      consumed += this.history.append(input, offset + consumed, length - consumed);
      this.index -= this.history.shifted;
      produced += this.run(output, outputOffset + produced);
    }
    return produced;
  }

  /** Writes every output whose newest input sample (from `index` on) is in the history; returns how many. */
  protected abstract run(output: Float32Array, at: number): number;
}
