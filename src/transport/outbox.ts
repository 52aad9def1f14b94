import type { WireMessage } from '../protocols/protocol.js';

/** Counters for what the outbox did with outgoing audio. */
export interface OutboxStats {
  /** Audio messages handed to the socket. */
  audioSent: number;
  /** Audio messages dropped, oldest first, because the audio budget (`audioBudgetBytes`) was full. */
  audioDropped: number;
  /** Bytes of those dropped messages. */
  audioBytesDropped: number;
  /** Audio bytes waiting in the outbox (not yet given to the socket). */
  queuedAudioBytes: number;
}

interface Item {
  message: WireMessage;
  audio: boolean;
  bytes: number;
}

export interface OutboxSink {
  send(message: WireMessage): boolean;
  readonly bufferedAmount: number;
}

/**
 * Outgoing messages in order, with audio bounded by a byte budget shared with the socket's own buffer: when the
 * network is slower than the microphone, the oldest audio not yet sent is dropped (and counted) — late audio is
 * worse than lost audio in a conversation. Control messages are never dropped. Memory: at most `budgetBytes` of
 * audio (or one frame, whichever is larger) waits here, and the socket buffer only grows past the budget by a frame.
 */
export class Outbox {
  readonly #queue: Item[] = [];
  #queuedAudio = 0;
  #audioItems = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #counters = { audioSent: 0, audioDropped: 0, audioBytesDropped: 0 };

  readonly #sink: OutboxSink;
  readonly #budgetBytes: number;
  readonly #pollMs: number;

  constructor(sink: OutboxSink, budgetBytes: number, pollMs = 10) {
    this.#sink = sink;
    this.#budgetBytes = budgetBytes;
    this.#pollMs = pollMs;
  }

  get stats(): OutboxStats {
    return { ...this.#counters, queuedAudioBytes: this.#queuedAudio };
  }

  audio(messages: readonly WireMessage[]): void {
    for (const message of messages) {
      this.#queue.push({ message, audio: true, bytes: sizeOf(message) });
      this.#queuedAudio += sizeOf(message);
      this.#audioItems++;
    }
    this.#pump();
    this.#trim();
  }

  control(messages: readonly WireMessage[]): void {
    for (const message of messages) this.#queue.push({ message, audio: false, bytes: sizeOf(message) });
    this.#pump();
  }

  /** Counts audio that will never be queued (encoded for a socket that is already gone). */
  discard(messages: readonly WireMessage[]): void {
    for (const message of messages) this.#countDropped(sizeOf(message));
  }

  /** Gives everything queued to the socket now, audio budget or not (the last messages before a close). */
  drain(): void {
    for (const item of this.#queue) if (this.#sink.send(item.message) && item.audio) this.#counters.audioSent++;
    this.#queue.length = 0;
    this.clear();
  }

  /** Forgets everything queued (the socket is gone); queued audio counts as dropped: nothing vanishes uncounted. */
  clear(): void {
    for (const item of this.#queue) if (item.audio) this.#countDropped(item.bytes);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#queuedAudio = 0;
    this.#audioItems = 0;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      const buffered = this.#sink.bufferedAmount;
      if (head.audio && buffered > 0 && buffered + head.bytes > this.#budgetBytes) break;
      if (!this.#sink.send(head.message)) break;
      this.#queue.shift();
      if (head.audio) {
        this.#queuedAudio -= head.bytes;
        this.#audioItems--;
        this.#counters.audioSent++;
      }
    }
    if (this.#queue.length > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
        this.#trim();
      }, this.#pollMs);
    }
  }

  /** Drops the oldest queued audio until what waits fits in what the budget leaves; the newest frame always stays. */
  #trim(): void {
    const room = Math.max(0, this.#budgetBytes - this.#sink.bufferedAmount);
    while (this.#queuedAudio > room && this.#audioItems > 1) {
      const i = this.#queue.findIndex((item) => item.audio);
      const [dropped] = this.#queue.splice(i, 1);
      this.#queuedAudio -= dropped.bytes;
      this.#audioItems--;
      this.#countDropped(dropped.bytes);
    }
  }

  #countDropped(bytes: number): void {
    this.#counters.audioDropped++;
    this.#counters.audioBytesDropped += bytes;
  }
}

function sizeOf(message: WireMessage): number {
  return typeof message === 'string' ? message.length : message.byteLength;
}
