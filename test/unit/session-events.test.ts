import { describe, expect, it } from 'vitest';
import type { VoicewireError } from '../../src/errors/errors.js';
import type { AudioState, MicrophoneChange } from '../../src/session/audio-lifecycle.js';
import { createVoiceSession, type VoiceSession, type VoiceSessionEvents } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';

/** Every event README.md and the remedies name, with its payload: checked by `tsc --noEmit` (npm test runs it). */
function typeChecks(session: VoiceSession): void {
  session.on('state', (state) => state satisfies string);
  session.on('text', ({ text, source }) => [text, source] satisfies [string, string]);
  session.on('stats', (s) => [s.rttMs, s.bufferMs, s.underruns] satisfies number[]);
  session.on('error', (error: VoicewireError, fatal: boolean) => void [error.code, error.remedy, fatal]);
  session.on('audio', (state) => state satisfies AudioState);
  session.on('microphone', (change) => change.type satisfies MicrophoneChange['type']);
  session.on('microphoneFallback', ({ from, to, lostFrames, lostMs }) => [from.deviceId, to.label, lostFrames, lostMs] satisfies [string, string, number, number]);
  // @ts-expect-error the fallback is 'default' or 'none', not a deviceId
  createVoiceSession({ url: '/ws', microphoneFallback: 'some-device-id' });
  // @ts-expect-error 'unlocked' is the AudioEngine's event; the session says audio('running')
  session.on('unlocked', () => {});
  // @ts-expect-error an audio state is one of four names
  const s: AudioState = 'suspended';
  void s;
  // @ts-expect-error audio carries a state, not an error
  session.on('audio', (e: VoicewireError) => e);
}

describe('VoiceSession event types', () => {
  it('compiles with the documented events (see the @ts-expect-error lines), and each has a name on the session', () => {
    const session = createVoiceSession({ url: 'ws://127.0.0.1:1/', audio: streamAudio() });
    typeChecks(session);
    const names: Array<keyof VoiceSessionEvents> = ['state', 'text', 'stats', 'error', 'audio', 'microphone', 'microphoneFallback'];
    expect(names.map((name) => session.listenerCount(name))).toEqual([1, 1, 1, 1, 2, 1, 1]);
  });
});
