import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { isNamed } from './worklet-failure.js';
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
        remedy: 'Load the processor file built by the same voicewire version (dist/worklets/*.processor.js) before creating the node; if you self-host it, check that moduleUrl points at that file and not at another script.',
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
