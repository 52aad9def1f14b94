import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Stand-ins for Kyutai's moshi-server (Kyutai's delayed-streams-modeling; rust/moshi-server), behaving as the real one does at the edges:
 * MessagePack maps with a `type`, `Ready` first, a 24 kHz model that lags the audio by its delay, Markers echoed
 * only once the audio before them was processed, pings every `pingMs`, and a TTS stream that ends with an empty
 * Close frame (1005) after its last audio.
 */
export interface KyutaiServer {
  url: string;
  /** Every decoded message from clients, in order. */
  received: Record<string, unknown>[];
  /** Close codes seen from clients. */
  closeCodes: number[];
  close(): Promise<void>;
}

export interface SttOptions {
  /** Words and when they are spoken in the input, seconds. */
  words: readonly { text: string; startS: number; stopS: number }[];
  /** The model's delay: a word or Marker at time t comes out once t + delayS of audio arrived. Default 0.5 s (1B). */
  delayS?: number;
  pingMs?: number;
}

const RATE = 24000;

async function listen(path: string, onSocket: (ws: WebSocket, server: KyutaiServer) => void): Promise<KyutaiServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path });
  const server: KyutaiServer = {
    url: '', received: [], closeCodes: [],
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('close', (code) => server.closeCodes.push(code));
    onSocket(ws, server);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${path}`;
  return server;
}

function messages(ws: WebSocket, server: KyutaiServer, handle: (m: Record<string, unknown>) => void): void {
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return handle({ type: 'Text', text: data.toString() }); // TTS takes raw text frames too
    const m = decode(data as Buffer) as Record<string, unknown>;
    server.received.push(m);
    handle(m);
  });
}

/** `/api/asr-streaming`: words and Markers come out only after `delayS` more audio was received. */
export function startKyutaiStt(options: SttOptions): Promise<KyutaiServer> {
  const delay = Math.round((options.delayS ?? 0.5) * RATE);
  return listen('/api/asr-streaming', (ws, server) => {
    let samples = 0;
    const pending: { at: number; out: Record<string, unknown>[] }[] = options.words.map((w) => ({
      at: Math.round(w.startS * RATE) + delay,
      out: [{ type: 'Word', text: w.text, start_time: w.startS }, { type: 'EndWord', stop_time: w.stopS }],
    }));
    const ping = setInterval(() => ws.ping(), options.pingMs ?? 10_000);
    ws.on('close', () => clearInterval(ping));
    ws.send(encode({ type: 'Ready' }));
    messages(ws, server, (m) => {
      if (m.type === 'Audio' && Array.isArray(m.pcm)) samples += m.pcm.length;
      if (m.type === 'Marker') pending.push({ at: samples + delay, out: [{ type: 'Marker', id: m.id }] });
      pending.sort((a, b) => a.at - b.at);
      while (pending.length > 0 && pending[0].at <= samples) for (const out of pending.shift()!.out) ws.send(encode(out));
    });
  });
}

/**
 * `/api/tts_streaming?format=PcmMessagePack`: every word of text becomes 80 ms of a tone (1920 f32) and a timed
 * `Text`; after `Eos` the rest goes out, then the empty Close frame.
 */
export function startKyutaiTts(): Promise<KyutaiServer> {
  return listen('/api/tts_streaming', (ws, server) => {
    let at = 0;
    ws.send(encode({ type: 'Ready' }));
    messages(ws, server, (m) => {
      if (m.type === 'Text' && typeof m.text === 'string') {
        for (const word of m.text.split(/\s+/).filter(Boolean)) {
          const pcm = Array.from({ length: 1920 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * (at + i)) / RATE));
          ws.send(encode({ type: 'Text', text: word, start_s: at / RATE, stop_s: (at + 1920) / RATE }));
          ws.send(encode({ type: 'Audio', pcm }, { forceFloat32: true }));
          at += 1920;
        }
      }
      if (m.type === 'Eos') setTimeout(() => ws.close(), 10); // moshi-server's end: a Close frame with no status
    });
  });
}
