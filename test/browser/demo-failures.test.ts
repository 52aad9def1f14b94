import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../support/browser.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';
import { openDemo, openedResources, startDemoRig, trackResources, waitForState, type DemoRig, type DemoWindow } from './demo-harness.js';

/** After a session ended on its own: the page says why, and the microphone and AudioContext are released. */
async function expectReleased(browser: BrowserSession, microphoneOpened = true): Promise<void> {
  await browser.page.waitForFunction(() => {
    const o = (window as unknown as { opened: { contexts: AudioContext[]; streams: MediaStream[] } }).opened;
    return o.contexts.every((c) => c.state === 'closed') && o.streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'));
  });
  const opened = await openedResources(browser);
  expect(opened.contexts.length).toBeGreaterThan(0);
  expect(opened.tracks.length > 0).toBe(microphoneOpened);
  expect(opened.sockets.every((s) => s.readyState === 3)).toBe(true);
  expect(opened.unhandled).toEqual([]);
  expect(await browser.page.textContent('#connect')).toBe('Connect');
}

describe('demo page when a session ends without Disconnect', () => {
  let rig: DemoRig;
  let server: DemoServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    rig = await startDemoRig({ open: false });
    ({ server, browser } = rig);
  });
  afterAll(() => rig?.close());

  async function freshPage(url = `${server.url}/`): Promise<void> {
    await browser.page.close();
    browser.page = await browser.context.newPage();
    browser.pageErrors.length = 0;
    browser.page.on('pageerror', (e) => browser.pageErrors.push(`pageerror: ${e.message}`));
    browser.page.on('console', (m) => {
      // Chromium's own line for a refused or dropped socket is expected here; anything else is not.
      if (m.type() === 'error' && !m.text().startsWith('WebSocket connection to ')) browser.pageErrors.push(`console.error: ${m.text()}`);
    });
    await trackResources(browser);
    await openDemo(browser, url);
  }

  it('a refused socket (wrong path: 404) shows CONNECTION_FAILED and releases the microphone and AudioContext', async () => {
    await freshPage();
    await browser.page.fill('#url', '/nope');
    await browser.page.click('#connect');
    await waitForState(browser, 'closed');
    await browser.page.waitForSelector('#error', { state: 'visible' });
    expect(await browser.page.textContent('#error-code')).toBe('CONNECTION_FAILED');
    expect(await browser.page.textContent('#error-remedy')).not.toBe('');
    await expectReleased(browser);
    expect(browser.pageErrors).toEqual([]);
  });

  it('Disconnect while still starting leaves no banner and nothing open', async () => {
    await freshPage();
    // Both clicks in one task, so the second one lands while start() is surely still opening the microphone.
    const between = await browser.page.evaluate(() => {
      const button = document.getElementById('connect')!;
      button.click();
      const state = (window as unknown as DemoWindow).demo.session?.state;
      button.click();
      return state;
    });
    expect(between).toBe('starting');
    await waitForState(browser, 'closed');
    // Stopped before the microphone was asked for: the engine never asks for it afterwards.
    await expectReleased(browser, false);
    expect(await browser.page.evaluate(() => (window as unknown as DemoWindow).demo.errors)).toEqual([]);
    expect(await browser.page.isHidden('#error')).toBe(true);
    expect(browser.pageErrors).toEqual([]);
  });

  it('Moshi: the server shutting down mid-session shows why, and releases the microphone and AudioContext', async () => {
    const doomed = await startDemoServer();
    try {
      await freshPage(`${doomed.url}/`);
      await browser.page.selectOption('#protocol', 'moshi');
      await browser.page.click('#connect');
      await waitForState(browser, 'connected');
      // Audio played back: the lazily loaded Opus decoder chunk has arrived, so killing the server cannot abort
      // its download (a network error that is the test's doing, not the SDK's).
      await browser.page.waitForFunction(() => (document.getElementById('playback-level') as HTMLMeterElement).value > -50);
      expect(await doomed.stop('SIGTERM')).toBe(0);
      // Moshi sessions are not resumable: the session ends.
      await waitForState(browser, 'closed');
      await browser.page.waitForSelector('#error', { state: 'visible' });
      expect(await browser.page.textContent('#error-code')).toBe('CONNECTION_CLOSED');
      expect(await browser.page.textContent('#error-message')).toContain('1001');
      await expectReleased(browser);
      expect(await browser.page.evaluate(() => (window as unknown as DemoWindow).demo.states.slice(-3))).toEqual(['connected', 'stopping', 'closed']);
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await doomed.stop();
    }
  });

  it('voicewire: the server restarting mid-session shows reconnecting, then the session is connected again', async () => {
    const first = await startDemoServer();
    let second: DemoServer | undefined;
    try {
      await freshPage(`${first.url}/`);
      await browser.page.click('#connect');
      await waitForState(browser, 'connected');
      expect(await first.stop('SIGTERM')).toBe(0);
      await waitForState(browser, 'reconnecting');
      expect(await browser.page.textContent('#state')).toBe('reconnecting');
      // Still a live session: the button offers Disconnect, not a second Connect.
      expect(await browser.page.textContent('#connect')).toBe('Disconnect');
      second = await startDemoServer(['--port', String(first.port)]);
      await waitForState(browser, 'connected');
      await second.waitForLine(/open \/ws \(1 sessions\)/);
      await browser.page.click('#connect');
      await waitForState(browser, 'closed');
      await expectReleased(browser);
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await first.stop();
      await second?.stop();
    }
  });
});
