import { ErrorCode, VoicewireError } from '../errors/errors.js';

type Globals = typeof globalThis & { AudioWorkletNode?: unknown; isSecureContext?: boolean };

/** An insecure page (http on a LAN address): AudioContext is there, its `audioWorklet` is not. */
export function lacksSecureWorklet(): boolean {
  const scope = globalThis as Globals;
  return scope.isSecureContext === false && typeof scope.AudioContext === 'function' && !('audioWorklet' in scope.AudioContext.prototype);
}

/**
 * Opt-in playback on insecure pages through audioworklet-polyfill (ScriptProcessorNode on the main thread, blocks
 * of the browser's chosen ScriptProcessor size, 2048 frames in Chromium here; fixed AudioParams). Never for the
 * microphone: getUserMedia is absent on such pages too.
 *
 * Quirk Q14: the published build installs only when `typeof AudioWorkletNode !== 'function'`, but insecure pages keep the
 * native constructor (useless without `audioWorklet`), so it would do nothing: we remove it first.
 */
export async function installPlaybackPolyfill(): Promise<void> {
  if (!lacksSecureWorklet()) return;
  Reflect.deleteProperty(globalThis, 'AudioWorkletNode');
  await import('audioworklet-polyfill');
  if (lacksSecureWorklet()) {
    throw new VoicewireError({
      code: ErrorCode.WORKLET_UNSUPPORTED,
      message: 'The ScriptProcessor playback fallback did not install: AudioContext still has no audioWorklet.',
      remedy: 'Serve the page over HTTPS or from http://localhost, where the browser offers AudioWorklet itself.',
    });
  }
}
