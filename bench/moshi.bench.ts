// Moshi over Ogg Opus at 24 kHz mono: codec speed as × realtime and bytes on the wire, against baselines measured
// in the same run (a memcpy of the same PCM, and raw s16 PCM bytes per second).
import { OggOpusReader } from '../src/codecs/ogg-opus-reader.js';
import { OggOpusWriter } from '../src/codecs/ogg-writer.js';
import { createOpusDecoder } from '../src/codecs/opus-decoder.js';
import { createOpusEncoder } from '../src/codecs/opus-encoder.js';
import { MoshiProtocol } from '../src/protocols/moshi/moshi.js';
import type { WireMessage } from '../src/protocols/protocol.js';
import { voiceLike } from '../test/support/opus-tools.js';

const RATE = 24000;
const SECONDS = 20;

async function time(fn: () => Promise<void> | void): Promise<number> {
  await fn(); // warm-up
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

export default async function bench(): Promise<void> {
  const pcm = voiceLike(SECONDS, RATE, 1);
  const frames: Float32Array[] = [];
  for (let at = 0; at < pcm.length; at += 480) frames.push(pcm.subarray(at, at + 480));
  const rows: [string, string][] = [];
  const realtime = (s: number) => `${(SECONDS / s).toFixed(0)}× realtime`;

  const sink = new Float32Array(480);
  const copy = await time(() => {
    for (let r = 0; r < 20; r++) for (const f of frames) sink.set(f);
  });
  rows.push(['baseline: memcpy of 20 ms frames', `${((SECONDS * 20) / copy).toFixed(0)}× realtime`]);

  let packets: Uint8Array[] = [];
  const encodeS = await time(async () => {
    const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    packets = [];
    for (const f of frames) packets.push(...(await encoder.encode(f)));
    encoder.close();
  });
  rows.push(['Opus encode (opusscript wasm, 20 ms frames)', realtime(encodeS)]);

  const decoder = await createOpusDecoder({ sampleRate: RATE, preSkip: 312 });
  const decodeS = await time(() => {
    for (const p of packets) decoder.decode([p]);
  });
  decoder.close();
  rows.push(['Opus decode (opus-decoder wasm, per packet)', realtime(decodeS)]);

  // Moshi client side: PCM → 0x01 messages (Opus + Ogg muxing + framing).
  let messages: WireMessage[] = [];
  const moshiEncodeS = await time(async () => {
    const moshi = new MoshiProtocol({ encoder: (o) => createOpusEncoder({ ...o, implementation: 'wasm' }) });
    await moshi.decode(new Uint8Array([0]));
    messages = [];
    for (const f of frames) messages.push(...(await moshi.encodeAudio(f)));
    moshi.close();
  });
  rows.push(['Moshi encodeAudio (Opus + Ogg + kind byte)', realtime(moshiEncodeS)]);

  // Moshi server side: the same messages → audio events (demux + decode).
  const moshiDecodeS = await time(async () => {
    const moshi = new MoshiProtocol();
    for (const m of messages) await moshi.decode(m);
    moshi.close();
  });
  rows.push(['Moshi decode (kind byte + Ogg demux + Opus decode)', realtime(moshiDecodeS)]);

  // Ogg alone, on the same packets.
  const oggS = await time(() => {
    const writer = new OggOpusWriter({ inputSampleRate: RATE, preSkip: 312 });
    const reader = new OggOpusReader();
    reader.push(writer.headers());
    for (const p of packets) {
      const page = writer.writePacket(p);
      if (page) reader.push(page);
    }
  });
  rows.push(['Ogg mux + demux only', realtime(oggS)]);

  const wireBytes = messages.reduce((n, m) => n + (m as Uint8Array).length, 0);
  const opusBytes = packets.reduce((n, p) => n + p.length, 0);
  rows.push(['baseline: raw s16 PCM on the wire', `${RATE * 2} B/s`]);
  rows.push(['Moshi 0x01 messages on the wire', `${Math.round(wireBytes / SECONDS)} B/s (${((wireBytes / SECONDS / (RATE * 2)) * 100).toFixed(1)}% of PCM; ${messages.length / SECONDS} messages/s)`]);
  rows.push(['  of which Opus payload', `${Math.round(opusBytes / SECONDS)} B/s (Ogg + kind byte overhead ${(((wireBytes - opusBytes) / opusBytes) * 100).toFixed(1)}%)`]);

  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}
