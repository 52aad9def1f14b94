import { ErrorCode, VoicewireError } from '../errors.js';
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

/**
 * For muteMode 'nothing': throws INVALID_OPTION when the protocol's server needs continuous audio (it says so with
 * `continuousAudio`). A codec is pure (no socket, no timer), so one is made here just to ask it.
 */
export function assertGapsAllowed(choice: ProtocolChoice, settings: ProtocolSettings): void {
  const protocol = createProtocol(choice, settings);
  protocol.close();
  if (!protocol.continuousAudio) return;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `muteMode 'nothing' is not allowed with ${protocol.name}: its server needs continuous audio (it steps its model on the input).`,
    remedy: "Leave muteMode out (or 'silence'): mute() then sends silence, which such servers expect.",
    details: { option: 'muteMode', value: 'nothing', protocolName: protocol.name },
  });
}
