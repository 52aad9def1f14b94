import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserSession } from '../support/browser.js';
import type { DemoServer } from '../support/demo-server.js';
import { assertEchoed, disconnectAndCheck, openedResources, startDemoRig, waitForState, type DemoRig, type DemoWindow } from './demo-harness.js';

describe('demo page over https (npm start -- --https, its generated certificate)', () => {
  let rig: DemoRig;
  let server: DemoServer;
  let browser: BrowserSession;
  let tlsDir: string;

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'voicewire-tls-'));
    rig = await startDemoRig({ serverArgs: ['--https', '--echo-delay-ms', '100'], env: { VOICEWIRE_TLS_DIR: tlsDir }, launch: { ignoreCertificateErrors: true } });
    ({ server, browser } = rig);
  });
  afterAll(async () => {
    await rig?.close();
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  it('made a certificate for localhost in VOICEWIRE_TLS_DIR and printed how to trust it', () => {
    expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
    const cert = new X509Certificate(readFileSync(join(tlsDir, 'cert.pem')));
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.lines.join('\n')).toContain(`TLS certificate: ${join(tlsDir, 'cert.pem')} (self-signed, SHA-256 ${cert.fingerprint256})`);
  });

  it('the page is a secure context, the session talks wss://, and the microphone comes back through playback', async () => {
    const { page } = browser;
    expect(await page.evaluate(() => [location.protocol, isSecureContext])).toEqual(['https:', true]);
    const failing = await page.$$eval('#diagnosis li:not(.ok)', (items) => items.map((li) => li.textContent));
    expect(failing).toEqual([]);
    await page.click('#connect');
    await waitForState(browser, 'connected');
    const sockets = (await openedResources(browser)).sockets;
    expect(sockets).toEqual([{ url: `wss://localhost:${server.port}/ws`, readyState: 1 }]);
    await assertEchoed(browser, 3);
    await page.waitForFunction(() => (window as unknown as DemoWindow).demo.texts.some((t) => t.text === 'speech started'));
    await disconnectAndCheck(browser, server, '/ws');
  });
});
