import type { RawData, WebSocket } from 'ws';
import { OggOpusReader } from '../../src/codecs/ogg-opus-reader.js';
import { OggOpusWriter } from '../../src/codecs/ogg-writer.js';
import { createOpusDecoder, type OpusPacketDecoder } from '../../src/codecs/opus-decoder.js';
import type { EndpointHandler } from './server.js';
import { toBytes } from './pcm-endpoint.js';
import { EnergyVad } from './vad.js';

export interface MoshiEndpointOptions {
  /** One session at a time, like Moshi's Python server: later sockets wait, with no handshake, for the slot. */
  singleSession: boolean;
  log: (line: string) => void;
  /**
   * Longest the server stays silent, ms, before it sends a 0x06 ping. Default 2000: Kyutai's web client closes a
   * socket after 10 s without a message, and a real Moshi server is never silent (its model emits audio every 80 ms).
   */
  keepAliveMs?: number;
}

/** The kinds a real Moshi server sends (0x00–0x07, rust/protocol.md); the official web client rejects others. */
export const MOSHI_SERVER_KINDS = { handshake: 0x00, audio: 0x01, text: 0x02, error: 0x05, ping: 0x06 } as const;
const KIND = MOSHI_SERVER_KINDS;

/**
 * `/api/chat`: the Moshi protocol without a model. Audio comes back as the caller's own Opus packets in a fresh Ogg
 * stream of the server's (no transcoding, so the echo is bit-exact), and voice activity becomes text pieces.
 */
export function moshiEndpoint(options: MoshiEndpointOptions): EndpointHandler {
  const waiting: Array<() => void> = [];
  let busy = false;
  const release = () => {
    busy = false;
    const next = waiting.shift();
    next?.();
  };

  return (socket) => {
    const begin = () => {
      busy = true;
      runSession(socket, options).finally(release);
    };
    if (!options.singleSession || !busy) return begin();
    options.log(`/api/chat: a session is running; ${waiting.length + 1} waiting for the slot`);
    const wake = () => (socket.readyState === socket.OPEN ? begin() : release());
    waiting.push(wake);
    socket.once('close', () => {
      const i = waiting.indexOf(wake);
      if (i >= 0) waiting.splice(i, 1);
    });
  };
}

async function runSession(socket: WebSocket, options: MoshiEndpointOptions): Promise<void> {
  let lastSent = Date.now();
  const frame = (kind: number, payload: Uint8Array = new Uint8Array(0)) => {
    if (socket.readyState !== socket.OPEN) return;
    lastSent = Date.now();
    const out = new Uint8Array(1 + payload.length);
    out[0] = kind;
    out.set(payload, 1);
    socket.send(out);
  };
  const text = (s: string) => frame(KIND.text, new TextEncoder().encode(s));
  const reader = new OggOpusReader();
  const vad = new EnergyVad({ sampleRate: 24000 });
  let writer: OggOpusWriter | undefined;
  // Loading the decoder takes a while (wasm); packets that arrive meanwhile wait for it, in order, instead of
  // being left out of the voice-activity detection (a fast client's whole upload could arrive first).
  const decoder: Promise<OpusPacketDecoder | undefined> = createOpusDecoder({ sampleRate: 24000 }).catch((e: Error) => {
    frame(KIND.error, new TextEncoder().encode(`the local server cannot decode Opus: ${e.message}`));
    return undefined;
  });
  let vadChain: Promise<void> = Promise.resolve();
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  // Listening before the handshake goes out: the client's first message (its BOS page) follows it at once.
  socket.on('message', (data: RawData) => {
    const bytes = toBytes(data);
    if (bytes.length === 0 || bytes[0] !== KIND.audio) return; // Moshi servers ignore kinds they do not expect
    const chunk = reader.push(bytes.subarray(1));
    for (const issue of chunk.issues) options.log(`/api/chat: bad Ogg from the client at byte ${issue.offset}: ${issue.reason}`);
    if (chunk.head) {
      writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: chunk.head.preSkip, packetsPerPage: 2 });
      frame(KIND.audio, writer.headers());
    }
    if (!writer) return;
    for (const packet of chunk.packets) {
      const page = writer.writePacket(packet);
      if (page) frame(KIND.audio, page);
    }
    if (chunk.packets.length === 0) return;
    vadChain = vadChain.then(async () => {
      const d = await decoder;
      if (!d || socket.readyState !== socket.OPEN) return;
      const event = vad.push(d.decode(chunk.packets).pcm);
      if (event?.state === 'started') text(' [speech]');
      if (event?.state === 'stopped') text(` [${(event.durationMs / 1000).toFixed(1)} s]`);
    });
  });
  // No 0x04 metadata, as Moshi's Python server: the Rust backend's metadata has a fixed shape (sampling settings,
  // model file, a build_info object) that Kyutai's web client validates, and an echo server has none of it to tell.
  frame(KIND.handshake);
  const keepAliveMs = options.keepAliveMs ?? 2000;
  const keepAlive = setInterval(() => {
    if (Date.now() - lastSent >= keepAliveMs) frame(KIND.ping);
  }, Math.max(10, keepAliveMs / 4));
  await done;
  clearInterval(keepAlive);
  await vadChain;
  (await decoder)?.close();
}
