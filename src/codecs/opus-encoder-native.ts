import { FrameChunker, OPUS_FRAME_MS } from '../dsp/frame-chunker.js';
import { floatToInt16 } from '../dsp/pcm.js';
import type { OpusEncoder, OpusEncoderOptions } from './opus-encoder.js';

/** The libopus API of `@evan/opus` that voicewire uses (its own typings declare the module globally). */
interface EvanEncoder {
  bitrate: number | 'auto' | 'max';
  encode(pcm: Int16Array): Uint8Array;
}
interface EvanOpus {
  Encoder: new (options: { channels: 1; sample_rate: number; application: 'audio' }) => EvanEncoder;
}

/**
 * libopus lookahead for the AUDIO application: Fs/400 + Fs/250 (2.5 ms + 4 ms), i.e. 312 samples at 48 kHz whatever
 * the input rate (RFC 7845 §4.2 pre-skip). Both npm encoders use this application.
 */
export const LIBOPUS_PRE_SKIP = 312;

/** False inside a Node worker thread; true on Node's main thread and wherever node:worker_threads does not exist. */
async function onMainThread(): Promise<boolean> {
  const specifier = 'node:worker_threads';
  try {
    return ((await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as typeof import('node:worker_threads')).isMainThread;
  } catch {
    return true;
  }
}

/**
 * `@evan/opus`: libopus as a prebuilt native addon (linux/darwin/win32 x64, arm64) with its own wasm build as the
 * fallback — measured here 1.8× opusscript on encode. An optional dependency, imported by a name in a variable so no
 * bundler pulls it into a browser build; a missing package rejects (the caller reports CODEC_UNSUPPORTED).
 */
export async function createNativeOpusEncoder(options: OpusEncoderOptions & { sampleRate: number }): Promise<OpusEncoder> {
  if (!(await onMainThread())) {
    // Quirk: its native addon, used in a worker thread that is then terminated (Artillery ends its workers so),
    // crashed Node 20 with SIGSEGV here. Off the main thread the caller falls back to opusscript (wasm).
    throw new Error('the native addon is used on the main thread only');
  }
  const specifier = '@evan/opus';
  const mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as EvanOpus & { default?: EvanOpus };
  const { Encoder } = mod.default ?? mod;
  const sampleRate = options.sampleRate;
  let codec: EvanEncoder | null = new Encoder({ channels: 1, sample_rate: sampleRate, application: 'audio' });
  if (options.bitrate) codec.bitrate = options.bitrate;
  const chunker = new FrameChunker((sampleRate * OPUS_FRAME_MS) / 1000);
  const s16 = new Int16Array(chunker.frameSize);
  return {
    implementation: '@evan/opus',
    sampleRate,
    preSkip: LIBOPUS_PRE_SKIP,
    async encode(pcm) {
      if (codec === null) throw new Error('the Opus encoder is closed');
      const packets: Uint8Array[] = [];
      for (const frame of chunker.push(pcm)) {
        for (let i = 0; i < frame.length; i++) s16[i] = floatToInt16(frame[i]);
        packets.push(codec.encode(s16)); // a fresh array per packet (checked: no shared output buffer)
      }
      return packets;
    },
    close() {
      codec = null; // the addon frees the encoder when it is collected
    },
  };
}
