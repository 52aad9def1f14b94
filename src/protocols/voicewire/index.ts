/**
 * The voicewire PCM protocol (docs/protocol.md), the session's default.
 *
 * @module voicewire/protocols/voicewire
 */
export { voicewire, VOICEWIRE_SUBPROTOCOL } from './voicewire.js';
export type { VoicewireProtocol, VoicewireProtocolOptions, VoicewireAudioFormat, VoicewireClientMessage } from './voicewire.js';
