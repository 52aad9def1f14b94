// voicewire/protocols/voicewire: the voicewire PCM protocol (docs/protocol.md), the session's default.
export { voicewire, VOICEWIRE_SUBPROTOCOL } from './voicewire.js';
export type { VoicewireProtocol, VoicewireProtocolOptions, VoicewireAudioFormat, VoicewireClientMessage } from './voicewire.js';
