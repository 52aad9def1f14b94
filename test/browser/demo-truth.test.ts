import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';
import { startDemoRig, waitForState, type DemoRig } from './demo-harness.js';

process.env.PULSE_SERVER ??= 'unix:/nonexistent'; // see session-devices.test.ts

const SHOTS = resolve(import.meta.dirname, '../../test-results/demo-states');

/** What a person sees: the rendered text (innerText skips hidden elements), after a screenshot of the same moment. */
async function look(rig: DemoRig, name: string) {
  const { page } = rig.browser;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  // One evaluate reads every field at the same moment: separate reads could straddle a state change (a retry's
  // `connecting` clears the attempt line between reading #state and reading #reconnect-info).
  return page.evaluate(() => {
    const text = (id: string) => (document.querySelector(id) as HTMLElement).innerText;
    const banner = document.querySelector('#error') as HTMLElement;
    return {
      body: document.body.innerText,
      state: text('#state'),
      connect: text('#connect'),
      mute: text('#mute'),
      turn: text('#turn'),
      micDb: text('#mic-db'),
      rtt: text('#stat-rtt'),
      reconnect: text('#reconnect-info'),
      banner: !banner.hidden && banner.getClientRects().length > 0,
    };
  });
}

type Seen = Awaited<ReturnType<typeof look>>;

/**
 * Looks until the page shows `ok` (or `timeoutMs` passes), and returns that look. A reconnecting page changes on its
 * own: each retry goes `connecting` and back, so one look taken after a wait may land in the next attempt.
 */
async function lookUntil(rig: DemoRig, name: string, ok: (seen: Seen) => boolean, timeoutMs = 20_000): Promise<Seen> {
  const until = Date.now() + timeoutMs;
  let seen = await look(rig, name);
  while (!ok(seen) && Date.now() < until) seen = await look(rig, name);
  return seen;
}

describe('the demo page tells the truth in every state (real Chromium, a screenshot and its visible text per state)', () => {
  let rig: DemoRig;
  let second: DemoServer | undefined;
  beforeAll(async () => {
    rig = await startDemoRig();
  });
  afterAll(async () => {
    await second?.stop();
    await rig?.close();
  });

  it('idle → connected → muted → reconnecting (banner) → connected (banner gone) → closed (readings reset) → a fresh session', async () => {
    const { page } = rig.browser;
    let seen = await look(rig, '1-idle');
    expect(seen).toMatchObject({ state: 'idle', connect: 'Connect', mute: 'Mute', turn: 'nobody is speaking', micDb: '– dB', banner: false });

    await page.click('#connect');
    await waitForState(rig.browser, 'connected');
    await page.waitForFunction(() => document.getElementById('turn')?.textContent === 'you are speaking', undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /^\d+ ms$/.test(document.getElementById('stat-rtt')?.textContent ?? ''));
    seen = await look(rig, '2-connected');
    expect(seen).toMatchObject({ state: 'connected', connect: 'Disconnect', mute: 'Mute', banner: false });
    expect(seen.body).toMatch(/Turn: (you are|agent is|nobody is) speaking/);
    await page.waitForSelector('#microphone option >> text=Fake Audio Input 1', { state: 'attached' });

    await page.click('#mute');
    seen = await look(rig, '3-muted');
    expect(seen.mute).toBe('Unmute');
    expect(await page.evaluate(() => (window as unknown as { demo: { session: { muted: boolean } } }).demo.session.muted)).toBe(true);

    // The server goes away: reconnecting, with the failure in a banner and the attempt shown.
    const port = rig.server.port;
    expect(await rig.server.stop('SIGTERM')).toBe(0);
    await waitForState(rig.browser, 'reconnecting');
    seen = await lookUntil(rig, '4-reconnecting', (s) => s.state === 'reconnecting' && s.reconnect !== '' && s.banner);
    expect(seen.state).toBe('reconnecting');
    expect(seen.connect).toBe('Disconnect');
    expect(seen.banner).toBe(true);
    expect(seen.body).toMatch(/CONNECTION_(CLOSED|FAILED)/);
    expect(seen.reconnect).toMatch(/^attempt \d+, next in \d+ ms$/);

    // Back: the banner described a state that has ended, so it is gone; mute is still on and says so.
    second = await startDemoServer(['--port', String(port)]);
    await waitForState(rig.browser, 'connected');
    seen = await look(rig, '5-reconnected');
    expect(seen).toMatchObject({ state: 'connected', banner: false, reconnect: '', mute: 'Unmute' });
    expect(seen.body).not.toMatch(/CONNECTION_(CLOSED|FAILED)/);

    await page.click('#connect');
    await waitForState(rig.browser, 'closed');
    seen = await look(rig, '6-closed');
    expect(seen).toMatchObject({ state: 'closed', connect: 'Connect', turn: 'nobody is speaking', micDb: '– dB', rtt: '–', banner: false });
    expect(await page.locator('#playback-db').innerText()).toBe('– dB');

    // A fresh session is unmuted, and the button says so.
    await page.click('#connect');
    await waitForState(rig.browser, 'connected');
    seen = await look(rig, '7-fresh-session');
    expect(seen).toMatchObject({ state: 'connected', mute: 'Mute', banner: false });
    await page.click('#connect');
    await waitForState(rig.browser, 'closed');
    expect(rig.browser.pageErrors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
  });
});
