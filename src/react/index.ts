/** voicewire/react: React bindings. React (>= 18) is a peer dependency of this entry only. */
export { useVoiceSession } from './use-voice-session.js';
export type { UseVoiceSessionOptions, VoiceSessionView } from './use-voice-session.js';
