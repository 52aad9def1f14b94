import { ErrorCode, VoicewireError } from '../../errors/errors.js';
import { encodeMessage, floatsOf } from './kyutai-msgpack.js';
import { KyutaiCodec } from './kyutai-codec.js';
import type { ProtocolEvent, WireMessage } from '../protocol.js';
import { protocolError } from '../protocol-error.js';
import { optNum } from '../values.js';

/** Wire rate of {@link kyutaiTts}. */
export interface KyutaiTtsProtocolOptions {
  /**
   * Wire rate, Hz: only 24000 (the default) — Kyutai's TTS models speak at 24 kHz. Another value throws
   * VoicewireError `INVALID_OPTION` when the protocol is built.
   */
  sampleRate?: number;
}

/**
 * Kyutai streaming text-to-speech, `/api/tts_streaming?format=PcmMessagePack`, MessagePack in binary frames.
 * The client sends `Text` pieces (see {@link KyutaiTtsProtocol.text}) then `Eos` (`flush()`); the server answers
 * `Audio` (1920 f32 samples per 80 ms), `Text` with timings, and closes at the end of the stream. Ask for
 * `format=PcmMessagePack` in the URL: the Ogg Opus formats are not decoded here.
 */
export class KyutaiTtsProtocol extends KyutaiCodec {
  readonly name = 'kyutai-tts';
  private oggReported = false;

  constructor(options: KyutaiTtsProtocolOptions = {}) {
    super('kyutai-tts', options.sampleRate);
  }

  /** Text-to-speech takes no audio. */
  async encodeAudio(): Promise<WireMessage[]> {
    return [];
  }

  /** A piece of text to speak; send it as a control message (`connection.sendControl`). */
  text(text: string): WireMessage[] {
    return [encodeMessage({ type: 'Text', text })];
  }

  /** End of text: the server speaks what is left and closes. */
  flush(): WireMessage[] {
    return [encodeMessage({ type: 'Eos' })];
  }

  protected decodeKind(m: Record<string, unknown> & { type: string }): ProtocolEvent[] {
    switch (m.type) {
      case 'Audio': {
        const pcm = floatsOf(m.pcm);
        return pcm === null ? [protocolError('kyutai-tts', 'an Audio message whose "pcm" is not an array of numbers')] : [{ type: 'audio', pcm, sampleRate: this.sampleRate }];
      }
      case 'Text': {
        if (typeof m.text !== 'string') return [protocolError('kyutai-tts', 'a Text without a string "text"')];
        const startS = optNum(m.start_s);
        const endS = optNum(m.stop_s);
        return [{ type: 'text', text: m.text, source: 'response', final: true, ...(startS === undefined ? {} : { startS }), ...(endS === undefined ? {} : { endS }) }];
      }
      case 'OggOpus':
        return this.oggUnsupported();
      default:
        return [];
    }
  }

  private oggUnsupported(): ProtocolEvent[] {
    if (this.oggReported) return [];
    this.oggReported = true;
    const error = new VoicewireError({
      code: ErrorCode.CODEC_UNSUPPORTED,
      message: 'The TTS server sends Ogg Opus audio; this protocol decodes only PCM in MessagePack.',
      remedy: 'Add `format=PcmMessagePack` to the /api/tts_streaming URL.',
      details: { protocol: 'kyutai-tts' },
    });
    return [{ type: 'error', error, fatal: true }];
  }
}

/**
 * Kyutai text-to-speech for a session or connection: `protocol: kyutaiTts()`. Returns a factory.
 *
 * @throws VoicewireError `INVALID_OPTION` from the factory for a `sampleRate` other than 24000.
 */
export function kyutaiTts(options: KyutaiTtsProtocolOptions = {}): () => KyutaiTtsProtocol {
  return () => new KyutaiTtsProtocol(options);
}
