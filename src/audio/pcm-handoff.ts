import type { ChunkPool } from '../dsp/chunk-pool.js';
import { RingBuffer } from '../dsp/ring.js';
import type { PortLike } from '../../worklets/frame-handoff.js';
import type { ControlMessage, PcmMessage } from '../../worklets/messages.js';
import { Control, requestFlush } from '../../worklets/pcm-handoff.js';

// The main-thread ends of the playback handoff; the audio-thread end is in worklets/pcm-handoff.ts.

/** Device-rate samples into the playback queue, from the producer's thread. */
export interface PcmWriter {
  /** Queues `length` samples from `offset`; returns how many were accepted (the rest was dropped: queue full). */
  push(samples: Float32Array, offset: number, length: number): number;
  flush(): void;
  end(): void;
}

/** Producer of the shared handoff (main thread). */
export class SharedPcmWriter implements PcmWriter {
  readonly #ring: RingBuffer<Float32Array>;
  readonly #control: Int32Array;

  constructor(ring: ArrayBufferLike, control: ArrayBufferLike) {
    this.#ring = new RingBuffer(ring, Float32Array);
    this.#control = new Int32Array(control);
  }

  push(samples: Float32Array, offset: number, length: number): number {
    return this.#ring.push(samples, offset, length);
  }

  flush(): void {
    requestFlush(this.#control, this.#ring.writePosition());
  }

  end(): void {
    Atomics.add(this.#control, Control.END_SEQ, 1);
  }
}

/** Producer of the port handoff (main thread): pooled chunks, handed back by the worklet once queued. */
export class PortPcmWriter implements PcmWriter {
  readonly #transfer: Transferable[] = [new ArrayBuffer(0)];
  readonly #port: PortLike;

  constructor(
    port: PortLike,
    readonly pool: ChunkPool<Float32Array>,
  ) {
    this.#port = port;
  }

  push(samples: Float32Array, offset: number, length: number): number {
    let sent = 0;
    while (sent < length) {
      const chunk = this.pool.take();
      if (chunk === null) break;
      const n = Math.min(chunk.length, length - sent);
      chunk.set(samples.subarray(offset + sent, offset + sent + n));
      const message: PcmMessage = { type: 'pcm', buffer: chunk.buffer as ArrayBuffer, length: n };
      this.#transfer[0] = message.buffer;
      this.#port.postMessage(message, this.#transfer);
      sent += n;
    }
    return sent;
  }

  flush(): void {
    this.#port.postMessage({ type: 'flush' } satisfies ControlMessage, []);
  }

  end(): void {
    this.#port.postMessage({ type: 'end' } satisfies ControlMessage, []);
  }

  /** A chunk came back from the worklet. */
  receive(buffer: ArrayBuffer): void {
    this.pool.give(buffer);
  }
}
