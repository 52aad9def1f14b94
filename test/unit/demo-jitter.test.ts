import { describe, expect, it } from 'vitest';
import { frameScheduler } from '../../demo/server/jitter.js';
import { parseServerArgs } from '../../demo/server/options.js';

/** Send times of 20 ms frames ready at 0, 20, 40 … ms. */
function sendTimes(schedule: (readyAt: number) => number, frames: number): number[] {
  return Array.from({ length: frames }, (_, i) => schedule(i * 20));
}

describe('the local server’s seeded frame delays (--jitter-ms, --stall-ms)', () => {
  it('uniform jitter: each frame 100 + 0–80 ms late (or held behind the frame ahead), in order, the same for the same seed', () => {
    const options = { jitterMs: 80, seed: 7, stallMs: 0, stallEveryMs: 20_000 };
    const a = sendTimes(frameScheduler(100, options), 2000);
    expect(sendTimes(frameScheduler(100, options), 2000)).toEqual(a);
    expect(sendTimes(frameScheduler(100, { ...options, seed: 8 }), 2000)).not.toEqual(a);
    const late = a.map((t, i) => t - i * 20 - 100);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...late)).toBeLessThan(80);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
    // The spread is used: a uniform 0–80 ms has a mean near 40 (ordering raises it a little).
    const mean = late.reduce((x, y) => x + y, 0) / late.length;
    expect(mean).toBeGreaterThan(35);
    expect(mean).toBeLessThan(60);
  });

  it('a stall holds the frames of 300 ms every 2 s, then sends them at once; the first period is calm', () => {
    const a = sendTimes(frameScheduler(0, { jitterMs: 0, seed: 1, stallMs: 300, stallEveryMs: 2000 }), 300);
    expect(a.slice(0, 100)).toEqual(a.slice(0, 100).map((_, i) => i * 20));
    // Frames ready in [2000, 2300) all leave at 2300; the rest on time.
    expect(a.slice(100, 115)).toEqual(new Array(15).fill(2300));
    expect(a[115]).toBe(2300);
    expect(a[116]).toBe(2320);
    expect(a.slice(200, 215)).toEqual(new Array(15).fill(4300));
  });

  it('npm start parses the options, and says what to type for a wrong one', () => {
    expect(parseServerArgs(['--jitter-ms', '80', '--jitter-seed', '3', '--stall-ms', '300', '--stall-every-ms', '5000'])).toMatchObject({ jitterMs: 80, jitterSeed: 3, stallMs: 300, stallEveryMs: 5000 });
    expect(parseServerArgs([])).toMatchObject({ jitterMs: 0, jitterSeed: 1, stallMs: 0, stallEveryMs: 20_000 });
    expect(parseServerArgs(['--jitter-ms', 'abc'])).toEqual({ error: 'voicewire: --jitter-ms abc: expected a whole number from 0 to 10000 (npm start -- --help lists the options)' });
  });
});
