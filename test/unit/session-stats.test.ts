import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceSession } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { startVoiceServer, until, type VoiceServer } from '../support/voice-server.js';

const pings = (server: VoiceServer) => server.received.filter((m) => typeof m === 'string' && m.includes('"ping"')).length;

describe('VoiceSession stats tick (Node)', () => {
  let server: VoiceServer;
  beforeAll(async () => {
    server = await startVoiceServer({
      onConnection: (ws) => ws.on('message', (data, binary) => {
        const text = String(data);
        if (!binary && text.includes('"ping"')) ws.send(JSON.stringify({ type: 'pong', t: JSON.parse(text).t }));
      }),
    });
  });
  afterAll(() => server.close());

  it('pings and reports an RTT while someone listens to stats, and sends nothing extra when nobody does', async () => {
    const quiet = createVoiceSession({ url: server.url, statsIntervalMs: 20, audio: streamAudio() });
    await quiet.start();
    await new Promise((r) => setTimeout(r, 150));
    await quiet.stop();
    expect(pings(server)).toBe(0);

    const watched = createVoiceSession({ url: server.url, statsIntervalMs: 20, audio: streamAudio() });
    const rtts: number[] = [];
    watched.on('stats', (s) => rtts.push(s.rttMs));
    await watched.start();
    await until(() => rtts.some((r) => Number.isFinite(r)), 5000, 'an RTT');
    await watched.stop();
    expect(pings(server)).toBeGreaterThan(0);
  });
});
