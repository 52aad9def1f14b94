// The client kinds a load run compares: voicewire sessions and raw `ws` clients that send the same bytes on the
// same schedule (the floor: what a socket alone costs).
import WebSocket from 'ws';
import { encodePcm } from '../../src/dsp/pcm.js';
// The built package (npm run bench builds first): the session pulls in the bundled worklet sources.
import { createOpusEncoder } from '../../dist/codecs.js';
import { PlayoutClock as Playout, createVoiceSession } from '../../dist/index.js';
import { moshi } from '../../dist/protocols/moshi.js';
import { streamAudio } from '../../dist/stream.js';

export const RATE = 24000;
export const FRAME_MS = 20;
const FRAME = (RATE * FRAME_MS) / 1000;

export interface LoadClient {
  playout: Playout;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ClientKind = 'raw ws PCM' | 'voicewire PCM' | 'raw ws Moshi' | 'voicewire Moshi pre-encoded' | 'voicewire Moshi live (worker)' | 'voicewire Moshi live (in thread)';

/** A 220 Hz tone, one frame: every client sends it again and again. */
const TONE = Float32Array.from({ length: FRAME }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / RATE));

async function* endlessTone(): AsyncGenerator<Float32Array> {
  for (;;) yield TONE;
}

function voicewirePcm(origin: string): LoadClient {
  const playout = new Playout();
  const session = createVoiceSession({ url: `${ws(origin)}/ws`, audio: streamAudio({ input: endlessTone(), pace: 'realtime', onAudio: (pcm, rate) => playout.arrive((pcm.length / rate) * 1000) }) });
  return { playout, start: () => session.start(), stop: () => session.stop() };
}

/** Opus packets of the tone, encoded once for every pre-encoded client: a minute, longer than any row runs. */
let tonePackets: Uint8Array[] = [];
export async function preparePackets(seconds = 60): Promise<void> {
  const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'native' });
  tonePackets = [];
  for (let i = 0; i < (seconds * 1000) / FRAME_MS; i++) tonePackets.push(...(await encoder.encode(TONE)));
  encoder.close();
}

/** Moshi with the server's audio left encoded: the load client times it, it does not play it. */
function voicewireMoshi(origin: string, input: 'pre-encoded' | 'worker' | 'wasm'): LoadClient {
  const playout = new Playout();
  const session = createVoiceSession({
    url: `${ws(origin)}/api/chat`,
    protocol: moshi({ decodeAudio: false, encoder: input === 'pre-encoded' ? undefined : (o) => createOpusEncoder({ ...o, implementation: input }) }),
    audio: streamAudio(input === 'pre-encoded' ? { encodedInput: { packets: tonePackets } } : { input: endlessTone() }),
    onEncodedAudio: (_packets, ms) => playout.arrive(ms),
  });
  return { playout, start: () => session.start(), stop: () => session.stop() };
}

/** The Moshi baseline: after the 0x00 handshake, the very bytes a pre-encoded session sends, one page per 40 ms. */
function rawMoshi(origin: string): LoadClient {
  const playout = new Playout();
  const codec = moshi()();
  let socket: WebSocket | undefined;
  let stopped = false;
  let pages = 0;
  return {
    playout,
    start: () => new Promise<void>((done, fail) => {
      const s = new WebSocket(`${ws(origin)}/api/chat`);
      socket = s;
      s.on('error', fail);
      s.on('message', (data: Buffer) => {
        if (data[0] === 1 && pages++ > 0) return playout.arrive(2 * FRAME_MS); // the server's first page is its headers
        if (data[0] !== 0) return;
        void codec.decode(new Uint8Array([0])).then(() => {
          const messages = tonePackets.flatMap((p) => codec.encodePackets([p], 312));
          let i = 0;
          done();
          paced(() => s.send(messages[i++ % messages.length]), 2 * FRAME_MS, () => stopped);
        });
      });
    }),
    async stop() {
      stopped = true;
      socket?.close();
    },
  };
}

/** The same send loop as a session's real-time pacing: frame n leaves at start + n × frame. */
function paced(send: () => void, frameMs: number, stopped: () => boolean): void {
  const started = performance.now();
  let sent = 0;
  const next = () => {
    if (stopped()) return;
    send();
    sent++;
    setTimeout(next, Math.max(0, started + sent * frameMs - performance.now()));
  };
  next();
}

/** The baseline: the hello, then the same s16le bytes on the same schedule, with `ws` alone. */
function rawPcm(origin: string): LoadClient {
  const playout = new Playout();
  const bytes = encodePcm(TONE, 'int16');
  let socket: WebSocket | undefined;
  let stopped = false;
  return {
    playout,
    start: () => new Promise<void>((done, fail) => {
      const s = new WebSocket(`${ws(origin)}/ws`, 'voicewire.v1');
      socket = s;
      s.on('error', fail);
      s.on('open', () => s.send(JSON.stringify({ type: 'hello', protocol: 'voicewire', versions: [1], role: 'client', audio: { sampleRate: RATE, channels: 1, format: 's16le', frameMs: FRAME_MS } })));
      s.on('message', (data: Buffer, binary) => {
        if (binary) return playout.arrive((data.length / 2 / RATE) * 1000);
        if (String(data).includes('"hello"')) {
          done();
          paced(() => s.send(bytes), FRAME_MS, () => stopped);
        }
      });
    }),
    async stop() {
      stopped = true;
      socket?.close();
    },
  };
}

const ws = (origin: string) => origin.replace(/^http/, 'ws');

export const CLIENTS: Readonly<Record<ClientKind, (origin: string) => LoadClient>> = {
  'raw ws PCM': rawPcm,
  'voicewire PCM': voicewirePcm,
  'raw ws Moshi': rawMoshi,
  'voicewire Moshi pre-encoded': (origin) => voicewireMoshi(origin, 'pre-encoded'),
  'voicewire Moshi live (worker)': (origin) => voicewireMoshi(origin, 'worker'),
  'voicewire Moshi live (in thread)': (origin) => voicewireMoshi(origin, 'wasm'),
};
