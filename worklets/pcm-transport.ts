import { ChunkPool } from './chunk-pool.js';
import type { ControlMessage, PcmMessage } from './messages.js';
import type { PortLike } from './frame-transport.js';
import { RingBuffer } from './ring.js';

/**
 * Control words of the playback queue (Int32, Atomics). Written by the producer (main thread, or the worklet's
 * port handler), read by the playback core once per quantum. A request is a sequence number bump; the core acts
 * when the number differs from the last one it saw, so two quick flushes may be seen as one (harmless).
 */
export const Control = {
  /** Bumped by flush(). */
  FLUSH_SEQ: 0,
  /** The ring's write position at the last flush(): the core drops up to here, not what came after. */
  FLUSH_AT: 1,
  /** Bumped by end(): play out what is queued even if it is under the target. */
  END_SEQ: 2,
  WORDS: 3,
} as const;

export function createControlStorage(shared: boolean): ArrayBufferLike {
  const bytes = Control.WORDS * Int32Array.BYTES_PER_ELEMENT;
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Device-rate samples into the playback queue, from the producer's thread. */
export interface PcmWriter {
  /** Queues `length` samples from `offset`; returns how many were accepted (the rest was dropped: queue full). */
  push(samples: Float32Array, offset: number, length: number): number;
  flush(): void;
  end(): void;
}

/** Producer of the shared transport (main thread). */
export class SharedPcmWriter implements PcmWriter {
  private readonly ring: RingBuffer<Float32Array>;
  private readonly control: Int32Array;

  constructor(ring: ArrayBufferLike, control: ArrayBufferLike) {
    this.ring = new RingBuffer(ring, Float32Array);
    this.control = new Int32Array(control);
  }

  push(samples: Float32Array, offset: number, length: number): number {
    return this.ring.push(samples, offset, length);
  }

  flush(): void {
    requestFlush(this.control, this.ring.writePosition());
  }

  end(): void {
    Atomics.add(this.control, Control.END_SEQ, 1);
  }
}

function requestFlush(control: Int32Array, at: number): void {
  Atomics.store(control, Control.FLUSH_AT, at);
  Atomics.add(control, Control.FLUSH_SEQ, 1);
}

/** Producer of the port transport (main thread): pooled chunks, handed back by the worklet once queued. */
export class PortPcmWriter implements PcmWriter {
  private readonly transfer: Transferable[] = [new ArrayBuffer(0)];

  constructor(private readonly port: PortLike, readonly pool: ChunkPool<Float32Array>) {}

  push(samples: Float32Array, offset: number, length: number): number {
    let sent = 0;
    while (sent < length) {
      const chunk = this.pool.take();
      if (chunk === null) break;
      const n = Math.min(chunk.length, length - sent);
      chunk.set(samples.subarray(offset + sent, offset + sent + n));
      const message: PcmMessage = { type: 'pcm', buffer: chunk.buffer as ArrayBuffer, length: n };
      this.transfer[0] = message.buffer;
      this.port.postMessage(message, this.transfer);
      sent += n;
    }
    return sent;
  }

  flush(): void {
    this.port.postMessage({ type: 'flush' } satisfies ControlMessage, []);
  }

  end(): void {
    this.port.postMessage({ type: 'end' } satisfies ControlMessage, []);
  }

  /** A chunk came back from the worklet. */
  receive(buffer: ArrayBuffer): void {
    this.pool.give(buffer);
  }
}

/**
 * Worklet side of the port transport, run in the port's message handler (between quanta, same thread as the
 * core): queues samples into a local ring and returns the chunk. Returns samples that did not fit.
 */
export class PortPcmReceiver {
  private readonly transfer: Transferable[] = [new ArrayBuffer(0)];

  constructor(private readonly port: PortLike, private readonly ring: RingBuffer<Float32Array>, private readonly control: Int32Array) {}

  receive(message: PcmMessage | ControlMessage): number {
    if (message.type !== 'pcm') {
      if (message.type === 'flush') requestFlush(this.control, this.ring.writePosition());
      else Atomics.add(this.control, Control.END_SEQ, 1);
      return 0;
    }
    const view = new Float32Array(message.buffer, 0, message.length);
    const accepted = this.ring.push(view, 0, message.length);
    this.transfer[0] = message.buffer;
    this.port.postMessage({ type: 'return', buffer: message.buffer }, this.transfer);
    return message.length - accepted;
  }
}
