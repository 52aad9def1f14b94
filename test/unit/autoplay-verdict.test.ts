import { describe, expect, it } from 'vitest';
import { autoplayVerdictWhileCapturing } from '../../src/audio/context.js';

/**
 * A stand-in AudioContext whose earlier resume() is still pending: it starts by itself after `startMs` (never when
 * null), as WebKit's does once capture is live, and counts further resume() calls.
 */
function fakeContext(startMs: number | null) {
  const ctx = Object.assign(new EventTarget(), { state: 'suspended' as AudioContextState, resumes: 0 });
  if (startMs !== null) {
    setTimeout(() => {
      ctx.state = 'running';
      ctx.dispatchEvent(new Event('statechange'));
    }, startMs);
  }
  return Object.assign(ctx, {
    resume() {
      ctx.resumes++;
      return new Promise<void>(() => undefined);
    },
  });
}

describe('autoplayVerdictWhileCapturing (Quirk Q9: a capturing WebKit page may start Web Audio without a gesture)', () => {
  it('a context that starts within the wait counted from the open microphone is running, not blocked; resume() is not asked again', async () => {
    const ctx = fakeContext(30);
    expect(await autoplayVerdictWhileCapturing(ctx as unknown as AudioContext, 500, null)).toBe('running');
    // A second resume() would count an activation the page got meanwhile (a test driver's evaluate grants one).
    expect(ctx.resumes).toBe(0);
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
