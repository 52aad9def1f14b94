/** The element types a ring can hold: audio samples as floats, wire samples as 16-bit integers. */
export type RingArray = Float32Array | Int16Array;
/** The constructor of a ring's element type (`Float32Array` or `Int16Array`), which each thread uses to view the storage. */
export interface RingArrayType<T extends RingArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** Bytes before the samples: the read index, then the write index (Int32 each, so Atomics can reach them). */
const HEADER_BYTES = 8;
const READ = 0;
const WRITE = 1;

/**
 * A single-producer single-consumer wait-free ring of samples.
 *
 * The storage (made by {@link createRingStorage}) is shared; each thread wraps it in its own RingBuffer.
 * One slot more than the capacity is allocated so that `read === write` always means empty and full never looks
 * like empty. Each side publishes only its own index, with Atomics.store after its copy, and reads the other
 * side's with Atomics.load: a side may see the other one late (less data or room than there really is), never
 * torn. Nothing here blocks, allocates or throws after construction: full and empty are return values.
 *
 * Over a plain ArrayBuffer the same class is a local FIFO (the port handoff uses it that way in the worklet).
 */
export class RingBuffer<T extends RingArray> {
  /** Slots in the storage: capacity + 1. */
  private readonly slots: number;
  private readonly indices: Int32Array;
  private readonly data: T;

  /**
   * Makes the storage for `capacity` elements of `type`: a SharedArrayBuffer when `shared` (the default), else
   * an ArrayBuffer for a single-thread FIFO. Call once, on either side, and hand the buffer to both.
   */
  static createStorage(capacity: number, type: { readonly BYTES_PER_ELEMENT: number }, shared = true): ArrayBufferLike {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    const bytes = HEADER_BYTES + (capacity + 1) * type.BYTES_PER_ELEMENT;
    return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  constructor(storage: ArrayBufferLike, type: RingArrayType<T>) {
    this.slots = (storage.byteLength - HEADER_BYTES) / type.BYTES_PER_ELEMENT;
    if (!Number.isInteger(this.slots) || this.slots < 2) throw new RangeError('ring storage was not made by RingBuffer.createStorage for this type');
    this.indices = new Int32Array(storage, 0, 2);
    this.data = new type(storage, HEADER_BYTES, this.slots);
  }

  /** Elements the ring can hold. Constant; any thread. */
  get capacity(): number {
    return this.slots - 1;
  }

  /** Elements ready to pop. Exact on the consumer side; on the producer side it may be late (too high). */
  availableRead(): number {
    return this.distance(Atomics.load(this.indices, READ), Atomics.load(this.indices, WRITE));
  }

  /** Room to push. Exact on the producer side; on the consumer side it may be late (too high). */
  availableWrite(): number {
    return this.capacity - this.availableRead();
  }

  /**
   * Producer only. Copies up to `length` elements of `source` from `offset`; returns how many fit (0 when full).
   */
  push(source: ArrayLike<number>, offset: number, length: number): number {
    const read = Atomics.load(this.indices, READ);
    const write = Atomics.load(this.indices, WRITE);
    const count = Math.min(length, this.capacity - this.distance(read, write));
    const data = this.data;
    let w = write;
    for (let i = 0; i < count; i++) {
      data[w] = source[offset + i];
      w = w + 1 === this.slots ? 0 : w + 1;
    }
    Atomics.store(this.indices, WRITE, w);
    return count;
  }

  /**
   * Consumer only. Copies up to `length` elements into `target` from `offset`; returns how many were there
   * (0 when empty).
   */
  pop(target: { [index: number]: number }, offset: number, length: number): number {
    const read = Atomics.load(this.indices, READ);
    const count = Math.min(length, this.distance(read, Atomics.load(this.indices, WRITE)));
    const data = this.data;
    let r = read;
    for (let i = 0; i < count; i++) {
      target[offset + i] = data[r];
      r = r + 1 === this.slots ? 0 : r + 1;
    }
    Atomics.store(this.indices, READ, r);
    return count;
  }

  /** Consumer only. The element `index` places after the oldest (0 ≤ index < availableRead()), left in the ring. */
  peek(index: number): number {
    const at = Atomics.load(this.indices, READ) + index;
    return this.data[at >= this.slots ? at - this.slots : at];
  }

  /** Consumer only. Drops up to `count` of the oldest elements without reading them; returns how many. */
  skip(count: number): number {
    const read = Atomics.load(this.indices, READ);
    const n = Math.min(count, this.distance(read, Atomics.load(this.indices, WRITE)));
    Atomics.store(this.indices, READ, (read + n) % this.slots);
    return n;
  }

  /**
   * Producer side: where the next push will land. Pair it with {@link discardUntil} to drop "everything written
   * so far" from the consumer without touching what the producer writes afterwards.
   */
  writePosition(): number {
    return Atomics.load(this.indices, WRITE);
  }

  /**
   * Consumer only. Drops elements up to `position` (a past {@link writePosition}); if the reader is already past
   * it, drops nothing. Returns how many were dropped.
   */
  discardUntil(position: number): number {
    const read = Atomics.load(this.indices, READ);
    const ahead = this.distance(read, position);
    return ahead <= this.distance(read, Atomics.load(this.indices, WRITE)) ? this.skip(ahead) : 0;
  }

  private distance(from: number, to: number): number {
    const d = to - from;
    return d < 0 ? d + this.slots : d;
  }
}

/** The shared (or, with `shared` false, single-thread) storage of a ring of `capacity` elements of `type`. */
export function createRingStorage(capacity: number, type: { readonly BYTES_PER_ELEMENT: number }, shared = true): ArrayBufferLike {
  return RingBuffer.createStorage(capacity, type, shared);
}

/** One thread's view of a ring made by createRingStorage (each thread makes its own over the same storage). */
export function createRingBuffer<T extends RingArray>(storage: ArrayBufferLike, type: RingArrayType<T>): RingBuffer<T> {
  return new RingBuffer(storage, type);
}
