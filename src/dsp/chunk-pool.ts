import type { RingArray, RingArrayType } from './ring.js';

/**
 * A free list of equal-size typed arrays for the port handoff. Buffers leave by transfer and come back by
 * transfer, so a returned ArrayBuffer is wrapped again in `give` (outside the audio callback). `take` makes a new
 * buffer only while fewer than `max` exist: the warm-up, or a consumer that fell behind.
 * Single thread; the lists are preallocated so take/give do not grow arrays.
 */
export class ChunkPool<T extends RingArray> {
  /** Buffers ever made. Stays at the initial count in a steady state. */
  allocated = 0;
  private readonly free: (T | null)[];
  private count = 0;

  constructor(
    private readonly type: RingArrayType<T>,
    readonly length: number,
    initial: number,
    readonly max: number,
  ) {
    this.free = new Array<T | null>(max).fill(null);
    for (let i = 0; i < initial; i++) this.giveView(this.make());
  }

  /** A buffer to fill, or null when `max` are out already. */
  take(): T | null {
    if (this.count > 0) {
      const view = this.free[--this.count];
      this.free[this.count] = null;
      return view;
    }
    return this.allocated < this.max ? this.make() : null;
  }

  /** Takes back a buffer that was transferred away (ignored if it is not one of ours by size). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.length * this.type.BYTES_PER_ELEMENT) this.giveView(new this.type(buffer, 0, this.length));
  }

  /** Buffers waiting to be taken. */
  get available(): number {
    return this.count;
  }

  private giveView(view: T): void {
    if (this.count < this.free.length) this.free[this.count++] = view;
  }

  private make(): T {
    this.allocated++;
    return new this.type(new ArrayBuffer(this.length * this.type.BYTES_PER_ELEMENT), 0, this.length);
  }
}
