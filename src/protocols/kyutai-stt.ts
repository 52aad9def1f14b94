import { Decoder } from '@msgpack/msgpack';
import { decodeMessage, encodeMessage, encodePcmMessage, kyutaiError } from './kyutai-msgpack.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from './protocol.js';
import { protocolError } from './protocol-error.js';
import { num, optNum } from './values.js';

export interface KyutaiSttProtocolOptions {
  /** Kyutai's STT models run at 24 kHz; the server rebuffers any chunk length to 1920 samples. */
  sampleRate?: number;
}

/**
 * Kyutai streaming speech-to-text, `/api/asr-streaming` (moshi-server), MessagePack in binary frames.
 * Words come as `Word` (text, start) then `EndWord` (stop); `flush()` sends a `Marker` that the server echoes once
 * everything before it was transcribed. The model lags the audio by its delay (0.48 s / 2.56 s), so a marker only
 * comes back after that much more audio (silence) has been sent.
 */
export class KyutaiSttProtocol implements VoiceProtocol {
  readonly name = 'kyutai-stt';
  readonly subprotocols: readonly string[] = [];
  /** Timestamps and the model's state belong to one stream. */
  readonly reconnectable = false;
  readonly sampleRate: number;
  private readonly decoder = new Decoder();
  private nextMarker = 1;
  private isReady = false;

  constructor(options: KyutaiSttProtocolOptions = {}) {
    this.sampleRate = options.sampleRate ?? 24000;
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** The server speaks first (`Ready`). */
  open(): WireMessage[] {
    return [];
  }

  async encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    return [encodePcmMessage('Audio', pcm)];
  }

  /** A `Marker` with a fresh id; the `marker` event with that id says everything before it was processed. */
  flush(): WireMessage[] {
    return [encodeMessage({ type: 'Marker', id: this.nextMarker++ })];
  }

  close(): void {}

  async decode(message: WireMessage): Promise<ProtocolEvent[]> {
    const decoded = decodeMessage('kyutai-stt', this.decoder, message);
    if (!decoded.ok) return [decoded.event];
    const m = decoded.message;
    switch (m.type) {
      case 'Ready':
        if (this.isReady) return [];
        this.isReady = true;
        return [{ type: 'ready', info: { protocol: 'kyutai-stt' } }];
      case 'Word':
        if (typeof m.text !== 'string') return [protocolError('kyutai-stt', 'a Word without a string "text"')];
        return [{ type: 'text', text: m.text, source: 'transcript', final: true, ...startOf(m.start_time) }];
      case 'EndWord':
        return [{ type: 'metadata', data: { type: 'EndWord', stopS: num(m.stop_time) } }];
      case 'Step':
        return [{ type: 'metadata', data: { type: 'Step', step: num(m.step_idx), pausePrs: Array.isArray(m.prs) ? m.prs.map((p) => num(p)) : [], bufferedPcm: num(m.buffered_pcm) } }];
      case 'Marker':
        return typeof m.id === 'number' ? [{ type: 'marker', id: m.id }] : [protocolError('kyutai-stt', 'a Marker without a numeric "id"')];
      case 'Error':
        return [kyutaiError('kyutai-stt', m)];
      default:
        return [];
    }
  }
}

export function createKyutaiSttProtocol(options: KyutaiSttProtocolOptions = {}): KyutaiSttProtocol {
  return new KyutaiSttProtocol(options);
}

function startOf(v: unknown): { startS?: number } {
  const s = optNum(v);
  return s === undefined ? {} : { startS: s };
}
