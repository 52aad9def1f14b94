import type { PortLike } from '../../worklets/frame-handoff.js';
import type { FrameMessage } from '../../worklets/messages.js';
import { RingBuffer, type RingArray, type RingArrayType } from '../dsp/ring.js';

// The main-thread ends of the capture handoff; the audio-thread ends are in worklets/frame-handoff.ts.

/** Consumer side of the shared handoff (main thread): pops every complete frame into fresh arrays. */
export class SharedFrameReader<T extends RingArray> {
  readonly #samples: RingBuffer<T>;
  readonly #levels: RingBuffer<Float32Array>;
  readonly #level = new Float32Array(1);
  readonly #type: RingArrayType<T>;
  readonly #frameLength: number;

  constructor(samples: ArrayBufferLike, levels: ArrayBufferLike, type: RingArrayType<T>, frameLength: number) {
    this.#type = type;
    this.#frameLength = frameLength;
    this.#samples = new RingBuffer(samples, type);
    this.#levels = new RingBuffer(levels, Float32Array);
  }

  /** Calls `onFrame` for each frame ready now; the array is the listener's to keep. Returns the count. */
  read(onFrame: (frame: T, level: number) => void): number {
    let n = 0;
    while (this.#levels.pop(this.#level, 0, 1) === 1) {
      const frame = new this.#type(new ArrayBuffer(this.#frameLength * this.#type.BYTES_PER_ELEMENT), 0, this.#frameLength);
      this.#samples.pop(frame, 0, this.#frameLength);
      onFrame(frame, this.#level[0]);
      n++;
    }
    return n;
  }
}

/**
 * Consumer side of the port handoff (main thread): hands the frame to `onFrame` as a copy, then sends the
 * buffer straight back to the worklet's pool.
 */
export class PortFrameReader<T extends RingArray> {
  readonly #transfer: Transferable[] = [new ArrayBuffer(0)];
  readonly #port: PortLike;
  readonly #type: RingArrayType<T>;

  constructor(port: PortLike, type: RingArrayType<T>) {
    this.#port = port;
    this.#type = type;
  }

  receive(message: FrameMessage, onFrame: (frame: T, level: number) => void): void {
    const view = new this.#type(message.buffer, 0, message.buffer.byteLength / this.#type.BYTES_PER_ELEMENT);
    // The copy is the listener's to keep; the pooled buffer must go home.
    onFrame(view.slice() as T, message.level);
    this.#transfer[0] = message.buffer;
    this.#port.postMessage({ type: 'return', buffer: message.buffer }, this.#transfer);
  }
}
