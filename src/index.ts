export { ErrorCode, VoicewireError, isVoicewireError } from './errors.js';
export type { ErrorDetails, VoicewireErrorInit } from './errors.js';
export { diagnose, assertAudioCapable } from './environment.js';
export type { EnvironmentReport, AudioNeeds } from './environment.js';
export { resolveSocketUrl, isLoopbackHost } from './url.js';
export type { ResolveSocketUrlOptions } from './url.js';
export { redactUrl, redactText } from './redact.js';

// The real-time audio pipeline (issue 5): capture frames, jitter-buffered playback, and the resampler they share.
export { CapturePipeline } from './pipeline/capture.js';
export type { CaptureOptions, CaptureFrame, CaptureStats, CaptureEvents, SampleFormat } from './pipeline/capture.js';
export { PlaybackPipeline } from './pipeline/playback.js';
export type { PlaybackOptions, PlaybackStats, PlaybackEvents } from './pipeline/playback.js';
export { chooseTransport } from './pipeline/transport.js';
export type { PipelineTransport, TransportChoice } from './pipeline/transport.js';
export { Resampler } from '../worklets/resampler.js';
export type { ResamplerOptions } from '../worklets/resampler.js';
export { RingBuffer } from '../worklets/ring.js';
export type { RingArray } from '../worklets/ring.js';
