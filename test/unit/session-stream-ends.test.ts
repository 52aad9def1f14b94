import { describe, expect, it } from 'vitest';
import type { VoicewireError } from '../../src/errors/errors.js';
import { kyutaiStt, kyutaiTts } from '../../src/protocols/kyutai/index.js';
import { createVoiceSession, type SessionState } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { startKyutaiStt, startKyutaiTts, type KyutaiServer } from '../support/kyutai-server.js';
import { until } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const { cleanup } = cleanupAfterEach();

async function* fileOf(seconds: number) {
  const pcm = Float32Array.from({ length: seconds * 24000 }, (_, i) => 0.2 * Math.sin(i / 10));
  for (let at = 0; at < pcm.length; at += 4800) yield pcm.slice(at, at + 4800);
}

const WORDS = [
  { text: 'the', startS: 0.2, stopS: 0.4 },
  { text: 'quick', startS: 0.6, stopS: 0.9 },
  { text: 'brown', startS: 1.1, stopS: 1.4 },
  { text: 'fox', startS: 1.7, stopS: 1.95 },
];

function record(session: ReturnType<typeof createVoiceSession>) {
  const log: string[] = [];
  const states: SessionState[] = [];
  const errors: VoicewireError[] = [];
  session.on('text', (t) => log.push(`text ${t.text}`));
  session.on('marker', (m) => log.push(`marker ${m.id}`));
  session.on('end', () => log.push('end'));
  session.on('state', (s) => states.push(s));
  session.on('error', (e) => errors.push(e));
  return { log, states, errors };
}

async function server(start: Promise<KyutaiServer>): Promise<KyutaiServer> {
  const s = await start;
  cleanup(() => s.close());
  return s;
}

describe('ends of streams through VoiceSession (issue 15 cases 3 and 4)', () => {
  it('Kyutai STT from a 2 s file: all four words and the Marker, then a normal end (silence is sent until the Marker returns)', async () => {
    // The last word starts at 1.7 s; with the 0.5 s delay it needs audio up to 2.2 s, the Marker up to 2.5 s.
    const s = await server(startKyutaiStt({ words: WORDS, delayS: 0.5 }));
    const session = createVoiceSession({ url: s.url, protocol: kyutaiStt(), audio: streamAudio({ input: fileOf(2), pace: 'asap' }) });
    const { log, states, errors } = record(session);
    await session.start();
    await until(() => session.state === 'closed', 15_000, 'the session to end');
    expect(log).toEqual(['text the', 'text quick', 'text brown', 'text fox', 'marker 1', 'end']);
    expect(states.slice(-3)).toEqual(['connected', 'stopping', 'closed']);
    expect(errors).toEqual([]);
    const audio = s.received.filter((m) => m.type === 'Audio').reduce((n, m) => n + (m.pcm as number[]).length, 0);
    const markerAt = s.received.findIndex((m) => m.type === 'Marker');
    // The file, then the Marker, then silence: between 0.5 s (the delay) and 0.5 s + a few 80 ms steps of it.
    expect(s.received.slice(0, markerAt).reduce((n, m) => n + (m.pcm as number[]).length, 0)).toBe(48000);
    expect(audio - 48000).toBeGreaterThanOrEqual(12000);
    expect(audio - 48000).toBeLessThanOrEqual(12000 + 6 * 1920);
    await until(() => s.closeCodes.length === 1);
    expect(s.closeCodes).toEqual([1000]);
  });

  it('Kyutai STT whose Marker never returns: silence stops at the bound and the session ends with SERVER_ERROR', async () => {
    const s = await server(startKyutaiStt({ words: WORDS, delayS: 60 }));
    const session = createVoiceSession({ url: s.url, protocol: kyutaiStt({ endInputSilenceMs: 400 }), audio: streamAudio({ input: fileOf(1), pace: 'asap' }) });
    const { log, errors } = record(session);
    await session.start();
    await until(() => session.state === 'closed', 10_000, 'the session to end');
    expect(log).toEqual([]);
    expect(errors.map((e) => [e.code, e.details.silenceMs])).toEqual([['SERVER_ERROR', 400]]);
    const silence = s.received.filter((m) => m.type === 'Audio').reduce((n, m) => n + (m.pcm as number[]).length, 0) - 24000;
    expect(silence).toBe(5 * 1920); // 400 ms in 80 ms steps
  });

  it('Kyutai TTS: text in, audio and timed text out, Eos at endInput, and the 1005 close after the last audio is a normal end', async () => {
    const s = await server(startKyutaiTts());
    const played: number[] = [];
    const session = createVoiceSession({ url: `${s.url}?format=PcmMessagePack`, protocol: kyutaiTts(), audio: streamAudio({ onAudio: (pcm) => played.push(pcm.length) }) });
    const { log, states, errors } = record(session);
    await session.start();
    expect(session.sendText('Hello there')).toBe(true);
    expect(session.sendText('general Kenobi')).toBe(true);
    expect(session.endInput()).toBe(true);
    await until(() => session.state === 'closed', 10_000, 'the session to end');
    expect(log).toEqual(['text Hello', 'text there', 'text general', 'text Kenobi', 'end']);
    expect(played).toEqual([1920, 1920, 1920, 1920]);
    expect(errors).toEqual([]);
    expect(states.slice(-2)).toEqual(['stopping', 'closed']);
    expect(s.received.map((m) => m.type)).toEqual(['Text', 'Text', 'Eos']);
  });

  it('protocols without a capability refuse it with false: no text for STT, no control for Kyutai', async () => {
    const s = await server(startKyutaiStt({ words: [] }));
    const session = createVoiceSession({ url: s.url, protocol: kyutaiStt(), audio: streamAudio() });
    cleanup(() => session.stop());
    await session.start();
    expect(session.sendText('hi')).toBe(false);
    expect(session.sendControl({ action: 'tone' })).toBe(false);
    expect(session.endInput()).toBe(true);
    expect(session.endInput()).toBe(false);
  });
});
