import { describe, expect, it } from 'vitest';
import { autoplayVerdictWhileCapturing } from '../../src/audio/context.js';

/** A stand-in AudioContext: resume() starts it after `startMs` (never when null) and fires statechange. */
function fakeContext(startMs: number | null) {
  const ctx = Object.assign(new EventTarget(), { state: 'suspended' as AudioContextState, resumes: 0 });
  return Object.assign(ctx, {
    resume() {
      ctx.resumes++;
      if (startMs !== null) {
        setTimeout(() => {
          ctx.state = 'running';
          ctx.dispatchEvent(new Event('statechange'));
        }, startMs);
      }
      return new Promise<void>(() => undefined);
    },
  });
}

describe('autoplayVerdictWhileCapturing (Quirk Q9: a capturing WebKit page may start Web Audio without a gesture)', () => {
  it('a context that starts within the wait counted from the open microphone is running, not blocked', async () => {
    const ctx = fakeContext(30);
    expect(await autoplayVerdictWhileCapturing(ctx as unknown as AudioContext, 500, null)).toBe('running');
    expect(ctx.resumes).toBe(1);
  });

  it('a context that stays suspended for the whole wait is blocked', async () => {
    const ctx = fakeContext(null);
    expect(await autoplayVerdictWhileCapturing(ctx as unknown as AudioContext, 40, null)).toBe('blocked');
  });

  it("the browser's own answer (getAutoplayPolicy 'disallowed') stands: no second guess", async () => {
    const ctx = fakeContext(0);
    expect(await autoplayVerdictWhileCapturing(ctx as unknown as AudioContext, 500, 'disallowed')).toBe('blocked');
    expect(ctx.resumes).toBe(0);
  });
});
