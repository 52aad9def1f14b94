import { parseOpusHead } from './opus-head.js';
import { FrameChunker, OPUS_FRAME_MS } from '../dsp/frame-chunker.js';
import type { OpusEncoder, OpusEncoderOptions } from './opus-encoder.js';

type WebCodecsScope = typeof globalThis & { AudioEncoder?: typeof AudioEncoder; AudioData?: typeof AudioData };

/** libopus' lookahead at any rate, in 48 kHz samples; used when the browser gives no OpusHead description. */
const DEFAULT_PRE_SKIP = 312;

/**
 * WebCodecs `AudioEncoder` for Opus (browsers; absent on insecure origins). Frames are fed 20 ms at a time, and
 * `encode()` resolves once the browser has returned a packet for every whole frame fed so far, so packets come out
 * in the call that completed their frame, as with the wasm encoder.
 */
export async function createWebCodecsOpusEncoder(
  options: OpusEncoderOptions & { sampleRate: number },
  scope: WebCodecsScope = globalThis,
): Promise<OpusEncoder> {
  const Encoder = scope.AudioEncoder;
  const Data = scope.AudioData;
  if (typeof Encoder !== 'function' || typeof Data !== 'function') throw new Error('AudioEncoder is not available');
  const sampleRate = options.sampleRate;
  const config: AudioEncoderConfig = {
    codec: 'opus',
    sampleRate,
    numberOfChannels: 1,
    ...(options.bitrate ? { bitrate: options.bitrate } : {}),
    opus: { frameDuration: OPUS_FRAME_MS * 1000, format: 'opus' },
  };
  const support = await Encoder.isConfigSupported(config);
  if (!support.supported) throw new Error(`AudioEncoder cannot encode Opus at ${sampleRate} Hz mono`);

  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  let produced = 0;
  let preSkip = DEFAULT_PRE_SKIP;
  let wake: (() => void) | null = null;
  const encoder = new Encoder({
    output(chunk, metadata) {
      const description = metadata?.decoderConfig?.description;
      const head = description ? parseOpusHead(toBytes(description)) : null;
      if (head) preSkip = preSkip48k(head.preSkip, sampleRate);
      const packet = new Uint8Array(chunk.byteLength);
      chunk.copyTo(packet);
      out.push(packet);
      produced++;
      wake?.();
    },
    error(e) {
      failure = e;
      wake?.();
    },
  });
  encoder.configure(config);

  const chunker = new FrameChunker((sampleRate * OPUS_FRAME_MS) / 1000);
  let submitted = 0;
  let timestampUs = 0;
  const frameUs = OPUS_FRAME_MS * 1000;

  return {
    implementation: 'webcodecs',
    sampleRate,
    get preSkip() {
      return preSkip;
    },
    async encode(pcm) {
      for (const frame of chunker.push(pcm)) {
        const data = new Data({ format: 'f32', sampleRate, numberOfFrames: frame.length, numberOfChannels: 1, timestamp: timestampUs, data: frame });
        encoder.encode(data);
        data.close();
        timestampUs += frameUs;
        submitted++;
      }
      while (produced < submitted && failure === null && encoder.state === 'configured') {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      if (failure) throw failure;
      return out.splice(0, out.length);
    },
    close() {
      if (encoder.state !== 'closed') encoder.close();
      wake?.();
    },
  };
}

/**
 * Quirk Q10 (Chromium): the OpusHead it hands out counts pre-skip at the INPUT rate (156 = libopus' 6.5 ms lookahead at 24 kHz)
 * where RFC 7845 §5.1 says 48 kHz (312); decoders then start 3.25 ms late. A value that is exactly libopus'
 * lookahead (6.5 ms, or 2.5 ms for low-delay) at the input rate is scaled; a correct 48 kHz value passes unchanged.
 */
export function preSkip48k(reported: number, sampleRate: number): number {
  if (sampleRate === 48000) return reported;
  const atInputRate = [0.0065, 0.0025].some((s) => reported === Math.round(sampleRate * s));
  return atInputRate ? Math.round((reported * 48000) / sampleRate) : reported;
}

function toBytes(source: AllowSharedBufferSource): Uint8Array {
  return source instanceof ArrayBuffer || source instanceof SharedArrayBuffer
    ? new Uint8Array(source)
    : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}
