import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../src/codecs/wav.js';
import { ErrorCode, type VoicewireError } from '../../src/errors/errors.js';
import { createVoiceSession, type SessionState, type SessionStats } from '../../src/index.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { moshi } from '../../src/protocols/moshi/index.js';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';

/** A WAV "file": 1.5 s of a voice-like burst between silences, as bytes, read back like a user would. */
function wavFile(rate: number): Uint8Array {
  const n = Math.round(rate * 1.5);
  const samples = Float32Array.from({ length: n }, (_, i) => (i > rate * 0.3 && i < rate * 1.0 ? 0.4 * Math.sin((2 * Math.PI * 220 * i) / rate) : 0));
  return encodeWav(samples, rate);
}

async function* blocksOf(samples: Float32Array, size: number) {
  for (let at = 0; at < samples.length; at += size) yield samples.slice(at, at + size);
}

describe('VoiceSession in Node (stream audio) against the local server', () => {
  let server: LocalServer;
  let wsUrl: string;
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/ws': pcmEndpoint({ echoDelayMs: 0 }),
      '/api/chat': moshiEndpoint({ singleSession: true, log: () => {} }),
    });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
  });
  afterAll(() => server.close());

  async function echo(rate: number, pace: 'asap' | 'realtime' = 'asap') {
    const wav = decodeWav(wavFile(rate));
    const out: Float32Array[] = [];
    const states: SessionState[] = [];
    const speech: string[] = [];
    const errors: VoicewireError[] = [];
    const session = createVoiceSession({ url: wsUrl, audio: streamAudio({ input: blocksOf(wav.samples, 1000), inputSampleRate: wav.sampleRate, pace, onAudio: (pcm) => out.push(pcm.slice()) }) });
    session.on('state', (s) => states.push(s));
    session.on('speech', (s) => speech.push(s.state));
    session.on('error', (e) => errors.push(e));
    const expected = Math.round((wav.samples.length * 24000) / wav.sampleRate);
    await session.start();
    await waitFor(() => out.reduce((a, b) => a + b.length, 0) >= expected && speech.length >= 2, 10_000);
    await session.stop();
    return { wav, out, states, speech, errors, expected, session };
  }

  it('sends a WAV file and gets the echo back, sample-exact, at the wire rate', async () => {
    const { wav, out, states, speech, errors, expected } = await echo(24000);
    const echoed = concat(out);
    expect(echoed.length).toBe(expected);
    // s16le on the wire: each sample within one quantisation step of what was sent.
    for (let i = 0; i < echoed.length; i++) expect(Math.abs(echoed[i] - wav.samples[i])).toBeLessThanOrEqual(1 / 32767);
    expect(states).toEqual(['starting', 'connecting', 'waiting', 'connected', 'stopping', 'closed']);
    expect(speech).toEqual(['started', 'stopped']);
    expect(errors).toEqual([]);
  });

  it('ends by itself when the input ends: the server answers `end` after its last echoed frame, the session closes with the whole echo and final stats', async () => {
    const wav = decodeWav(wavFile(24000));
    const out: Float32Array[] = [];
    const events: string[] = [];
    let last: SessionStats | undefined;
    const session = createVoiceSession({ url: wsUrl, statsIntervalMs: 60_000, audio: streamAudio({ input: blocksOf(wav.samples, 1000), pace: 'asap', onAudio: (pcm) => out.push(pcm.slice()) }) });
    session.on('end', () => events.push(`end after ${concat(out).length}`));
    session.on('state', (s) => s === 'closed' && events.push('closed'));
    // One interval is longer than the test: the only stats event is the final one, sent as the session stops.
    session.on('stats', (s) => (last = s));
    await session.start();
    await waitFor(() => session.state === 'closed', 10_000);
    expect(events).toEqual([`end after ${wav.samples.length}`, 'closed']);
    expect(last?.framesSent).toBe(wav.samples.length / 480);
    expect(last?.incoming).toEqual({ framesLost: 0, lostMs: 0, framesLate: 0, framesDuplicate: 0 });
  });

  it('resamples a 48 kHz file to the 24 kHz wire with exactly half the samples', async () => {
    const { out, expected } = await echo(48000);
    expect(expected).toBe(36000);
    expect(concat(out).length).toBe(expected);
  });

  it('starts again after stop, as a new session', async () => {
    const first = await echo(24000);
    await first.session.start().catch(() => {});
    await first.session.stop();
    expect(first.session.state).toBe('closed');
    const second = await echo(24000);
    expect(concat(second.out).length).toBe(second.expected);
  });

  it('speaks Moshi: Ogg Opus out, the echo decoded back, text pieces from the server', async () => {
    const wav = decodeWav(wavFile(24000));
    const out: Float32Array[] = [];
    const texts: string[] = [];
    const session = createVoiceSession({ url: wsUrl.replace(/\/ws$/, '/api/chat'), protocol: moshi(), audio: streamAudio({ input: blocksOf(wav.samples, 960), onAudio: (pcm) => out.push(pcm.slice()) }) });
    session.on('text', (t) => texts.push(t.text));
    await session.start();
    // Opus is lossy and delays by its lookahead: compare energy where the burst is, not samples.
    await waitFor(() => texts.length >= 2, 10_000);
    await session.stop();
    const echoed = concat(out);
    expect(echoed.length).toBeGreaterThan(wav.samples.length * 0.9);
    expect(rms(echoed.subarray(12000, 21000))).toBeGreaterThan(0.2);
    expect(rms(echoed.subarray(0, 6000))).toBeLessThan(0.01);
    expect(texts[0]).toBe(' [speech]');
    expect(texts[1]).toMatch(/^ \[0\.\d s\]$/);
  });

  it('shows Moshi\'s one-slot server as "waiting", then SERVER_BUSY when the hello timeout runs out', async () => {
    const chat = wsUrl.replace(/\/ws$/, '/api/chat');
    const first = createVoiceSession({ url: chat, protocol: moshi(), audio: streamAudio() });
    await first.start();
    const second = createVoiceSession({ url: chat, protocol: moshi(), helloTimeoutMs: 500, audio: streamAudio() });
    const states: SessionState[] = [];
    second.on('state', (s) => states.push(s));
    await expect(second.start()).rejects.toMatchObject({ code: ErrorCode.SERVER_BUSY });
    expect(states).toContain('waiting');
    expect(states).not.toContain('connected');
    await first.stop();
  });

  it('a server going away mid-session (Moshi: not resumable) stops the session: its input is released', async () => {
    const own = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/api/chat': moshiEndpoint({ singleSession: false, log: () => {} }),
    });
    let inputClosed = false;
    async function* endlessSilence() {
      try {
        for (;;) yield new Float32Array(480);
      } finally {
        inputClosed = true;
      }
    }
    const session = createVoiceSession({ url: `${own.url.replace(/^http/, 'ws')}/api/chat`, protocol: moshi(), audio: streamAudio({ input: endlessSilence(), onAudio: () => {} }) });
    const states: SessionState[] = [];
    const errors: VoicewireError[] = [];
    session.on('state', (s) => states.push(s));
    session.on('error', (e) => errors.push(e));
    await session.start();
    await own.close();
    await waitFor(() => session.state === 'closed' && inputClosed, 5000);
    expect(states.slice(-3)).toEqual(['connected', 'stopping', 'closed']);
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.CONNECTION_CLOSED]);
  });

  it('without a page and without `audio`, start() rejects with INVALID_OPTION naming streamAudio, opening nothing', async () => {
    const session = createVoiceSession({ url: 'ws://127.0.0.1:9/ws' });
    const error = await session.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_OPTION, details: { option: 'audio' } });
    expect((error as Error & { remedy: string }).remedy).toMatch(/streamAudio\(.*'voicewire\/stream'/);
    expect(session.state).toBe('closed');
  });

  it('fails start() with a typed error and closes when nothing listens', async () => {
    const session = createVoiceSession({ url: 'ws://127.0.0.1:9/ws', connectTimeoutMs: 2000, audio: streamAudio() });
    const errors: VoicewireError[] = [];
    session.on('error', (e) => errors.push(e));
    await expect(session.start()).rejects.toMatchObject({ code: ErrorCode.CONNECTION_FAILED });
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.CONNECTION_FAILED]);
    expect(session.state).toBe('closed');
  });
});

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
