import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceSession } from '../../src/session/voice-session.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { soakPipeline, soakSession } from '../support/soak.js';

// Ten minutes of audio in accelerated time here; `npm run bench -- reliability` runs the full hour with a 1 MB bound.
// A leak of one small object per frame would show: 15 000 frames × ≥ 100 bytes ≥ 1.5 MB, and a retained frame
// (1920 bytes) 29 MB. The bounds below leave room for V8's own bookkeeping in a shared test process.
const MINUTES = 10;

describe('soak: ten minutes of audio in accelerated time', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 4, maxMessageBytes: 1 << 20, log: () => {} }, { '/ws': pcmEndpoint({ echoDelayMs: 0 }) });
  });
  afterAll(() => server.close());

  it('the pipeline cores (capture → jitter buffer → speaker): every sample out, none lost, heap flat', () => {
    const r = soakPipeline(MINUTES * 60);
    expect(r.samplesIn).toBe(MINUTES * 60 * 24000);
    // Device rate is twice the wire rate; what has not played yet is the jitter buffer's target and the filter delay.
    expect(2 * r.samplesIn - r.samplesOut).toBeGreaterThanOrEqual(0);
    expect(2 * r.samplesIn - r.samplesOut).toBeLessThan(48000 * 0.2);
    expect(r.dropped).toBe(0);
    expect(r.underruns).toBe(0);
    expect(r.heapGrowthBytes).toBeLessThan(1024 * 1024);
    // Ten minutes of audio through real cores: a bound on a slow machine, not a speed claim (the bench times it).
  }, 240_000);

  it('a Node session echoing through the local server: samples in = samples out exactly, nothing dropped, heap flat', async () => {
    const url = `${server.url.replace(/^http/, 'ws')}/ws`;
    const r = await soakSession((o) => createVoiceSession({ url, ...o }), MINUTES * 60);
    expect(r.samplesOut).toBe(r.samplesIn);
    expect(r.samplesIn).toBe(MINUTES * 60 * 24000);
    expect(r.dropped).toBe(0);
    expect(r.heapGrowthBytes).toBeLessThan(4 * 1024 * 1024);
  }, 120_000);
});
