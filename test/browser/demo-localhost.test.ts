import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserSession } from '../support/browser.js';
import type { DemoServer } from '../support/demo-server.js';
import { assertEchoed, disconnectAndCheck, recordPlayback, startDemoRig, toneEnergy, transcriptLines, waitForState, type DemoRig, type DemoWindow } from './demo-harness.js';

const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/demo-connected.png');

describe('demo page at http://localhost against the npm start server (real Chromium, fake microphone)', () => {
  let rig: DemoRig;
  let server: DemoServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    rig = await startDemoRig({ serverArgs: ['--echo-delay-ms', '100'] });
    ({ server, browser } = rig);
  });
  afterAll(() => rig?.close());

  it('shows every environment check passing', async () => {
    const checks = await browser.page.$$eval('#diagnosis li', (items) => items.map((li) => ({ check: (li as HTMLElement).dataset.check, kind: li.className, text: li.textContent })));
    expect(checks.map((c) => c.check)).toEqual(['secureContext', 'audioContext', 'audioWorklet', 'mediaDevices', 'webCodecsOpus', 'crossOriginIsolated']);
    expect(checks.filter((c) => c.kind !== 'ok')).toEqual([]);
    expect(checks.every((c) => c.text?.startsWith('✓'))).toBe(true);
  });

  it('voicewire /ws: Connect echoes the microphone through playback, shows speech text and stream numbers; Disconnect closes everything', async () => {
    const { page } = browser;
    await page.click('#connect');
    await waitForState(browser, 'connected');
    expect(await page.textContent('#state')).toBe('connected');
    expect(await page.textContent('#connect')).toBe('Disconnect');

    await assertEchoed(browser, 3);
    // The server's VAD heard the bursts: speech started/stopped and its transcript line, in the page's list.
    await page.waitForFunction(() => {
      const texts = (window as unknown as DemoWindow).demo.texts.map((t) => t.text);
      return texts.includes('speech started') && texts.some((t) => /^heard \d+\.\d\d s of speech$/.test(t));
    });
    const transcript = await transcriptLines(browser);
    expect(transcript).toContainEqual({ source: 'vad', text: 'speech started' });
    expect(transcript.some((l) => l.source === 'transcript' && /^heard \d+\.\d\d s of speech$/.test(l.text))).toBe(true);
    // A burst is 0.6 s long: the VAD's measured duration says so (within its onset and 20 ms frames). The first
    // burst may be cut short (the microphone runs before the server's hello), so the second one is measured.
    await page.waitForFunction(() => (window as unknown as DemoWindow).demo.texts.filter((t) => t.text.startsWith('heard ')).length >= 2);
    const heard = (await page.evaluate(() => (window as unknown as DemoWindow).demo.texts.map((t) => t.text))).flatMap((t) => /^heard (\d+\.\d+) s/.exec(t)?.[1] ?? []);
    expect(Number(heard[1])).toBeGreaterThan(0.5);
    expect(Number(heard[1])).toBeLessThan(0.7);

    // Stats: the ping's round trip and the jitter buffer are measured numbers, not dashes.
    await page.waitForFunction(() => /^\d+ ms$/.test(document.getElementById('stat-rtt')!.textContent ?? ''));
    expect(await page.textContent('#stat-buffer')).toMatch(/^\d+ ms$/);
    expect(await page.textContent('#stat-underruns')).toMatch(/^\d+$/);
    expect(await page.textContent('#stat-path')).toMatch(/^\d+(\.\d+)? ↔ 24 kHz · shared$/);
    // The meters read the microphone and the echo (silent gaps show a dash, so wait for a burst).
    await page.waitForFunction(() => /^-\d+ dB$/.test(document.getElementById('mic-db')!.textContent ?? ''));
    await page.waitForFunction(() => /^-\d+ dB$/.test(document.getElementById('playback-db')!.textContent ?? ''));

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await disconnectAndCheck(browser, server, '/ws');
  });

  it('Connect again after Disconnect starts a fresh session that echoes, and Test tone plays 440 Hz within the stream', async () => {
    const { page } = browser;
    await page.click('#connect');
    await waitForState(browser, 'connected');
    await assertEchoed(browser, 2);

    type ToneStats = { overruns: number; droppedInMs: number; playout: { delayMs: number; targetDelayMs: number } | null };
    await page.evaluate(() => {
      const w = window as unknown as DemoWindow & { toneStats: ToneStats[] };
      w.toneStats = [];
      (w.demo.session as unknown as { on(e: 'stats', f: (s: ToneStats) => void): void }).on('stats', (s) => w.toneStats.push(s));
    });
    await page.click('#tone');
    const { sampleRate, samples } = await recordPlayback(browser, 2);
    const tone = toneEnergy(samples, sampleRate, 440);
    console.log(`tone: 440 Hz energy ${tone.toExponential(2)} (a 1 s tone of amplitude 0.5 in 2 s: about 1.5e-2)`);
    expect(tone).toBeGreaterThan(5e-3);
    // The tone rides on the one output stream: the jitter buffer is not flooded (a tone sent as frames of its own
    // doubled the audio rate: the buffer grew to ~900 ms, then overflowed and dropped a second of audio). The playout
    // delay is judged against the buffer's own target, which adapts to this machine's stalls (300–500 ms on a busy
    // 2-core CI machine): a doubled rate outruns the 10 % time compression by ~0.9 s per second of tone.
    await page.waitForFunction(() => (window as unknown as { toneStats: unknown[] }).toneStats.length >= 12);
    const stats = await page.evaluate(() => (window as unknown as { toneStats: ToneStats[] }).toneStats);
    expect(stats.every((s) => s.playout !== null)).toBe(true);
    expect(stats.filter((s) => s.overruns > 0 || s.droppedInMs > 0 || s.playout!.delayMs > s.playout!.targetDelayMs + 150)).toEqual([]);
    await disconnectAndCheck(browser, server, '/ws');
  });

  it('Moshi /api/chat: the Opus echo comes back through playback, text pieces appear; Disconnect closes everything', async () => {
    const { page } = browser;
    await page.selectOption('#protocol', 'moshi');
    expect(await page.inputValue('#url')).toBe('/api/chat');
    const textsBefore = await page.evaluate(() => (window as unknown as DemoWindow).demo.texts.length);
    await page.click('#connect');
    await waitForState(browser, 'connected');
    await assertEchoed(browser, 3);
    // The server's VAD over the decoded Opus: ' [speech]' when a burst starts, ' [0.6 s]' when it ends.
    await page.waitForFunction((before) => {
      const texts = (window as unknown as DemoWindow).demo.texts.slice(before).map((t) => t.text);
      return texts.some((t) => t.includes('[speech]')) && texts.some((t) => /\[\d\.\d s\]/.test(t));
    }, textsBefore);
    const transcript = await transcriptLines(browser);
    expect(transcript).toContainEqual({ source: 'response', text: ' [speech]' });
    await disconnectAndCheck(browser, server, '/api/chat');
  });
});
