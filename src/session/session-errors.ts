import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import { describeError } from '../errors/describe.js';
import type { VoiceProtocol } from '../protocols/protocol.js';

// The errors VoiceSession raises itself: misuse (INVALID_OPTION), a start() cut short by stop(), and anything
// unexpected under start() wrapped so that start() only ever rejects with a VoicewireError.

/** start() while a session runs (`state` is not idle or closed). */
export function startedTwiceError(state: string): VoicewireError {
  return new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `start() while the session is ${state}.`, remedy: 'Call stop() first, or wait for the session to close.' });
}

/** switchMicrophone() outside a started browser session. */
export function notBrowserSessionError(state: string): VoicewireError {
  return new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: `switchMicrophone() needs a started browser session (the session is ${state}).`, remedy: 'Await start() with audio: "browser" first.' });
}

/** No page (Node?) and no `audio` option: nothing to send or play. */
export function noAudioPathError(): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: 'There is no page here (Node?) and no `audio` option, so the session has no audio to send or play.',
    remedy: "Pass `audio: streamAudio({ input, onAudio })`, imported from 'voicewire/stream'.",
    details: { option: 'audio' },
  });
}

/** muteMode 'nothing' needs a server that tolerates gaps: the protocol says (`continuousAudio`: Moshi, Kyutai STT). */
export function assertGapsAllowed(protocol: VoiceProtocol): void {
  if (!protocol.continuousAudio) return;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `muteMode 'nothing' is not allowed with ${protocol.name}: its server needs continuous audio (it steps its model on the input).`,
    remedy: "Leave muteMode out (or 'silence'): mute() then sends silence, which such servers expect.",
    details: { option: 'muteMode', value: 'nothing', protocolName: protocol.name },
  });
}

export function stoppedWhileStarting(cause?: unknown): VoicewireError {
  return new VoicewireError({ code: ErrorCode.CONNECTION_CLOSED, message: 'The session was stopped while it was starting.', remedy: 'Nothing to fix: start() again when you want a session.', cause });
}

export function asVoicewireError(e: unknown): VoicewireError {
  if (isVoicewireError(e)) return e;
  return new VoicewireError({ code: ErrorCode.CONNECTION_FAILED, message: `The session could not start: ${describeError(e)}`, remedy: 'See the cause; report it if it is not yours.', cause: e });
}
