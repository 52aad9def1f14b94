import { describeError } from '../errors/describe.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import { loadLazyPart } from '../environment/lazy-part.js';
import { createNativeOpusEncoder } from './opus-encoder-native.js';
import { createWasmOpusEncoder } from './opus-encoder-wasm.js';
import { createWebCodecsOpusEncoder } from './opus-encoder-webcodecs.js';
import { createWorkerOpusEncoder } from './opus-encoder-worker.js';

/** Opus packets out of mono PCM, 20 ms per packet. One encoder per stream: it keeps state between calls. */
export interface OpusEncoder {
  /** Which implementation runs: WebCodecs in browsers that have it, libopus-as-wasm elsewhere, or yours. */
  readonly implementation: string;
  /** Rate of the PCM `encode` takes and of the Opus stream, Hz. */
  readonly sampleRate: number;
  /** Encoder lookahead in 48 kHz samples, for OpusHead's pre-skip field. */
  readonly preSkip: number;
  /**
   * Feeds mono PCM of any length; resolves with the packets completed so far (one per full 20 ms frame; the rest
   * waits for the next call). Rejects only if the codec itself failed.
   */
  encode(pcm: Float32Array): Promise<Uint8Array[]>;
  /** Frees the codec (and its worker slot); idempotent. Samples still short of a whole frame are dropped. */
  close(): void;
}

/** What {@link createOpusEncoder} (or your own {@link OpusEncoderFactory}) is asked to build. */
export interface OpusEncoderOptions {
  /** Input and stream rate, Hz: 8000, 12000, 16000, 24000 or 48000 (the rates Opus codes, RFC 6716 §2). Default 24000 (Moshi). */
  sampleRate?: number;
  /** Target bitrate in bits per second. Default: the codec's own choice. */
  bitrate?: number;
  /**
   * `auto` (default): the first that starts of WebCodecs (browsers), `worker` (Node: libopus off the event loop),
   * `native` (@evan/opus in this thread), `wasm` (opusscript in this thread).
   */
  implementation?: 'auto' | OpusImplementation;
}

/** An Opus encoder implementation by name; see {@link OpusEncoderOptions.implementation}. */
export type OpusImplementation = 'webcodecs' | 'worker' | 'native' | 'wasm';

/** Makes an encoder for one stream, e.g. {@link createOpusEncoder} or your own; a protocol's `encoder` option takes one. */
export type OpusEncoderFactory = (options: OpusEncoderOptions) => Promise<OpusEncoder>;

const OPUS_RATES = [8000, 12000, 16000, 24000, 48000];

/**
 * Creates the best Opus encoder this runtime has (or the one `implementation` names), trying each in order of speed.
 *
 * @throws VoicewireError `INVALID_OPTION` for a rate Opus does not code; `CODEC_UNSUPPORTED` when neither WebCodecs
 *   nor an npm encoder (@evan/opus or opusscript, optional dependencies loaded on demand so browser bundles never
 *   carry them) can run — its message lists why each failed.
 */
export async function createOpusEncoder(options: OpusEncoderOptions = {}): Promise<OpusEncoder> {
  const sampleRate = options.sampleRate ?? 24000;
  if (!OPUS_RATES.includes(sampleRate)) {
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: `Opus cannot encode at ${sampleRate} Hz`,
      remedy: `Use one of ${OPUS_RATES.join(', ')} Hz and resample before encoding.`,
      details: { sampleRate },
    });
  }
  const want = options.implementation ?? 'auto';
  const causes: string[] = [];
  for (const [name, label, packageName, create] of IMPLEMENTATIONS) {
    if (want !== 'auto' && want !== name) continue;
    // Each within the lazy-part bound, its failure classified (not installed, timeout) by the shared loader.
    const encoder = await loadLazyPart({ name: label, packageName }, () => create({ ...options, sampleRate })).catch((e: unknown) => {
      causes.push(isVoicewireError(e) ? e.message : describeError(e));
      return null;
    });
    if (encoder) return encoder;
  }
  throw new VoicewireError({
    code: ErrorCode.CODEC_UNSUPPORTED,
    message: `No Opus encoder is available here (${causes.join('; ')})`,
    remedy:
      'In a browser, use one with WebCodecs AudioEncoder (Chromium, Firefox 130+, Safari 26+) on a secure origin ' +
      '(https:// or localhost). In Node, install @evan/opus or opusscript (`npm install @evan/opus`; both are optional peer dependencies). Or pass your own encoder factory.',
    details: { implementation: want, sampleRate },
  });
}

/**
 * Fastest first, with the package each needs; each rejects where it cannot run (no WebCodecs, no worker_threads,
 * the package not installed).
 */
const IMPLEMENTATIONS: ReadonlyArray<readonly [OpusImplementation, string, string, (o: OpusEncoderOptions & { sampleRate: number }) => Promise<OpusEncoder>]> = [
  ['webcodecs', 'WebCodecs AudioEncoder', 'a browser with WebCodecs', createWebCodecsOpusEncoder],
  ['worker', 'The worker-thread encoder', 'opusscript', createWorkerOpusEncoder],
  ['native', '@evan/opus', '@evan/opus', createNativeOpusEncoder],
  ['wasm', 'opusscript', 'opusscript', createWasmOpusEncoder],
];
