import { createKyutaiSttProtocol } from '../protocols/kyutai-stt.js';
import { createKyutaiTtsProtocol } from '../protocols/kyutai-tts.js';
import { createMoshiProtocol } from '../protocols/moshi.js';
import type { ProtocolName, VoiceProtocol } from '../protocols/protocol.js';
import { createRealtimeProtocol } from '../protocols/realtime.js';
import { createVoicewireProtocol } from '../protocols/voicewire.js';

/** A built-in protocol by name, or a factory for your own codec (a new one per socket). */
export type ProtocolChoice = ProtocolName | (() => VoiceProtocol);

export interface ProtocolSettings {
  sampleRate: number;
  frameMs: number;
}

const BUILT_IN: Readonly<Record<ProtocolName, (s: ProtocolSettings) => VoiceProtocol>> = {
  voicewire: (s) => createVoicewireProtocol({ sampleRate: s.sampleRate, frameMs: s.frameMs }),
  moshi: () => createMoshiProtocol(),
  realtime: () => createRealtimeProtocol(),
  'kyutai-stt': () => createKyutaiSttProtocol(),
  'kyutai-tts': () => createKyutaiTtsProtocol(),
};

export function createProtocol(choice: ProtocolChoice, settings: ProtocolSettings): VoiceProtocol {
  return typeof choice === 'function' ? choice() : BUILT_IN[choice](settings);
}
