import { chromium } from 'playwright-core';
import { chromiumPath } from '../browser.js';
import { devtoolsEnginePage, type EngineOptions, type EnginePage } from './engine.js';

/**
 * Chromium through playwright-core. Its process gets PULSE_SERVER=unix:/nonexistent: with a PulseAudio daemon up
 * (Firefox and WebKit need one) its fake microphone delivers nothing, while without a sound server it uses its own
 * fake audio I/O (docs/browser-engines.md).
 */
export async function launchChromiumEngine(options: EngineOptions = {}): Promise<EnginePage> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  const mic = options.microphone ?? 'fake';
  if (mic !== 'absent') args.push('--use-fake-device-for-media-stream');
  if (mic === 'fake') args.push('--use-fake-ui-for-media-stream');
  if (options.fakeMicWav) args.push(`--use-file-for-fake-audio-capture=${options.fakeMicWav}`);
  if (options.autoplay !== false) args.push('--autoplay-policy=no-user-gesture-required');
  if (options.mapHosts?.length) args.push(`--host-resolver-rules=${options.mapHosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`);
  if (options.acceptInsecureCerts) args.push('--ignore-certificate-errors');
  args.push(...(options.extra?.chromiumArgs ?? []));

  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args, env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent' } });
  const context = await browser.newContext({ ignoreHTTPSErrors: options.acceptInsecureCerts === true });
  const page = await context.newPage();
  return devtoolsEnginePage('chromium', page, () => browser.close());
}
