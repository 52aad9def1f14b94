import { encodeMessage, encodePcmMessage } from './kyutai-msgpack.js';
import { KyutaiCodec } from './kyutai-codec.js';
import type { ProtocolEvent, WireMessage } from '../protocol.js';
import { protocolError } from '../protocol-error.js';
import { num, optNum } from '../values.js';

/** Wire rate and end-of-input bound of {@link kyutaiStt}. */
export interface KyutaiSttProtocolOptions {
  /**
   * Wire rate, Hz: only 24000 (the default) — Kyutai's STT models run at 24 kHz; the server rebuffers any chunk
   * length to 1920 samples (80 ms). Another value throws VoicewireError `INVALID_OPTION` when the protocol is built.
   */
  sampleRate?: number;
  /**
   * After the end of input, silence is sent until the end Marker returns, at most this long. Default 10 000 ms:
   * room for the 2.6B model's 2.56 s delay on a loaded server.
   */
  endInputSilenceMs?: number;
}

/**
 * Kyutai streaming speech-to-text, `/api/asr-streaming` (moshi-server), MessagePack in binary frames.
 * Words come as `Word` (text, start) then `EndWord` (stop); `flush()` sends a `Marker` that the server echoes once
 * everything before it was transcribed. The model lags the audio by its delay (0.48 s / 2.56 s), so a marker only
 * comes back after that much more audio (silence) has been sent.
 */
export class KyutaiSttProtocol extends KyutaiCodec {
  readonly name = 'kyutai-stt';
  /** How long silence is sent after `endInput()` while waiting for its Marker's echo, ms (see the option). */
  readonly endInputSilenceMs: number;
  /** The model transcribes as audio arrives and lags it by its delay: a gap holds back the text. */
  readonly continuousAudio = true;
  private nextMarker = 1;
  /** The id of the Marker endInput() sent; its echo means the whole input was transcribed. */
  private endMarker: number | undefined;

  constructor(options: KyutaiSttProtocolOptions = {}) {
    super('kyutai-stt', options.sampleRate);
    this.endInputSilenceMs = options.endInputSilenceMs ?? 10_000;
  }

  /** One `Audio` message (`{type, pcm: [f32…]}`) of the frame's samples at 24 kHz, as Kyutai's own clients send. */
  async encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    return [encodePcmMessage('Audio', pcm)];
  }

  /** A `Marker` with a fresh id; the `marker` event with that id says everything before it was processed. */
  flush(): WireMessage[] {
    return [encodeMessage({ type: 'Marker', id: this.nextMarker++ })];
  }

  /**
   * End of input: a Marker whose echo ends the session normally (`marker`, then `end`). The model lags the audio,
   * so the transport keeps sending silence (`endInputSilenceMs`) until it comes back, as Kyutai's file client does.
   */
  endInput(): WireMessage[] {
    const [marker] = this.flush();
    this.endMarker = this.nextMarker - 1;
    return [marker];
  }

  protected decodeKind(m: Record<string, unknown> & { type: string }): ProtocolEvent[] {
    switch (m.type) {
      case 'Word':
        if (typeof m.text !== 'string') return [protocolError('kyutai-stt', 'a Word without a string "text"')];
        return [{ type: 'text', text: m.text, source: 'transcript', final: true, ...startOf(m.start_time) }];
      case 'EndWord':
        return [{ type: 'metadata', data: { type: 'EndWord', stopS: num(m.stop_time) } }];
      case 'Step':
        return [{ type: 'metadata', data: { type: 'Step', step: num(m.step_idx), pausePrs: Array.isArray(m.prs) ? m.prs.map((p) => num(p)) : [], bufferedPcm: num(m.buffered_pcm) } }];
      case 'Marker':
        if (typeof m.id !== 'number') return [protocolError('kyutai-stt', 'a Marker without a numeric "id"')];
        return m.id === this.endMarker ? [{ type: 'marker', id: m.id }, { type: 'end' }] : [{ type: 'marker', id: m.id }];
      default:
        return [];
    }
  }
}

/**
 * Kyutai speech-to-text for a session: `createVoiceSession({ url, protocol: kyutaiStt() })`. Returns a factory.
 *
 * @throws VoicewireError `INVALID_OPTION` from the factory for a `sampleRate` other than 24000.
 */
export function kyutaiStt(options: KyutaiSttProtocolOptions = {}): () => KyutaiSttProtocol {
  return () => new KyutaiSttProtocol(options);
}

function startOf(v: unknown): { startS?: number } {
  const s = optNum(v);
  return s === undefined ? {} : { startS: s };
}
