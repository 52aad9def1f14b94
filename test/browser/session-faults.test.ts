import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemo, openedResources, startDemoRig, type DemoRig } from './demo-harness.js';

/**
 * Misuse and lifecycle faults on a real session in real Chromium: the SDK from /sdk/voicewire.js (dist/), the local
 * server's /ws echo. After each, everything the page opened must be closed again — AudioContexts, microphone tracks,
 * WebSockets (counted by the rig's constructor wrappers), intervals (counted by the wrapper below) — with no
 * unhandled rejection and no page error.
 */
interface Page {
  vw: { createVoiceSession(o: Record<string, unknown>): Session };
  liveIntervals: Set<number>;
}
interface Session {
  state: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: string, fn: (...a: unknown[]) => void): void;
}

describe('session faults in Chromium', () => {
  let rig: DemoRig;
  beforeAll(async () => {
    rig = await startDemoRig({ open: false });
    await rig.browser.page.addInitScript(() => {
      // Live intervals: a stopped session must leave none running (a leaked stats timer keeps pinging forever).
      const live = new Set<number>();
      (window as unknown as { liveIntervals: Set<number> }).liveIntervals = live;
      const set = window.setInterval.bind(window);
      const clear = window.clearInterval.bind(window);
      window.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
        const id = set(fn, ms, ...args);
        live.add(id);
        return id;
      }) as typeof window.setInterval;
      window.clearInterval = ((id?: number) => {
        if (id !== undefined) live.delete(id);
        clear(id);
      }) as typeof window.clearInterval;
    });
    await openDemo(rig.browser, `${rig.server.url}/`);
    // A string: vitest would rewrite an import() written in a function passed to evaluate.
    await rig.browser.page.evaluate("import('/sdk/voicewire.js').then((m) => { window.vw = m; })");
  });
  afterAll(() => rig?.close());

  /** Everything the page opened is closed, nothing escaped, and as many intervals run as before the test. */
  async function expectNothingLeft(intervalsBefore: number): Promise<void> {
    const page = rig.browser.page;
    await page.waitForFunction(() => {
      const o = (window as unknown as { opened: { contexts: AudioContext[]; sockets: WebSocket[] } }).opened;
      return o.contexts.every((c) => c.state === 'closed') && o.sockets.every((s) => s.readyState === 3);
    }, undefined, { timeout: 10_000 });
    const opened = await openedResources(rig.browser);
    expect(opened.tracks.every((t) => t === 'ended')).toBe(true);
    expect(opened.unhandled).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as Page).liveIntervals.size)).toBe(intervalsBefore);
    expect(rig.browser.pageErrors.filter((e) => !e.includes('WebSocket connection to'))).toEqual([]);
  }

  const intervals = () => rig.browser.page.evaluate(() => (window as unknown as Page).liveIntervals.size);

  it('stop() during start (microphone opening, socket connecting, awaiting the hello) releases everything; start() rejects with CONNECTION_CLOSED', async () => {
    const before = await intervals();
    const outcomes = await rig.browser.page.evaluate(async () => {
      const out: { delayMs: number; state: string; code: string | null }[] = [];
      for (const delayMs of [0, 5, 20, 60, 150, 400]) {
        const s = (window as unknown as Page).vw.createVoiceSession({ url: '/ws' });
        const started = s.start().then(() => null, (e: { code: string }) => e.code);
        await new Promise((r) => setTimeout(r, delayMs));
        await s.stop();
        out.push({ delayMs, state: s.state, code: await started });
      }
      return out;
    });
    for (const o of outcomes) {
      expect(o.state).toBe('closed');
      // Either start() lost the race (stopped while starting) or it won and the session then stopped cleanly.
      expect([null, 'CONNECTION_CLOSED']).toContain(o.code);
    }
    expect(outcomes.some((o) => o.code === 'CONNECTION_CLOSED')).toBe(true);
    await expectNothingLeft(before);
  });

  it('start() twice: the second rejects with INVALID_OPTION and the first session runs; stop() twice is harmless', async () => {
    const before = await intervals();
    const result = await rig.browser.page.evaluate(async () => {
      const s = (window as unknown as Page).vw.createVoiceSession({ url: '/ws' });
      s.on('stats', () => {}); // a stats listener: the interval that must be cleared
      const first = s.start();
      const second = await s.start().then(() => null, (e: { code: string }) => e.code);
      await first;
      const connected = s.state;
      await Promise.all([s.stop(), s.stop()]);
      await s.stop();
      return { second, connected, state: s.state };
    });
    expect(result).toEqual({ second: 'INVALID_OPTION', connected: 'connected', state: 'closed' });
    await expectNothingLeft(before);
  });

  it('page hidden and shown while connected: the session keeps going, echo still arrives, then stops clean', async () => {
    const before = await intervals();
    const result = await rig.browser.page.evaluate(async () => {
      const setVisibility = (state: 'hidden' | 'visible') => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      };
      const s = (window as unknown as Page).vw.createVoiceSession({ url: '/ws', statsIntervalMs: 50 });
      let framesSent = 0;
      s.on('stats', (st) => (framesSent = (st as { framesSent: number }).framesSent));
      const errors: string[] = [];
      s.on('error', (e) => errors.push((e as { code: string }).code));
      await s.start();
      await new Promise((r) => setTimeout(r, 500));
      setVisibility('hidden');
      await new Promise((r) => setTimeout(r, 1000));
      const hiddenState = s.state;
      const sentWhileHidden = framesSent;
      setVisibility('visible');
      await new Promise((r) => setTimeout(r, 500));
      const after = { state: s.state, framesSent };
      await s.stop();
      return { hiddenState, sentWhileHidden, after, errors };
    });
    expect(result.hiddenState).toBe('connected');
    expect(result.after.state).toBe('connected');
    expect(result.after.framesSent).toBeGreaterThan(result.sentWhileHidden);
    expect(result.errors).toEqual([]);
    await expectNothingLeft(before);
  });
});
