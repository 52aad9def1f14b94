/**
 * WAV, Ogg (RFC 3533) and Opus (RFC 6716, RFC 7845) pieces: readers that report bad bytes instead of throwing,
 * writers, and Opus encoders/decoders loaded on first use.
 *
 * @module voicewire/codecs
 */
export { decodeWav, encodeWav } from './wav.js';
export type { WavAudio } from './wav.js';
export { createOggOpusWriter } from './ogg-writer.js';
export type { OggOpusWriter, OggOpusWriterOptions } from './ogg-writer.js';
export { createOggPageReader } from './ogg-page-reader.js';
export type { OggPageReader, OggPage, OggIssue } from './ogg-page-reader.js';
export { createOggOpusReader } from './ogg-opus-reader.js';
export type { OggOpusReader, OggOpusChunk } from './ogg-opus-reader.js';
export type { OggGap } from './ogg-gaps.js';
export { buildOpusHead, parseOpusHead, opusPacketSamples48k } from './opus-head.js';
export type { OpusHead } from './opus-head.js';
export { createOpusEncoder } from './opus-encoder.js';
export type { OpusEncoder, OpusEncoderOptions, OpusEncoderFactory, OpusImplementation } from './opus-encoder.js';
export { createOpusDecoder } from './opus-decoder.js';
export type { OpusPacketDecoder, OpusDecoderOptions, OpusDecodeIssue } from './opus-decoder.js';
