import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; override with VOICEWIRE_CHROMIUM. Playwright's own browser download cannot work here. */
export function chromiumPath(): string {
  const path = process.env.VOICEWIRE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. The browser tests need a real Chromium: install it with ` +
        '`sudo apt-get install -y chromium` (Debian/Ubuntu) or set VOICEWIRE_CHROMIUM=/path/to/chromium.',
    );
  }
  return path;
}

export interface LaunchOptions {
  /** A 16-bit PCM WAV the fake microphone plays; omit for Chromium's built-in beep. */
  fakeMicWav?: string;
  /** Grant the microphone without a prompt (the fake UI). False: getUserMedia is denied. */
  fakeMicUi?: boolean;
  /** Allow audio without a user gesture. Off only in the tests of the blocked-autoplay path. */
  autoplay?: boolean;
  /** Host names resolved to 127.0.0.1, e.g. 'voice.test' for an insecure origin that still reaches loopback. */
  mapHosts?: string[];
  ignoreCertificateErrors?: boolean;
  extraArgs?: string[];
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page: tests assert none escaped. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<BrowserSession> {
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
  ];
  if (options.fakeMicUi !== false) args.push('--use-fake-ui-for-media-stream');
  if (options.fakeMicWav) args.push(`--use-file-for-fake-audio-capture=${options.fakeMicWav}`);
  if (options.autoplay !== false) args.push('--autoplay-policy=no-user-gesture-required');
  if (options.mapHosts?.length) args.push(`--host-resolver-rules=${options.mapHosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`);
  if (options.ignoreCertificateErrors) args.push('--ignore-certificate-errors');
  args.push(...(options.extraArgs ?? []));

  // chromium.launch gives every browser a fresh temporary profile of its own.
  // A running PulseAudio (which Firefox and WebKit need) silences Chromium's fake microphone: keep it away from it.
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args, env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent' } });
  const context = await browser.newContext({ ignoreHTTPSErrors: options.ignoreCertificateErrors === true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
  });
  return { browser, context, page, pageErrors, close: () => browser.close() };
}

/** Opens a page that imports the built SDK as `window.voicewire` (test/browser/fixtures/sdk.html) and waits for it. */
export async function openSdkPage(session: BrowserSession, url: string): Promise<void> {
  await session.page.goto(url);
  await session.page.waitForFunction(() => (window as unknown as { voicewireReady?: boolean }).voicewireReady === true);
}
