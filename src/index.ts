export { ErrorCode, VoicewireError, isVoicewireError } from './errors.js';
export type { ErrorDetails, VoicewireErrorInit } from './errors.js';
export { diagnose, assertAudioCapable } from './environment.js';
export type { EnvironmentReport, AudioNeeds } from './environment.js';
export { resolveSocketUrl, isLoopbackHost } from './url.js';
export type { ResolveSocketUrlOptions } from './url.js';
export { redactUrl, redactText } from './redact.js';

// Moshi /api/chat and the Ogg Opus codecs under it.
export { MoshiProtocol, createMoshiProtocol } from './protocols/moshi.js';
export type { MoshiProtocolOptions, MoshiStats } from './protocols/moshi.js';
export { MoshiKind, MoshiControl, moshiBusyError } from './protocols/moshi-messages.js';
export type { MoshiControlAction } from './protocols/moshi-messages.js';
export { oggCrc32 } from './codecs/crc32.js';
export { OggOpusWriter } from './codecs/ogg-writer.js';
export type { OggOpusWriterOptions } from './codecs/ogg-writer.js';
export { OggPageReader, MAX_OGG_PAGE } from './codecs/ogg-page-reader.js';
export type { OggPage, OggIssue } from './codecs/ogg-page-reader.js';
export { OggOpusReader } from './codecs/ogg-opus-reader.js';
export type { OggOpusChunk } from './codecs/ogg-opus-reader.js';
export { buildOpusHead, parseOpusHead, opusPacketSamples48k } from './codecs/opus-head.js';
export type { OpusHead } from './codecs/opus-head.js';
export { createOpusEncoder } from './codecs/opus-encoder.js';
export type { OpusEncoder, OpusEncoderOptions, OpusEncoderFactory } from './codecs/opus-encoder.js';
export { createOpusDecoder } from './codecs/opus-decoder.js';
export type { OpusPacketDecoder, OpusDecoderOptions, OpusDecodeIssue } from './codecs/opus-decoder.js';
