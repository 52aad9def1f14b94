import type { Decoder } from '@msgpack/msgpack';
import type { VoicewireError } from '../../errors/errors.js';
import { decodeMessage, kyutaiError, loadDecoder } from './kyutai-msgpack.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocol.js';
import { fixedWireRate } from '../protocol-error.js';

/**
 * What Kyutai's STT and TTS codecs share: MessagePack maps with a `type`, the server speaks first with `Ready`,
 * `Error` ends the session, unknown types are ignored, and the stream is bound to one session (no reconnect).
 */
export abstract class KyutaiCodec implements VoiceProtocol {
  abstract readonly name: 'kyutai-stt' | 'kyutai-tts';
  readonly subprotocols: readonly string[] = [];
  readonly reconnectable = false;
  /** moshi-server ends a finished stream with an empty Close frame (seen as 1005): a normal end, not a failure. */
  readonly normalCloseCodes: readonly number[] = [1005];
  readonly sampleRate: number;
  /** Any length: the server rebuffers to its own 80 ms steps. */
  readonly frameMs = 20;
  /** Loaded on the first message; every message awaits this one promise, so they stay in arrival order. */
  #decoder: Promise<Decoder> | undefined;
  #isReady = false;

  /** @throws VoicewireError INVALID_OPTION for a rate other than 24 000 Hz: Kyutai's models run at 24 kHz only. */
  constructor(name: string, sampleRate?: number) {
    this.sampleRate = fixedWireRate(name, sampleRate, 24000);
  }

  get ready(): boolean {
    return this.#isReady;
  }

  /** The server speaks first (`Ready`). */
  open(): WireMessage[] {
    return [];
  }

  abstract encodeAudio(pcm: Float32Array): Promise<WireMessage[]>;
  abstract flush(): WireMessage[];

  close(): void {}

  async decode(message: WireMessage): Promise<ProtocolEvent[]> {
    this.#decoder ??= loadDecoder();
    let decoder: Decoder;
    try {
      decoder = await this.#decoder;
    } catch (e) {
      // Nothing can be read without it: one fatal CODEC_UNSUPPORTED naming why, not an error per message and a
      // hello timeout blaming a busy server.
      return [{ type: 'error', fatal: true, error: e as VoicewireError }];
    }
    const decoded = decodeMessage(this.name, decoder, message);
    if (!decoded.ok) return [decoded.event];
    const m = decoded.message;
    if (m.type === 'Ready') {
      if (this.#isReady) return [];
      this.#isReady = true;
      return [{ type: 'ready', info: { protocol: this.name } }];
    }
    if (m.type === 'Error') return [kyutaiError(this.name, m)];
    return this.decodeKind(m);
  }

  /** Every other message kind; unknown kinds return []. */
  protected abstract decodeKind(m: Record<string, unknown> & { type: string }): ProtocolEvent[];
}
