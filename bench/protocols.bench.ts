// Encode/decode speed of each wire protocol in × realtime, and bytes per second on the wire, for 24 kHz mono in
// 20 ms frames (80 ms for Kyutai TTS, which the server sends that way). Realtime factor = audio seconds / CPU seconds.
import { encode } from '@msgpack/msgpack';
import { KyutaiSttProtocol } from '../src/protocols/kyutai/kyutai-stt.js';
import { KyutaiTtsProtocol } from '../src/protocols/kyutai/kyutai-tts.js';
import type { VoiceProtocol, WireMessage } from '../src/protocols/protocol.js';
import { RealtimeProtocol } from '../src/protocols/realtime/realtime.js';
import { VoicewireProtocol } from '../src/protocols/voicewire/voicewire.js';

const RATE = 24000;
const AUDIO_S = 20;

function tone(samples: number): Float32Array {
  const pcm = new Float32Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  return pcm;
}

const size = (m: WireMessage) => (typeof m === 'string' ? new TextEncoder().encode(m).length : m.length);

async function time(fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

interface Row { protocol: string; frameMs: number; encodeX: number | null; decodeX: number; wireBytesPerS: number }

async function measure(name: string, frameMs: number, make: () => VoiceProtocol, toServerMessage: (codec: VoiceProtocol, pcm: Float32Array) => Promise<WireMessage>, encodes: boolean): Promise<Row> {
  const frame = tone((RATE * frameMs) / 1000);
  const frames = Math.round((AUDIO_S * 1000) / frameMs);
  const sender = make();
  await sender.decode(READY[name]);
  let encoded: WireMessage[] = [];
  const encodeS = encodes ? await time(async () => {
    encoded = [];
    for (let i = 0; i < frames; i++) encoded.push(...(await sender.encodeAudio(frame)));
  }) : null;
  const incoming: WireMessage[] = [];
  const receiver = make();
  await receiver.decode(READY[name]);
  for (let i = 0; i < frames; i++) incoming.push(await toServerMessage(receiver, frame));
  const decodeS = await time(async () => {
    for (const m of incoming) await receiver.decode(m);
  });
  const wire = (encodes ? encoded : incoming).reduce((n, m) => n + size(m), 0) / AUDIO_S;
  return { protocol: name, frameMs, encodeX: encodeS === null ? null : AUDIO_S / encodeS, decodeX: AUDIO_S / decodeS, wireBytesPerS: wire };
}

const READY: Record<string, WireMessage> = {
  voicewire: '{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{"sampleRate":24000,"channels":1,"format":"s16le","frameMs":20}}',
  'voicewire f32le': '{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{"sampleRate":24000,"channels":1,"format":"f32le","frameMs":20}}',
  'realtime pcm16': '{"type":"session.updated","session":{}}',
  'kyutai-stt': encode({ type: 'Ready' }),
  'kyutai-tts': encode({ type: 'Ready' }),
};

export default async function run(): Promise<void> {
  const rows = [
    // What the server sends is built like the client's frames: the same format both ways.
    await measure('voicewire', 20, () => new VoicewireProtocol(), async (c, pcm) => (await c.encodeAudio(pcm))[0], true),
    await measure('voicewire f32le', 20, () => new VoicewireProtocol({ format: 'float32' }), async (c, pcm) => (await c.encodeAudio(pcm))[0], true),
    await measure('realtime pcm16', 20, () => new RealtimeProtocol(),
      async (c, pcm) => String((await c.encodeAudio(pcm))[0]).replace('input_audio_buffer.append","audio', 'response.audio.delta","delta'), true),
    await measure('kyutai-stt', 20, () => new KyutaiSttProtocol(), async (c, pcm) => (await c.encodeAudio(pcm))[0], true),
    await measure('kyutai-tts', 80, () => new KyutaiTtsProtocol(), async (c, pcm) => (await new KyutaiSttProtocol().encodeAudio(pcm))[0], false),
  ];
  console.log(`${AUDIO_S} s of 24 kHz mono per protocol; × realtime = audio seconds per CPU second (higher is faster).`);
  console.log('| protocol | frame | encode × realtime | decode × realtime | bytes/s on the wire | × raw s16 (48000 B/s) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.protocol} | ${r.frameMs} ms | ${r.encodeX === null ? 'n/a (no audio up)' : Math.round(r.encodeX).toLocaleString('en')} | ${Math.round(r.decodeX).toLocaleString('en')} | ${Math.round(r.wireBytesPerS).toLocaleString('en')} | ${(r.wireBytesPerS / 48000).toFixed(2)} |`);
  }
}
