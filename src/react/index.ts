/**
 * React bindings: {@link useVoiceSession}. React (>= 18) is a peer dependency of this entry only.
 *
 * @module voicewire/react
 */
export { useVoiceSession } from './use-voice-session.js';
export type { UseVoiceSessionOptions, VoiceSessionView } from './use-voice-session.js';
