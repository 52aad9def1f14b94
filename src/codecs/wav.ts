import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { encodePcm, int16ToFloat } from '../dsp/pcm.js';

/** Decoded WAV audio: mono samples and their rate. */
export interface WavAudio {
  /** Samples per second of the file, Hz (not resampled). */
  sampleRate: number;
  /** Mono samples in [-1, 1]; multi-channel files are averaged to mono (voice is mono on every wire we speak). */
  samples: Float32Array;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Reads a RIFF/WAVE file: 8/16/24/32-bit integer PCM or 32-bit float (WAVE_FORMAT_EXTENSIBLE included), any rate,
 * any channel count; a data chunk longer than the bytes given is read as far as it goes.
 *
 * @throws VoicewireError `CODEC_UNSUPPORTED` when the bytes are not RIFF/WAVE, have no `fmt ` chunk before `data`,
 *   or use another sample format.
 */
export function decodeWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw unreadable('it does not start with a RIFF/WAVE header');
  let format: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ' && size >= 16) {
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true);
      format = { code, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (format === undefined) throw unreadable('its data chunk comes before its fmt chunk');
      const length = Math.min(size, bytes.length - body);
      return { sampleRate: format.sampleRate, samples: toMono(view, body, length, format) };
    }
    at = body + size + (size & 1);
  }
  throw unreadable('it has no data chunk');
}

function toMono(view: DataView, start: number, length: number, f: { code: number; channels: number; bits: number }): Float32Array {
  const bytesPerSample = f.bits / 8;
  const read = sampleReader(view, f.code, f.bits);
  if (read === undefined || f.channels < 1) {
    throw new VoicewireError({
      code: ErrorCode.CODEC_UNSUPPORTED,
      message: `WAV format ${f.code} with ${f.bits}-bit samples and ${f.channels} channel(s) is not supported.`,
      remedy: 'Convert it to 16-bit PCM, e.g. `sox in.wav -b 16 out.wav` or `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
    });
  }
  const frames = Math.floor(length / (bytesPerSample * f.channels));
  const out = new Float32Array(frames);
  for (let i = 0, at = start; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < f.channels; c++, at += bytesPerSample) sum += read(at);
    out[i] = sum / f.channels;
  }
  return out;
}

function sampleReader(view: DataView, code: number, bits: number): ((at: number) => number) | undefined {
  if (code === FLOAT && bits === 32) return (at) => view.getFloat32(at, true);
  if (code !== PCM) return undefined;
  switch (bits) {
    case 8: return (at) => (view.getUint8(at) - 128) / 128;
    case 16: return (at) => int16ToFloat(view.getInt16(at, true));
    case 24: return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    case 32: return (at) => view.getInt32(at, true) / 2147483648;
    default: return undefined;
  }
}

/**
 * Writes mono 16-bit PCM WAV (44-byte header) from samples in [-1, 1] at `sampleRate` Hz: what Chromium's fake
 * microphone reads (24-bit EXTENSIBLE plays as silence there).
 */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  out.set(encodePcm(samples, 'int16'), 44);
  return out;
}

function unreadable(why: string): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.CODEC_UNSUPPORTED,
    message: `This is not a WAV file voicewire can read: ${why}.`,
    remedy: 'Pass a RIFF/WAVE file (PCM or float), e.g. made with `sox in.mp3 -b 16 out.wav`.',
  });
}
