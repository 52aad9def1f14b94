/**
 * Realtime JSON events (OpenAI Realtime / unmute style) for a session or connection, audio in base64 strings
 * (`pcm16` by default, or your own {@link RealtimeAudioCodec}).
 *
 * @module voicewire/protocols/realtime
 */
export { realtime } from './realtime.js';
export type { RealtimeProtocol, RealtimeProtocolOptions } from './realtime.js';
export { pcm16RealtimeAudio } from './realtime-audio.js';
export type { RealtimeAudioCodec } from './realtime-audio.js';
