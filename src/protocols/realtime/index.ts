// voicewire/protocols/realtime: Realtime JSON events (OpenAI Realtime / unmute style), audio in base64.
export { realtime } from './realtime.js';
export type { RealtimeProtocol, RealtimeProtocolOptions } from './realtime.js';
export { pcm16RealtimeAudio } from './realtime-audio.js';
export type { RealtimeAudioCodec } from './realtime-audio.js';
