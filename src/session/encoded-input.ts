import { OggOpusReader } from '../codecs/ogg-opus-reader.js';
import { opusPacketSamples48k } from '../codecs/opus-head.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol } from '../protocols/protocol.js';
import type { AudioSink } from './audio-path.js';
import type { Pacer } from './pacer.js';

/** An Ogg Opus file's bytes, or Opus packets (mono) with the encoder's pre-skip in 48 kHz samples (default 312). */
export type EncodedInput = Uint8Array | { packets: readonly Uint8Array[]; preSkip?: number };

/** Pre-encoded Opus to send in place of PCM (see {@link StreamAudioOptions}). */
export interface EncodedInputOptions {
  /**
   * Pre-encoded audio to send instead of `input` (no encoder runs: load tests, bots with canned speech), paced by
   * `pace`, paged as the protocol pages what it encodes. Protocols that carry Opus only (Moshi); INVALID_OPTION
   * at start() otherwise, or when the bytes are not Ogg Opus.
   */
  encodedInput?: EncodedInput;
}

/** Default pre-skip of a 20 ms libopus encoder (its lookahead, RFC 7845 §4.2), for packets given without one. */
const DEFAULT_PRE_SKIP = 312;

export interface EncodedPackets {
  packets: readonly Uint8Array[];
  preSkip: number;
}

/** The packets of an encoded input; INVALID_OPTION for bytes that are not an Ogg Opus stream. */
export function readEncodedInput(input: EncodedInput): EncodedPackets {
  if (!(input instanceof Uint8Array)) return { packets: input.packets, preSkip: input.preSkip ?? DEFAULT_PRE_SKIP };
  const chunk = new OggOpusReader().push(input);
  if (chunk.head === null) {
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: `encodedInput is not an Ogg Opus file (${input.length} bytes${chunk.issues[0] ? `: ${chunk.issues[0].reason}` : ''})`,
      remedy: 'Pass the bytes of an .opus file (e.g. made with `opusenc` or `ffmpeg -c:a libopus`), or { packets } of raw Opus packets.',
      details: { bytes: input.length, issues: chunk.issues.length },
    });
  }
  return { packets: chunk.packets, preSkip: chunk.head.preSkip };
}

/** INVALID_OPTION when the session has an encoded input and its protocol cannot send Opus packets as they are. */
export function checkEncodedInput(options: EncodedInputOptions, protocol: VoiceProtocol | undefined): void {
  if (options.encodedInput === undefined || protocol?.encodePackets !== undefined) return;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `encodedInput needs a protocol that carries Opus; ${protocol?.name ?? 'this protocol'} does not`,
    remedy: "Use protocol 'moshi', or pass PCM as `input` instead.",
    details: { protocol: protocol?.name },
  });
}

/** Sends the packets one by one, each after the media time of those before it; ends the input when done. */
export async function sendEncoded(input: EncodedPackets, sink: AudioSink, pacer: Pacer, stopped: () => boolean): Promise<void> {
  for (const packet of input.packets) {
    if (stopped()) return;
    sink.packets?.([packet], input.preSkip);
    const wait = pacer.sent(opusPacketSamples48k(packet) / 48);
    if (wait) await wait;
  }
  if (!stopped()) sink.end();
}
