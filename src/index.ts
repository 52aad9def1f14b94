export { ErrorCode, VoicewireError, isVoicewireError } from './errors.js';
export type { ErrorDetails, VoicewireErrorInit } from './errors.js';
export { diagnose, assertAudioCapable } from './environment.js';
export type { EnvironmentReport, AudioNeeds } from './environment.js';
export { resolveSocketUrl, isLoopbackHost } from './url.js';
export type { ResolveSocketUrlOptions } from './url.js';
export { redactUrl, redactText } from './redact.js';
export { AudioEngine } from './audio/engine.js';
export type { AudioEngineOptions, AudioEngineEvents } from './audio/engine.js';
export { createAudioContext, resumeWithin, unlockOnGesture, closeAudioContext, DEFAULT_AUTOPLAY_WAIT_MS } from './audio/context.js';
export type { AudioContextOptions, UnlockOptions } from './audio/context.js';
export { loadWorklets, joinWorkletSources } from './audio/worklet-loader.js';
export type { WorkletLoadOptions, LoadedWorklets } from './audio/worklet-loader.js';
export type { ServerReply } from './audio/worklet-failure.js';
export { createWorkletNode, PROCESSOR_NAMES } from './audio/worklet-node.js';
export { openMicrophone, microphoneConstraints, microphoneError, watchMicrophone } from './audio/microphone.js';
export type { MicrophoneOptions } from './audio/microphone.js';
export { installPlaybackPolyfill } from './audio/insecure-playback.js';

// Transport and wire protocols (issue 6).
export { Connection } from './transport/connection.js';
export type { ConnectionOptions, ConnectionStats } from './transport/connection.js';
export type { ConnectionEvents, ConnectionState, StateChange, ConnectionCloseInfo } from './transport/connection-events.js';
export { VoiceSocket, socketCanSendHeaders } from './transport/socket.js';
export type { SocketOptions, SocketEvents, SocketCloseInfo } from './transport/socket.js';
export { Outbox } from './transport/outbox.js';
export type { OutboxStats, OutboxSink } from './transport/outbox.js';
export { ExponentialBackoff } from './transport/reconnect.js';
export type { ReconnectPolicy, BackoffOptions } from './transport/reconnect.js';
export { applyAuth, isRfc7230Token } from './transport/auth.js';
export type { AuthOptions } from './transport/auth.js';
export { VoicewireProtocol, createVoicewireProtocol, VOICEWIRE_SUBPROTOCOL, VOICEWIRE_VERSIONS } from './protocols/voicewire.js';
export type { VoicewireProtocolOptions, VoicewireAudioFormat, VoicewireClientMessage } from './protocols/voicewire.js';
export { RealtimeProtocol, createRealtimeProtocol } from './protocols/realtime.js';
export type { RealtimeProtocolOptions } from './protocols/realtime.js';
export { pcm16RealtimeAudio } from './protocols/realtime-audio.js';
export type { RealtimeAudioCodec } from './protocols/realtime-audio.js';
export { KyutaiSttProtocol, createKyutaiSttProtocol } from './protocols/kyutai-stt.js';
export type { KyutaiSttProtocolOptions } from './protocols/kyutai-stt.js';
export { KyutaiTtsProtocol, createKyutaiTtsProtocol } from './protocols/kyutai-tts.js';
export type { KyutaiTtsProtocolOptions } from './protocols/kyutai-tts.js';
export type { SampleFormat } from './protocols/pcm.js';
export type { VoiceProtocol, ProtocolEvent, ProtocolName, WireMessage } from './protocols/protocol.js';

// The real-time audio pipeline (issue 5): capture frames, jitter-buffered playback, and the resampler they share.
export { CapturePipeline } from './pipeline/capture.js';
export type { CaptureOptions, CaptureFrame, CaptureStats, CaptureEvents, SampleFormat as CaptureSampleFormat } from './pipeline/capture.js';
export { PlaybackPipeline } from './pipeline/playback.js';
export type { PlaybackOptions, PlaybackStats, PlaybackEvents } from './pipeline/playback.js';
export { chooseTransport } from './pipeline/transport.js';
export type { PipelineTransport, TransportChoice } from './pipeline/transport.js';
export { Resampler } from '../worklets/resampler.js';
export type { ResamplerOptions } from '../worklets/resampler.js';
export { RingBuffer } from '../worklets/ring.js';
export type { RingArray } from '../worklets/ring.js';

// Session: the public entry point.
export { VoiceSession, createVoiceSession } from './session/voice-session.js';
export type { VoiceSessionOptions, VoiceSessionEvents, SessionState, SessionStats, SessionText } from './session/voice-session.js';
export type { ReconnectInfo } from './session/reconnect-info.js';
export type { ProtocolChoice } from './session/protocols.js';
export type { StreamAudioOptions } from './session/stream-audio.js';
export type { BrowserAudioOptions } from './session/browser-audio.js';
export { decodeWav, encodeWav } from './codecs/wav.js';
export type { WavAudio } from './codecs/wav.js';

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
