import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol } from '../protocols/protocol.js';

/**
 * After the input ended, some servers only finish once more audio pushes the model past its delay: Kyutai's STT
 * lags the audio by 0.5–2.6 s, and its Marker comes back only after that much more audio (Kyutai's own file client
 * keeps sending silence until the Marker returns). This sends silence, one frame per frame duration, until stopped
 * or until `maxMs` of it went out, when `onExhausted` runs.
 */
interface SilenceTailOptions {
  /** Samples per frame at the wire rate. */
  frameSamples: number;
  /** Duration of one frame, ms: also the pace. */
  frameMs: number;
  /** The most silence to send, ms. */
  maxMs: number;
  send: (pcm: Float32Array) => void;
  onExhausted: (sentMs: number) => void;
}

export class SilenceTail {
  #timer: ReturnType<typeof setInterval> | undefined;
  #sentMs = 0;
  readonly #options: SilenceTailOptions;

  constructor(options: SilenceTailOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    const o = this.#options;
    const silence = new Float32Array(o.frameSamples); // sent as-is each time: encoders copy what they keep
    const tick = () => {
      if (this.#sentMs >= o.maxMs) {
        this.stop();
        o.onExhausted(this.#sentMs);
        return;
      }
      o.send(silence);
      this.#sentMs += o.frameMs;
    };
    this.#timer = setInterval(tick, o.frameMs);
    tick();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** The tail after `protocol`'s end of input: `fail` gets SERVER_ERROR when its end does not come within `maxMs`. */
export function endInputTail(protocol: VoiceProtocol, maxMs: number, frameMs: number, send: (pcm: Float32Array) => void, fail: (error: VoicewireError) => void): SilenceTail {
  return new SilenceTail({
    frameSamples: Math.round((protocol.sampleRate * frameMs) / 1000), frameMs, maxMs, send,
    onExhausted: (sentMs) => fail(new VoicewireError({
      code: ErrorCode.SERVER_ERROR,
      message: `The ${protocol.name} server did not confirm the end of the input after ${sentMs} ms of silence: the last words may be missing.`,
      remedy: 'Raise the protocol\'s `endInputSilenceMs` if the model\'s delay is longer; check the server logs otherwise.',
      details: { protocol: protocol.name, silenceMs: sentMs },
    })),
  });
}
