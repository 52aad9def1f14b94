import { describe, expect, it } from 'vitest';
import { claimPlayAndRecord } from '../../src/audio/audio-session.js';

/** A page scope with Safari's navigator.audioSession (or without it): only what claimPlayAndRecord reads. */
const scopeWith = (audioSession?: { type: string }) => ({ navigator: audioSession ? { audioSession } : {} }) as unknown as typeof globalThis;

describe('claimPlayAndRecord (navigator.audioSession, faked: no engine here has it)', () => {
  it("sets 'play-and-record' for the session and restores the page's own type on stop", () => {
    const session = { type: 'playback' };
    const restore = claimPlayAndRecord(scopeWith(session));
    expect(session.type).toBe('play-and-record');
    restore();
    expect(session.type).toBe('playback');
  });

  it('leaves a type the page set during the session alone', () => {
    const session = { type: 'auto' };
    const restore = claimPlayAndRecord(scopeWith(session));
    session.type = 'ambient';
    restore();
    expect(session.type).toBe('ambient');
  });

  it('does nothing without navigator.audioSession, and never throws when the browser refuses the type', () => {
    expect(() => claimPlayAndRecord(scopeWith())()).not.toThrow();
    const refusing = Object.defineProperty({}, 'type', {
      get: () => 'auto',
      set: () => {
        throw new TypeError('unsupported');
      },
    }) as { type: string };
    expect(() => claimPlayAndRecord(scopeWith(refusing))()).not.toThrow();
    expect(refusing.type).toBe('auto');
  });
});
