import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { escaped } from './audio-harness.js';

interface Outcome {
  ok: boolean;
  error?: { code: string; message: string; remedy: string };
  contextAfter?: string;
}

describe('autoplay policy in real Chromium (no --autoplay-policy flag)', () => {
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer();
    session = await launchChromium({ autoplay: false });
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });

  it('a context started by the page on load is AUDIO_CONTEXT_BLOCKED; a click unlocks it and it runs', async () => {
    // The page starts its engines from its own script on load. Nothing may be evaluated before that: Playwright's
    // page.evaluate grants user activation, and the context would start.
    const warnings: string[] = [];
    session.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await session.page.goto(`${http.origin()}/test/browser/fixtures/audio-autoplay.html`);
    await session.page.waitForFunction(() => (window as unknown as { engineEvents?: unknown[] }).engineEvents?.length === 1);
    const before = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { context: AudioContext }; engineEvents: unknown[]; startOutcome: Promise<Outcome>; strictOutcome: Promise<Outcome> };
      return { state: w.engine.context.state, events: w.engineEvents, start: await w.startOutcome, strict: await w.strictOutcome };
    });
    expect(before.state).toBe('suspended');
    expect(before.events).toEqual([{ name: 'blocked', code: 'AUDIO_CONTEXT_BLOCKED', remedy: expect.stringContaining('click or tap handler') }]);
    // Default onBlocked 'unlock': start() completes and waits for a gesture; 'throw' rejects and closes its context.
    expect(before.start).toEqual({ ok: true });
    expect(before.strict).toMatchObject({ ok: false, error: { code: 'AUDIO_CONTEXT_BLOCKED' }, contextAfter: 'released' });

    // Chromium's own words for it, pinned so the troubleshooting table stays true.
    expect(warnings).toContainEqual(expect.stringContaining('The AudioContext was not allowed to start. It must be resumed (or created) after a user gesture on the page.'));

    await session.page.click('#talk');
    await session.page.waitForFunction(() => (window as unknown as { engineEvents: unknown[] }).engineEvents.length === 2);
    const after = await session.page.evaluate(() => {
      const w = window as unknown as { engine: { context: AudioContext }; engineEvents: unknown[] };
      return { state: w.engine.context.state, events: w.engineEvents };
    });
    expect(after).toEqual({ state: 'running', events: [expect.objectContaining({ name: 'blocked' }), { name: 'unlocked' }] });
    expect(await escaped(session)).toEqual([]);
  });
});
