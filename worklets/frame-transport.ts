import { ChunkPool } from './chunk-pool.js';
import type { FrameMessage } from './messages.js';
import { RingBuffer, type RingArray, type RingArrayType } from './ring.js';

/** Where the capture core puts finished frames. Audio thread; returns false when the frame had to be dropped. */
export interface FrameWriter {
  write(frame: RingArray, level: number): boolean;
}

/** The worklet end of a MessagePort, as far as the transports need it. */
export interface PortLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/**
 * Producer side of the shared transport (audio thread). A frame is pushed whole or not at all; its level is
 * pushed after its samples, so a reader that sees the level can always pop the full frame.
 */
export class SharedFrameWriter implements FrameWriter {
  private readonly samples: RingBuffer<RingArray>;
  private readonly levels: RingBuffer<Float32Array>;
  private readonly level = new Float32Array(1);

  constructor(samples: ArrayBufferLike, levels: ArrayBufferLike, type: RingArrayType<RingArray>) {
    this.samples = new RingBuffer(samples, type);
    this.levels = new RingBuffer(levels, Float32Array);
  }

  write(frame: RingArray, level: number): boolean {
    if (this.samples.availableWrite() < frame.length || this.levels.availableWrite() < 1) return false;
    this.samples.push(frame, 0, frame.length);
    this.level[0] = level;
    this.levels.push(this.level, 0, 1);
    return true;
  }
}

/** Consumer side of the shared transport (main thread): pops every complete frame into fresh arrays. */
export class SharedFrameReader<T extends RingArray> {
  private readonly samples: RingBuffer<T>;
  private readonly levels: RingBuffer<Float32Array>;
  private readonly level = new Float32Array(1);

  constructor(samples: ArrayBufferLike, levels: ArrayBufferLike, private readonly type: RingArrayType<T>, private readonly frameLength: number) {
    this.samples = new RingBuffer(samples, type);
    this.levels = new RingBuffer(levels, Float32Array);
  }

  /** Calls `onFrame` for each frame ready now; the array is the listener's to keep. Returns the count. */
  read(onFrame: (frame: T, level: number) => void): number {
    let n = 0;
    while (this.levels.pop(this.level, 0, 1) === 1) {
      const frame = new this.type(new ArrayBuffer(this.frameLength * this.type.BYTES_PER_ELEMENT), 0, this.frameLength);
      this.samples.pop(frame, 0, this.frameLength);
      onFrame(frame, this.level[0]);
      n++;
    }
    return n;
  }
}

/**
 * Producer side of the port transport (audio thread): copies the frame into a pooled buffer and transfers it.
 * The message object and transfer list are reused, so posting adds no garbage of ours.
 */
export class PortFrameWriter implements FrameWriter {
  private readonly message: FrameMessage = { type: 'frame', buffer: new ArrayBuffer(0), level: 0 };
  private readonly transfer: Transferable[] = [new ArrayBuffer(0)];

  constructor(private readonly port: PortLike, readonly pool: ChunkPool<RingArray>) {}

  write(frame: RingArray, level: number): boolean {
    const chunk = this.pool.take();
    if (chunk === null) return false;
    for (let i = 0; i < frame.length; i++) chunk[i] = frame[i];
    this.message.buffer = chunk.buffer as ArrayBuffer;
    this.message.level = level;
    this.transfer[0] = chunk.buffer as ArrayBuffer;
    this.port.postMessage(this.message, this.transfer);
    return true;
  }

  /** Message handler side (worklet, outside process()): a buffer came back. */
  receive(buffer: ArrayBuffer): void {
    this.pool.give(buffer);
  }
}

/**
 * Consumer side of the port transport (main thread): hands the frame to `onFrame` as a copy, then sends the
 * buffer straight back to the worklet's pool.
 */
export class PortFrameReader<T extends RingArray> {
  private readonly transfer: Transferable[] = [new ArrayBuffer(0)];

  constructor(private readonly port: PortLike, private readonly type: RingArrayType<T>) {}

  receive(message: FrameMessage, onFrame: (frame: T, level: number) => void): void {
    const view = new this.type(message.buffer, 0, message.buffer.byteLength / this.type.BYTES_PER_ELEMENT);
    // The copy is the listener's to keep; the pooled buffer must go home.
    onFrame(view.slice() as T, message.level);
    this.transfer[0] = message.buffer;
    this.port.postMessage({ type: 'return', buffer: message.buffer }, this.transfer);
  }
}
