import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openedResources, startDemoRig, type DemoRig } from './demo-harness.js';

process.env.PULSE_SERVER ??= 'unix:/nonexistent'; // see session-devices.test.ts

describe('the React example page (/react/, built with esbuild from voicewire/react) in real Chromium', () => {
  let rig: DemoRig;
  beforeAll(async () => {
    rig = await startDemoRig({ open: false });
    await rig.browser.page.goto(`${rig.server.url}/react/`);
    await rig.browser.page.waitForFunction(() => (window as unknown as { reactDemoReady?: boolean }).reactDemoReady === true);
  });
  afterAll(() => rig?.close());

  it('Connect (a click) connects once despite StrictMode, shows levels, devices and the user\'s turn; Disconnect releases everything', async () => {
    const { page } = rig.browser;
    expect(await page.textContent('#state')).toBe('idle');
    expect(await page.textContent('#mute')).toBe('Mute');
    await page.click('#connect');
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'connected');
    expect(await page.textContent('#connect')).toBe('Disconnect');
    // The fake microphone's voice bursts: the detector says the user speaks; the meter reads a level.
    await page.waitForFunction(() => document.getElementById('turn')?.textContent === 'you are speaking', undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /^-\d+ dB$/.test(document.getElementById('mic-db')?.textContent ?? ''));
    await page.waitForSelector('#microphone option', { state: 'attached' });
    const mics = await page.$$eval('#microphone option', (o) => o.map((x) => x.textContent));
    expect(mics).toContain('Fake Audio Input 1');
    await page.click('#mute');
    expect(await page.textContent('#mute')).toBe('Unmute');
    await page.fill('#volume', '40');

    let opened = await openedResources(rig.browser);
    expect(opened.sockets.length).toBe(1); // StrictMode's double mount opened no second socket
    expect(opened.contexts.length).toBe(1);

    await page.click('#connect');
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'closed');
    expect(await page.textContent('#connect')).toBe('Connect');
    expect(await page.textContent('#mic-db')).toBe('– dB');
    expect(await page.textContent('#turn')).toBe('nobody is speaking');
    await page.waitForFunction(() => (window as unknown as { opened: { sockets: WebSocket[] } }).opened.sockets.every((s) => s.readyState === WebSocket.CLOSED));
    opened = await openedResources(rig.browser);
    expect(opened.contexts).toEqual(['closed']);
    expect(opened.tracks.every((t) => t === 'ended')).toBe(true);
    expect(opened.unhandled).toEqual([]);
    expect(rig.browser.pageErrors).toEqual([]);
  });
});
