import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { loadLazyPart } from '../environment/lazy-part.js';

type Globals = typeof globalThis & { AudioWorkletNode?: unknown; isSecureContext?: boolean };

/** An insecure page (http on a LAN address): AudioContext is there, its `audioWorklet` is not. */
export function lacksSecureWorklet(): boolean {
  const scope = globalThis as Globals;
  return scope.isSecureContext === false && typeof scope.AudioContext === 'function' && !('audioWorklet' in scope.AudioContext.prototype);
}

/** Its chunk fails like a worklet module does (404, an SPA's index.html), so it gets the worklet loader's codes. */
const POLYFILL = { name: 'The ScriptProcessor playback fallback (audioworklet-polyfill)', packageName: 'audioworklet-polyfill', family: 'worklet' } as const;

/**
 * Opt-in playback on insecure pages through audioworklet-polyfill (ScriptProcessorNode on the main thread, blocks
 * of the browser's chosen ScriptProcessor size, 2048 frames in Chromium here; fixed AudioParams). Never for the
 * microphone: getUserMedia is absent on such pages too.
 *
 * Quirk Q14: the published build installs only when `typeof AudioWorkletNode !== 'function'`, but insecure pages keep the
 * native constructor (useless without `audioWorklet`), so it would do nothing: we remove it first.
 * @throws VoicewireError WORKLET_UNSUPPORTED; WORKLET_NOT_FOUND / WORKLET_NOT_JAVASCRIPT when its chunk is missing
 * or answered with HTML (within the lazy-part bound, 10 s).
 */
export async function installPlaybackPolyfill(): Promise<void> {
  if (!lacksSecureWorklet()) return;
  const native = Reflect.get(globalThis, 'AudioWorkletNode') as unknown;
  Reflect.deleteProperty(globalThis, 'AudioWorkletNode');
  try {
    await loadLazyPart(POLYFILL, () => import('audioworklet-polyfill'));
  } catch (e) {
    Reflect.set(globalThis, 'AudioWorkletNode', native);
    throw e;
  }
  if (lacksSecureWorklet()) {
    throw new VoicewireError({
      code: ErrorCode.WORKLET_UNSUPPORTED,
      message: 'The ScriptProcessor playback fallback did not install: AudioContext still has no audioWorklet.',
      remedy: 'Serve the page over HTTPS or from http://localhost, where the browser offers AudioWorklet itself.',
    });
  }
}
