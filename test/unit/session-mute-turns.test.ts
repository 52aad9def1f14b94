import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { turnDetection, type TurnChange } from '../../src/session/turns.js';
import { createVoiceSession } from '../../src/session/voice-session.js';
import { kyutaiStt } from '../../src/protocols/kyutai/index.js';
import { moshi } from '../../src/protocols/moshi/index.js';
import { realtime } from '../../src/protocols/realtime/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { sequence, speechLike } from '../support/speech-like.js';
import { startVoiceServer, until } from '../support/voice-server.js';

const RATE = 24000;

/** An endless input, 20 ms blocks of a loud tone, so any frame the server gets shows whether it was muted. */
async function* loud() {
  const block = Float32Array.from({ length: 480 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 300 * i) / RATE));
  for (;;) yield block;
}

/** Peak of one s16le voicewire audio frame as the server received it. */
function peak(frame: Buffer): number {
  let p = 0;
  for (let i = 0; i + 1 < frame.length; i += 2) p = Math.max(p, Math.abs(frame.readInt16LE(i)));
  return p / 32768;
}

describe('Input mute in a Node session against a real voicewire server', () => {
  for (const mode of ['silence', 'nothing'] as const) {
    it(`muteMode '${mode}': while muted the server gets ${mode === 'silence' ? 'all-zero frames, still 50 a second' : 'no frames'}; unmuted, the voice again`, async () => {
      const server = await startVoiceServer();
      const session = createVoiceSession({ url: server.url, audio: streamAudio({ input: loud() }), muteMode: mode });
      const mutes: boolean[] = [];
      session.on('mute', (m) => mutes.push(m));
      await session.start();
      const frames = () => server.received.filter((m): m is Buffer => typeof m !== 'string');
      await until(() => frames().length >= 10, 5000, 'unmuted frames');
      expect(frames().every((f) => peak(f) > 0.4)).toBe(true);
      session.mute();
      expect(session.muted).toBe(true);
      // Frames already on the wire may still arrive: wait a little, then count from there.
      await new Promise((r) => setTimeout(r, 100));
      const from = frames().length;
      await new Promise((r) => setTimeout(r, 400));
      const whileMuted = frames().slice(from);
      if (mode === 'silence') {
        expect(whileMuted.length).toBeGreaterThanOrEqual(10); // ~20 in 400 ms; the pace is kept
        expect(whileMuted.every((f) => peak(f) === 0)).toBe(true);
      } else {
        expect(whileMuted).toEqual([]);
      }
      session.unmute();
      const back = frames().length;
      await until(() => frames().length >= back + 5, 5000, 'frames after unmute');
      expect(frames().slice(back + 2).every((f) => peak(f) > 0.4)).toBe(true);
      expect(mutes).toEqual([true, false]);
      await session.stop();
      await server.close();
    });
  }

  it("refuses muteMode 'nothing' for protocols whose server needs continuous audio (Moshi, Kyutai STT), at construction", () => {
    for (const [name, protocol] of [['moshi', moshi()], ['kyutai-stt', kyutaiStt()]] as const) {
      expect(() => createVoiceSession({ url: 'ws://127.0.0.1:9/', protocol, muteMode: 'nothing' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION, details: { option: 'muteMode', value: 'nothing', protocolName: name } }));
    }
    for (const protocol of [voicewire(), realtime()]) expect(() => createVoiceSession({ url: 'ws://127.0.0.1:9/', protocol, muteMode: 'nothing' })).not.toThrow();
  });

  it('refuses a volume outside 0–1 with INVALID_OPTION, and keeps the volume it had', () => {
    expect(() => createVoiceSession({ url: '/ws', volume: 1.5 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION }));
    const session = createVoiceSession({ url: '/ws', volume: 0.5 });
    for (const bad of [-0.1, Number.NaN, 2]) expect(() => session.output.setVolume(bad)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTION }));
    expect(session.output.volume).toBe(0.5);
    session.output.setMuted(true);
    expect(session.output.muted).toBe(true);
    expect(session.output.volume).toBe(0.5);
  });

  it('emits user turn changes from the voice-activity detector on what is sent', async () => {
    const server = await startVoiceServer();
    const words = sequence([new Float32Array(RATE * 0.5), speechLike(RATE, 1, 3), new Float32Array(RATE * 1)]);
    async function* input() {
      for (let at = 0; at < words.length; at += 480) yield words.subarray(at, at + 480);
      for (;;) yield new Float32Array(480);
    }
    const session = createVoiceSession({ url: server.url, audio: streamAudio({ input: input() }), turns: turnDetection() });
    const turns: TurnChange[] = [];
    session.on('turn', (t) => turns.push(t));
    await session.start();
    await until(() => turns.length >= 2, 8000, 'user started and stopped');
    expect(turns.map((t) => [t.changed, t.userSpeaking])).toEqual([['user', true], ['user', false]]);
    expect(turns[1].atMs - turns[0].atMs).toBeGreaterThan(900); // a 1 s word (+ hangover), paced in real time
    await session.stop();
    await server.close();
  });

  it('detects no turns without the `turns` option (opt-in): the same speech gives no turn event, nobody speaks', async () => {
    const server = await startVoiceServer();
    const words = sequence([new Float32Array(RATE * 0.2), speechLike(RATE, 0.6, 3), new Float32Array(RATE * 0.4)]);
    let sent = 0;
    async function* input() {
      for (let at = 0; at < words.length; at += 480, sent += 480) yield words.subarray(at, at + 480);
    }
    const session = createVoiceSession({ url: server.url, audio: streamAudio({ input: input(), pace: 'asap' }) });
    const turns: TurnChange[] = [];
    session.on('turn', (t) => turns.push(t));
    await session.start();
    await until(() => sent >= words.length, 8000, 'the whole input sent');
    expect(turns).toEqual([]);
    expect(session.turn).toEqual({ userSpeaking: false, agentSpeaking: false });
    await session.stop();
    await server.close();
  });
});
