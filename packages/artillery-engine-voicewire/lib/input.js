// What a scenario streams: an Ogg Opus file is sent as it is (no encoder runs on the load generator), a WAV file as
// PCM (encoded by the session where the protocol needs Opus). Files are read once per worker and shared by its VUs.
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const cache = new Map();

/**
 * streamAudio() input options for `file` (resolved against the scenario's folder).
 * @param {string} file
 * @param {string} baseDir
 * @param {{ decodeWav(bytes: Uint8Array): { samples: Float32Array; sampleRate: number } }} voicewire
 * @returns {{ durationMs: number, options: object }}
 */
function inputOf(file, baseDir, voicewire) {
  const path = resolve(baseDir, file);
  let input = cache.get(path);
  if (!input) {
    const bytes = new Uint8Array(readFileSync(path));
    input = isOgg(bytes) ? oggInput(bytes, voicewire) : wavInput(bytes, voicewire);
    cache.set(path, input);
  }
  return { durationMs: input.durationMs, options: input.options() };
}

function isOgg(bytes) {
  return bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 && bytes[3] === 0x53; // "OggS"
}

function oggInput(bytes, voicewire) {
  const { packets } = voicewire.createOggOpusReader().push(bytes);
  let samples48k = 0;
  for (const p of packets) samples48k += voicewire.opusPacketSamples48k(p);
  return { durationMs: samples48k / 48, options: () => ({ encodedInput: bytes }) };
}

function wavInput(bytes, voicewire) {
  const wav = voicewire.decodeWav(bytes);
  return {
    durationMs: (wav.samples.length / wav.sampleRate) * 1000,
    // A fresh iterator per VU: an async iterable is consumed by the session that reads it.
    options: () => ({ input: blocks(wav.samples, wav.sampleRate / 50), inputSampleRate: wav.sampleRate }),
  };
}

async function* blocks(samples, size) {
  for (let at = 0; at < samples.length; at += size) yield samples.subarray(at, at + size);
}

module.exports = { inputOf };
