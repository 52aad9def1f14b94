import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEchoed, recordPlayback, startDemoRig, toneEnergy, waitForState, type DemoRig, type DemoWindow } from './demo-harness.js';

interface Sample {
  atMs: number;
  delayMs: number;
  targetDelayMs: number;
  underrunMs: number;
  overruns: number;
  droppedInMs: number;
}

const STALL_EVERY_MS = 6000;

/**
 * The adaptive jitter buffer in real Chromium against the local server's seeded network (--jitter-ms, --stall-ms),
 * with a CPU-burning process beside the browser: the situation that failed CI with a fixed 60 ms buffer.
 */
describe('playout under jitter, stalls and a busy CPU (real Chromium, npm start server)', () => {
  let rig: DemoRig;
  let burner: ChildProcess;

  beforeAll(async () => {
    // A busy loop on one core for the whole file; killed in afterAll.
    burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    rig = await startDemoRig({ serverArgs: ['--echo-delay-ms', '100', '--jitter-ms', '40', '--jitter-seed', '11', '--stall-ms', '400', '--stall-every-ms', String(STALL_EVERY_MS)] });
  });
  afterAll(async () => {
    burner?.kill();
    await rig?.close();
  });

  it('after each stall and its burst, the playout delay comes back to the target within 5 s; the test tone plays', async () => {
    const { page } = rig.browser;
    await page.click('#connect');
    await waitForState(rig.browser, 'connected');
    await page.evaluate(() => {
      const w = window as unknown as DemoWindow & { samples: Sample[] };
      w.samples = [];
      type Stats = { overruns: number; droppedInMs: number; playout: { delayMs: number; targetDelayMs: number; underrunMs: number } | null };
      (w.demo.session as unknown as { on(e: 'stats', f: (s: Stats) => void): void }).on('stats', (s) => {
        if (s.playout) w.samples.push({ atMs: performance.now(), delayMs: s.playout.delayMs, targetDelayMs: s.playout.targetDelayMs, underrunMs: s.playout.underrunMs, overruns: s.overruns, droppedInMs: s.droppedInMs });
      });
    });
    // Three stall periods (the first period is calm; stalls at 6, 12 and 18 s from the first frame), then the echo is
    // recorded for 3 s in the middle of the calm between the third stall and the fourth (at 24 s): at 3.5 periods the
    // window ended on the fourth stall, and a recording that started late on a busy machine caught it.
    await page.waitForTimeout(3.25 * STALL_EVERY_MS);
    await assertEchoed(rig.browser, 3);
    await page.click('#tone');
    const { sampleRate, samples } = await recordPlayback(rig.browser, 2);
    const tone = toneEnergy(samples, sampleRate, 440);
    const log = await page.evaluate(() => (window as unknown as { samples: Sample[] }).samples);
    const off = log.map((s) => Math.round(s.delayMs - s.targetDelayMs));
    console.log(`tone 440 Hz energy ${tone.toExponential(2)}; overruns ${log.at(-1)!.overruns}, dropped ${Math.round(log.at(-1)!.droppedInMs)} ms; delay − target (ms) every 250 ms: ${off.join(' ')}; target ${log.map((s) => Math.round(s.targetDelayMs)).join(' ')}`);
    expect(tone).toBeGreaterThan(5e-3);
    // The stalls happened: the buffer saw them, as underrun or as a target raised to cover them. (Overflow past maxMs
    // is allowed by design and is printed, not asserted: this machine's own stalls add up to ~1 s to the server's.)
    expect(log.at(-1)!.underrunMs + log.at(-1)!.targetDelayMs).toBeGreaterThan(300);
    // Whenever the delay stood more than 40 ms from the target (5 s or more before the end), it was back within 20 ms of it within 5 s.
    for (let i = 0; i < log.length; i++) {
      if (Math.abs(off[i]) <= 40 || log.at(-1)!.atMs - log[i].atMs < 5000) continue;
      const back = log.findIndex((s, j) => j > i && Math.abs(off[j]) <= 20);
      expect(back, `off by ${off[i]} ms at ${i}`).toBeGreaterThan(i);
      if (log[back] !== undefined) expect(log[back].atMs - log[i].atMs).toBeLessThan(5000);
    }
  });
});
