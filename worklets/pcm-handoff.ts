import type { RingBuffer } from '../src/dsp/ring.js';
import type { PortLike } from './frame-handoff.js';
import type { ControlMessage, PcmMessage } from './messages.js';

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

export function requestFlush(control: Int32Array, at: number): void {
  Atomics.store(control, Control.FLUSH_AT, at);
  Atomics.add(control, Control.FLUSH_SEQ, 1);
}

/**
 * Worklet side of the port handoff, run in the port's message handler (between quanta, same thread as the
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
