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
  /**
   * The bytes of one audio delta to PCM; a string is the reason they could not be read (never throws). Deltas are
   * pieces of one stream: a codec may keep bytes that end mid-sample for the next delta.
   */
  decode(bytes: Uint8Array): Promise<Float32Array | string>;
  /** Ends the stream: drops bytes held between deltas and frees what the codec holds. Called by the protocol's close(). */
  close(): void;
}

/**
 * OpenAI's `pcm16`: 16-bit signed little-endian PCM, mono, at the session rate (24 kHz). The deltas are one byte
 * stream cut anywhere (a relay may split at odd offsets): an odd trailing byte is carried into the next delta, so
 * every later sample stays aligned. One codec per session (it holds that byte).
 */
export function pcm16RealtimeAudio(): RealtimeAudioCodec {
  let carry = -1; // the low byte of a sample whose high byte is in the next delta, or -1
  return {
    name: 'pcm16',
    sessionFields: { input_audio_format: 'pcm16', output_audio_format: 'pcm16' },
    async encode(pcm) {
      return [encodePcm(pcm, 'int16')];
    },
    async decode(bytes) {
      let stream = bytes;
      if (carry >= 0) {
        stream = new Uint8Array(bytes.length + 1);
        stream[0] = carry;
        stream.set(bytes, 1);
      }
      const whole = stream.length & ~1;
      carry = whole < stream.length ? stream[whole] : -1;
      return decodePcm(stream.subarray(0, whole), 'int16');
    },
    close() {
      carry = -1;
    },
  };
}
