import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { devtoolsEnginePage, type EngineOptions, type EnginePage } from './engine.js';

/** Debian's Firefox ESR; override with VOICEWIRE_FIREFOX. */
export function firefoxPath(): string {
  const path = process.env.VOICEWIRE_FIREFOX ?? '/usr/bin/firefox-esr';
  if (!existsSync(path)) {
    throw new Error(`Firefox not found at ${path}. The browser tests need Firefox ESR: \`sudo apt-get install -y firefox-esr\` or set VOICEWIRE_FIREFOX=/path/to/firefox.`);
  }
  return path;
}

/**
 * Firefox ESR through puppeteer-core over WebDriver BiDi (playwright-core cannot drive a stock Firefox). Firefox
 * plays and runs AudioContexts only with a sound server: the browser project's global setup starts PulseAudio.
 */
export async function launchFirefoxEngine(options: EngineOptions = {}): Promise<EnginePage> {
  const mic = options.microphone ?? 'fake';
  const prefs: Record<string, unknown> = {
    // 'absent': real devices only — the null sink's monitor is not a capture device for Firefox, so none is found.
    'media.navigator.streams.fake': mic !== 'absent',
    'media.navigator.permission.disabled': mic !== 'denied',
    // 2 = block: a denied permission without a prompt.
    ...(mic === 'denied' ? { 'permissions.default.microphone': 2 } : {}),
    ...(options.autoplay !== false ? { 'media.autoplay.default': 0, 'media.autoplay.block-webaudio': false } : {}),
    ...(options.mapHosts?.length ? { 'network.dns.localDomains': options.mapHosts.join(',') } : {}),
    ...options.extra?.firefoxPrefs,
  };
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    acceptInsecureCerts: options.acceptInsecureCerts === true,
    extraPrefsFirefox: prefs,
  });
  const page = await browser.newPage();
  return devtoolsEnginePage('firefox', page, () => browser.close());
}
