import { decodePcm, encodePcm } from '../../dsp/pcm.js';

/**
 * How the Realtime protocol carries audio inside its base64 strings. Pluggable because servers differ: OpenAI's
 * Realtime API speaks `pcm16` (raw 16-bit little-endian PCM at 24 kHz), unmute speaks Ogg Opus pages.
 */
export interface RealtimeAudioCodec {
  /** Name for errors and logs, e.g. 'pcm16'. */
  readonly name: string;
  /** Fields merged into `session.update`'s `session` so the server expects this encoding. */
  readonly sessionFields: Readonly<Record<string, unknown>>;
  /** One frame of mono float PCM to the bytes of one `input_audio_buffer.append` (none while buffering). */
  encode(pcm: Float32Array): Promise<Uint8Array[]>;
  /** The bytes of one audio delta to PCM; a string is the reason they could not be read (never throws). */
  decode(bytes: Uint8Array): Promise<Float32Array | string>;
  close(): void;
}

/** OpenAI's `pcm16`: 16-bit signed little-endian PCM, mono, at the session rate (24 kHz). */
export function pcm16RealtimeAudio(): RealtimeAudioCodec {
  return {
    name: 'pcm16',
    sessionFields: { input_audio_format: 'pcm16', output_audio_format: 'pcm16' },
    async encode(pcm) {
      return [encodePcm(pcm, 'int16')];
    },
    async decode(bytes) {
      return bytes.length % 2 === 0 ? decodePcm(bytes, 'int16') : `${bytes.length} bytes is not a whole number of 16-bit samples`;
    },
    close() {},
  };
}
