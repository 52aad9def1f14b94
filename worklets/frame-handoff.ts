import type { ChunkPool } from '../src/dsp/chunk-pool.js';
import { RingBuffer, type RingArray, type RingArrayType } from '../src/dsp/ring.js';
import type { FrameMessage } from './messages.js';

/** Where the capture core puts finished frames. Audio thread; returns false when the frame had to be dropped. */
export interface FrameWriter {
  write(frame: RingArray, level: number): boolean;
}

/** The worklet end of a MessagePort, as far as the handoffs need it. */
export interface PortLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/**
 * Producer side of the shared handoff (audio thread). A frame is pushed whole or not at all; its level is
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

/**
 * Producer side of the port handoff (audio thread): copies the frame into a pooled buffer and transfers it.
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
