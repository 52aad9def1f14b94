import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createVoiceSession, type SessionStats } from '../../src/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { SERVER_HELLO, startVoiceServer, until } from '../support/voice-server.js';

const RATE = 24000;
const FRAME = 480; // 20 ms at 24 kHz

/** Frame k holds the value (k + 1) / 100 in every sample: where each frame lands is readable from the output. */
function numbered(frames: number): Float32Array {
  const out = new Float32Array(frames * FRAME);
  for (let k = 0; k < frames; k++) out.fill((k + 1) / 100, k * FRAME, (k + 1) * FRAME);
  return out;
}

async function* once(samples: Float32Array) {
  yield samples;
}

/** A session sends `frames` numbered frames; resolves with what onAudio got (joined) and the last stats. */
async function roundTrip(url: string, frames: number, protocol = voicewire()) {
  const expected = frames * FRAME;
  const parts: Float32Array[] = [];
  let stats: SessionStats | undefined;
  let ticks = 0;
  const session = createVoiceSession({
    url,
    protocol,
    statsIntervalMs: 20,
    audio: streamAudio({ input: once(numbered(frames)), pace: 'asap', onAudio: (pcm) => parts.push(pcm.slice()) }),
  });
  session.on('stats', (s) => {
    stats = s;
    ticks++;
  });
  await session.start();
  await until(() => parts.reduce((a, p) => a + p.length, 0) >= expected, 10_000, 'the echo');
  // Two ticks after the last audio, or the session's final stats (the local server ends its echo with `end`, and
  // the session stops): either way the figures include every frame that came before.
  const seen = ticks;
  await until(() => ticks >= seen + 2 || session.state === 'closed', 5000, 'stats');
  await session.stop();
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return { out, stats: stats! };
}

/** The frame number each 480-sample slot of `out` carries (0 for silence). */
function slots(out: Float32Array): number[] {
  const k: number[] = [];
  for (let at = 0; at + FRAME <= out.length; at += FRAME) k.push(Math.round(out[at + FRAME / 2] * 100));
  return k;
}

describe('voicewire versions 1 and 2 interoperate (real ws servers on port 0)', () => {
  let local: LocalServer;
  let localUrl: string;
  beforeAll(async () => {
    local = await startLocalServer(
      { host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} },
      { '/ws': pcmEndpoint({ echoDelayMs: 0 }) },
    );
    localUrl = `${local.url.replace(/^http/, 'ws')}/ws`;
  });
  afterAll(() => local.close());

  it('v2 client ↔ v2 local server: the echo comes back in sequence-numbered frames, nothing lost', async () => {
    const { out, stats } = await roundTrip(localUrl, 20);
    expect(slots(out)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(stats.incoming).toEqual({ framesLost: 0, lostMs: 0, framesLate: 0, framesDuplicate: 0 });
  });

  it('v1 client ↔ v2 local server: the server picks version 1 and echoes plain PCM, byte for byte', async () => {
    const { out } = await roundTrip(localUrl, 10, voicewire({ versions: [1] }));
    expect(slots(out)).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
    // A raw version 1 peer (no SDK): its frames come back unchanged, with no header.
    const ws = new WebSocket(localUrl, 'voicewire.v1');
    const got: (string | Buffer)[] = [];
    ws.on('message', (data, binary) => got.push(binary ? (data as Buffer) : data.toString()));
    await new Promise((r) => ws.once('open', r));
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: 'voicewire',
        versions: [1],
        role: 'client',
        audio: { sampleRate: RATE, channels: 1, format: 's16le', frameMs: 20 },
      }),
    );
    await until(() => got.length >= 1, 5000, 'the server hello');
    expect(JSON.parse(got[0] as string)).toMatchObject({ type: 'hello', version: 1 });
    ws.send(Buffer.from([1, 2, 3, 4]));
    await until(() => got.length >= 2, 5000, 'the echo');
    expect([...(got[1] as Buffer)]).toEqual([1, 2, 3, 4]);
    // The same peer offering version 2 gets its header echoed.
    const ws2 = new WebSocket(localUrl, 'voicewire.v1');
    const got2: (string | Buffer)[] = [];
    ws2.on('message', (data, binary) => got2.push(binary ? (data as Buffer) : data.toString()));
    await new Promise((r) => ws2.once('open', r));
    ws2.send(
      JSON.stringify({
        type: 'hello',
        protocol: 'voicewire',
        versions: [1, 2],
        role: 'client',
        audio: { sampleRate: RATE, channels: 1, format: 's16le', frameMs: 20 },
      }),
    );
    await until(() => got2.length >= 1, 5000, 'the server hello');
    expect(JSON.parse(got2[0] as string)).toMatchObject({ type: 'hello', version: 2 });
    ws2.send(Buffer.from([9, 0, 0, 0, 3, 4]));
    await until(() => got2.length >= 2, 5000, 'the echo');
    expect([...(got2[1] as Buffer)]).toEqual([9, 0, 0, 0, 3, 4]);
    ws.close();
    ws2.close();
  });

  it('v2 client ↔ v1 server: the client sends and reads plain PCM frames', async () => {
    const server = await startVoiceServer({ echo: true });
    try {
      const { out, stats } = await roundTrip(server.url, 10);
      expect(slots(out)).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
      expect(stats.incoming.framesLost).toBe(0);
      const binary = server.received.filter((m): m is Buffer => typeof m !== 'string');
      expect(binary.every((m) => m.length === FRAME * 2)).toBe(true);
      expect(JSON.parse(server.received[0] as string)).toMatchObject({ versions: [1, 2] });
    } finally {
      await server.close();
    }
  });

  it('a v2 server that loses, repeats and reorders frames: gaps are silence in place, late and duplicate frames are dropped and counted', async () => {
    // Sends frames back by sequence number: 4 and 5 never, 8 twice, 12 after 13.
    const order = [0, 1, 2, 3, 6, 7, 8, 8, 9, 10, 11, 13, 12, 14, 15];
    const server = await startVoiceServer({
      hello: { ...SERVER_HELLO, version: 2 },
      onConnection: (ws) => {
        const frames = new Map<number, Buffer>();
        ws.on('message', (data, binary) => {
          if (!binary) return;
          const b = data as Buffer;
          frames.set(b.readUInt32LE(0), b);
          if (frames.size === 16) for (const k of order) ws.send(frames.get(k)!);
        });
      },
    });
    try {
      const { out, stats } = await roundTrip(server.url, 16);
      // 4 and 5 are silence in their own place; 12 came after 13 had played its place, so 12's place is silence.
      expect(slots(out)).toEqual([1, 2, 3, 4, 0, 0, 7, 8, 9, 10, 11, 12, 0, 14, 15, 16]);
      expect(stats.incoming).toEqual({ framesLost: 3, lostMs: 60, framesLate: 1, framesDuplicate: 1 });
    } finally {
      await server.close();
    }
  });
});
