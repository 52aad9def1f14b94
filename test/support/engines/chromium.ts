import { chromium } from 'playwright-core';
import { chromiumPath } from '../browser.js';
import { PAGE_ERRORS, pollUntil, type EngineOptions, type EnginePage } from './engine.js';

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
  const seen: string[] = [];
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console.error: ${m.text()}`);
  });
  const evaluate = <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => (page.evaluate as (f: unknown, a: unknown) => Promise<R>).call(page, fn, arg);
  return {
    engine: 'chromium',
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate,
    click: (selector) => page.click(selector),
    waitFor: (fn, arg, o = {}) => pollUntil(() => evaluate(fn, arg), o.timeoutMs ?? 20_000, o.what ?? fn.toString()),
    errors: async () => [...seen, ...(await evaluate(PAGE_ERRORS).catch(() => []))],
    close: () => browser.close(),
  };
}
