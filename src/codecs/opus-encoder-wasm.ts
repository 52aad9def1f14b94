import { FrameChunker, OPUS_FRAME_MS } from '../dsp/frame-chunker.js';
import { floatToInt16 } from '../dsp/pcm.js';
import type { OpusEncoder, OpusEncoderOptions } from './opus-encoder.js';

type OpusScriptModule = typeof import('opusscript');

/**
 * libopus compiled to wasm (the `opusscript` package), for Node and any runtime without WebCodecs. The package name
 * sits in a variable and the import is marked ignored so that no bundler pulls ~1 MB of CommonJS + wasm into a
 * browser build: it is resolved at run time from node_modules, or fails (then the caller reports CODEC_UNSUPPORTED).
 */
export async function createWasmOpusEncoder(options: OpusEncoderOptions & { sampleRate: number }): Promise<OpusEncoder> {
  const specifier = 'opusscript';
  const mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as { default: OpusScriptModule };
  const OpusScript = mod.default;
  const sampleRate = options.sampleRate as 24000;
  const codec = new OpusScript(sampleRate, 1, OpusScript.Application.AUDIO);
  if (options.bitrate) codec.setBitrate(options.bitrate);
  const chunker = new FrameChunker((sampleRate * OPUS_FRAME_MS) / 1000);
  const s16 = new Int16Array(chunker.frameSize);
  const bytes = Buffer.from(s16.buffer, s16.byteOffset, s16.byteLength);
  let closed = false;

  return {
    implementation: 'opusscript',
    sampleRate,
    // libopus lookahead for the AUDIO/VOIP applications: Fs/400 + Fs/250 (2.5 ms + 4 ms delay compensation), i.e.
    // 312 samples at 48 kHz whatever the input rate. opusscript cannot read OPUS_GET_LOOKAHEAD (no out-pointer).
    preSkip: 312,
    async encode(pcm) {
      if (closed) throw new Error('the Opus encoder is closed');
      const packets: Uint8Array[] = [];
      for (const frame of chunker.push(pcm)) {
        for (let i = 0; i < frame.length; i++) s16[i] = floatToInt16(frame[i]);
        // opusscript takes the s16le bytes of the frame and the frame size in samples.
        packets.push(new Uint8Array(codec.encode(bytes, chunker.frameSize)));
      }
      return packets;
    },
    close() {
      if (closed) return;
      closed = true;
      codec.delete();
    },
  };
}
