import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserSession } from '../support/browser.js';
import type { DemoServer } from '../support/demo-server.js';
import { openedResources, startDemoRig, waitForState, type DemoRig, type DemoWindow } from './demo-harness.js';

const SCREENSHOT = resolve(import.meta.dirname, '../../test-results/demo-insecure.png');

describe('demo page at an insecure origin (http://voice.test:PORT mapped to loopback)', () => {
  let rig: DemoRig;
  let server: DemoServer;
  let browser: BrowserSession;
  let ssh: string;

  beforeAll(async () => {
    rig = await startDemoRig({ launch: { mapHosts: ['voice.test'] }, host: 'voice.test' });
    ({ server, browser } = rig);
    ssh = `ssh -L ${server.port}:localhost:${server.port} user@voice.test`;
  });
  afterAll(() => rig?.close());

  it('the diagnosis panel shows INSECURE_CONTEXT with the ssh tunnel command for this host and port', async () => {
    const { page } = browser;
    expect(await page.evaluate(() => isSecureContext)).toBe(false);
    const checks = await page.$$eval('#diagnosis li', (items) => items.map((li) => ({ check: (li as HTMLElement).dataset.check, kind: li.className, text: li.textContent ?? '' })));
    const byKey = Object.fromEntries(checks.map((c) => [c.check, c]));
    for (const key of ['secureContext', 'audioWorklet', 'mediaDevices']) {
      expect(byKey[key]).toMatchObject({ kind: 'bad' });
      expect(byKey[key].text.startsWith('✗')).toBe(true);
    }
    expect(byKey.INSECURE_CONTEXT.kind).toBe('bad');
    expect(byKey.INSECURE_CONTEXT.text).toContain(`INSECURE_CONTEXT: http://voice.test:${server.port} is not a secure context`);
    const remedy = await page.textContent('#diagnosis li[data-check="INSECURE_CONTEXT"] pre');
    expect(remedy).toContain(`\`${ssh}\``);
    expect(remedy).toContain(`then open http://localhost:${server.port}/`);
    expect(remedy).toContain('Serve the page over HTTPS');
  });

  it('Connect explains in the error banner (code and remedy) instead of crashing, and opens nothing', async () => {
    const { page } = browser;
    expect(await page.isHidden('#error')).toBe(true);
    await page.click('#connect');
    await page.waitForSelector('#error', { state: 'visible' });
    await waitForState(browser, 'closed');
    expect(await page.textContent('#error-code')).toBe('INSECURE_CONTEXT');
    expect(await page.textContent('#error-message')).toContain('is not a secure context');
    expect(await page.textContent('#error-remedy')).toContain(ssh);
    const errors = await page.evaluate(() => (window as unknown as DemoWindow).demo.errors);
    expect(errors.map((e) => e.code)).toEqual(['INSECURE_CONTEXT']);
    // The page is usable again: the button offers Connect, and nothing was left open.
    expect(await page.textContent('#connect')).toBe('Connect');
    expect(await page.textContent('#state')).toBe('closed');
    const opened = await openedResources(browser);
    expect(opened.contexts.every((s) => s === 'closed')).toBe(true);
    expect(opened.sockets).toEqual([]);
    expect(opened.unhandled).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
