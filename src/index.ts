/**
 * voicewire: real-time voice over WebSocket. The root entry holds what every app needs: the session, errors,
 * the environment check, the protocol interface and the reconnect policy. The default protocol (voicewire PCM)
 * comes with the session; others are passed in from their entries (`voicewire/protocols/moshi`, …), so a bundle
 * holds only the protocols it uses. Building blocks live in `voicewire/audio`, `voicewire/transport`,
 * `voicewire/codecs` and `voicewire/dsp`.
 *
 * @module voicewire
 */
export { createVoiceSession } from './session/voice-session.js';
export type { VoiceSession, VoiceSessionOptions, VoiceSessionEvents, SessionState, SessionStats, SessionText } from './session/voice-session.js';
export type { PlayoutStats } from './session/mouth-to-ear.js';
export type { AudioState, MicrophoneChange } from './session/audio-lifecycle.js';
export type { BrowserAudioOptions } from './session/browser-audio.js';
export type { MicrophoneFallbackOptions, MicrophoneFallbackChange, MicrophoneInUse } from './session/microphone-fallback.js';
export type { AudioPathFactory } from './session/audio-path.js';
export { ErrorCode, VoicewireError, isVoicewireError } from './errors/errors.js';
export type { ErrorDetails, VoicewireErrorInit } from './errors/errors.js';
export { diagnose, assertAudioCapable } from './environment/diagnose.js';
export type { EnvironmentReport, AudioNeeds, BrowserEngine, EnvironmentScope } from './environment/diagnose.js';
export type { VoiceProtocol, ProtocolFactory, ProtocolEvent, ProtocolControl, WireMessage } from './protocols/protocol.js';
export { exponentialBackoff } from './transport/reconnect.js';
export type { ReconnectPolicy, ReconnectContext, BackoffOptions } from './transport/reconnect.js';
export { PlayoutClock } from './session/playout-clock.js';
export type { ReconnectInfo } from './session/reconnect-info.js';
export type { TurnDetection, TurnState, TurnChange } from './session/turns.js';
export type { AudioDevice, AudioDevices, DeviceChange, MicrophoneSettings } from './audio/devices.js';
export type { AudioOutput, AudioOutputOptions } from './audio/output.js';
