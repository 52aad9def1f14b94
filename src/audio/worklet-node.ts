import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { isNamed } from '../environment/module-load.js';
import { describeError } from '../errors/describe.js';

/**
 * `new AudioWorkletNode` with its failure explained. A module that loaded but never called registerProcessor
 * passes `addModule` and only fails here, as InvalidStateError "The node name '…' is not defined in
 * AudioWorkletGlobalScope" (Chromium).
 */
export function createWorkletNode(ctx: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions): AudioWorkletNode {
  try {
    return new AudioWorkletNode(ctx, name, options);
  } catch (e) {
    if (isNamed(e, 'InvalidStateError') && /not defined|not registered|unknown/i.test(describeError(e))) {
      throw new VoicewireError({
        code: ErrorCode.WORKLET_PROCESSOR_NOT_REGISTERED,
        message: `No AudioWorklet processor named '${name}' is registered: the module loaded, but nothing in it called registerProcessor('${name}', …).`,
        remedy: notRegisteredRemedy(name),
        cause: e,
        details: { name, browserError: describeError(e) },
      });
    }
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: `The AudioWorkletNode '${name}' could not be created: ${describeError(e)}.`,
      remedy: 'Check the node options (channel counts, processorOptions) and that the audio context is not closed.',
      cause: e,
      details: { name, browserError: describeError(e) },
    });
  }
}

/** voicewire's processors, both registered by dist/worklets/voicewire.processor.js. */
const OWN_PROCESSORS: ReadonlySet<string> = new Set(['voicewire-capture', 'voicewire-playback']);

function notRegisteredRemedy(name: string): string {
  if (!OWN_PROCESSORS.has(name)) return `Load the module that calls registerProcessor('${name}', …) before creating the node.`;
  // A self-hosted moduleUrl that loaded some other script (an older version's file, the app's own) fails here.
  return `'${name}' is registered by dist/worklets/voicewire.processor.js: point moduleUrl at that one file of this voicewire version ` +
    "(with Vite, import moduleUrl from 'voicewire/worklets/voicewire.processor.js?url'), and check that the URL serves it and not another script.";
}
