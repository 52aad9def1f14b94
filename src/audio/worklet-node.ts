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

/** voicewire's processors by the file that registers each (dist/worklets/NAME.processor.js). */
const OWN_PROCESSOR_FILES: Readonly<Record<string, string>> = { 'voicewire-capture': 'capture.processor.js', 'voicewire-playback': 'playback.processor.js' };

function notRegisteredRemedy(name: string): string {
  const file = OWN_PROCESSOR_FILES[name];
  if (file === undefined) return `Load the module that calls registerProcessor('${name}', …) before creating the node.`;
  // A self-hosted setup that passed one file (often only the capture one) fails here, not at addModule.
  return `'${name}' is registered by ${file}: self-hosted worklets need BOTH files of this voicewire version, ` +
    "moduleUrl: [captureUrl, playbackUrl] (dist/worklets/capture.processor.js and dist/worklets/playback.processor.js; with Vite, " +
    "import each from 'voicewire/worklets/NAME.processor.js?url'). Check that each URL serves that file and not another script.";
}
