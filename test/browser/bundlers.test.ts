import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWithEsbuild, buildWithVite, createConsumerApp, filesUnder, type ConsumerApp } from '../support/consumer-app.js';
import { staticRoute, type Route } from '../support/server.js';
import { assertEchoesMicrophone, startEngineRig, toneWav, type EngineRig } from './engines-harness.js';

/**
 * The package as an app gets it: `npm pack`, installed into a fresh app, bundled by Vite and by esbuild, served, and
 * run in Chromium against the local echo server. Proves that a bundler needs no plugin or copy step for the worklets
 * (the processors travel inside the package's JavaScript and load from a Blob), and that the README's strict-CSP
 * recipe (a Vite `?url` import of the one processor file as `moduleUrl`) works under a CSP without `blob:`.
 */

// No `blob:` anywhere: the Blob module is refused (Quirk Q11: silently, as a bare AbortError) and the self-hosted
// files must carry the session.
const STRICT_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; img-src data:";
const PROCESSOR = 'voicewire.processor.js';

interface AppState {
  outcome: string | null;
  errors: Array<{ code: string; fatal: boolean }>;
  fallbacks: Array<{ code: string; moduleUrl: string }>;
}

describe('the packed package bundled by Vite and esbuild, in Chromium', () => {
  let app: ConsumerApp;
  let rig: EngineRig;
  const out: Record<string, string> = {};
  /** Every path the server was asked for, in order. */
  const requested: string[] = [];
  const log: Route = (req) => {
    requested.push(new URL(req.url ?? '/', 'http://x').pathname);
    return false;
  };

  beforeAll(async () => {
    app = createConsumerApp();
    out.vite = await buildWithVite(app, 'default', 'vite');
    out.esbuild = await buildWithEsbuild(app, 'default', 'esbuild');
    out.strict = await buildWithVite(app, 'strict', 'vite-strict');
    const routes = [
      log,
      staticRoute('vite', out.vite),
      staticRoute('esbuild', out.esbuild),
      staticRoute('vite-strict', out.strict, { 'Content-Security-Policy': STRICT_CSP }),
    ];
    rig = await startEngineRig('chromium', { fakeMicWav: toneWav() }, { routes });
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
    if (app) rmSync(app.dir, { recursive: true, force: true });
  });

  /** Opens /NAME/, clicks Talk, and returns the app's state once start() settled. */
  async function talk(name: string): Promise<AppState> {
    const { page } = rig;
    requested.length = 0;
    await page.goto(`${rig.server.origin()}/${name}/`);
    await page.waitFor(() => 'app' in window, undefined, { what: `the ${name} app` });
    await page.click('#talk');
    await page.waitFor(() => (window as unknown as { app: AppState }).app.outcome !== null, undefined, {
      timeoutMs: 30_000,
      what: 'start() after the click',
    });
    return page.evaluate(() => {
      const { outcome, errors, fallbacks } = (window as unknown as { app: AppState }).app;
      return { outcome, errors, fallbacks };
    });
  }

  /** The microphone's tone comes back through playback (the cross-engine check, through the test's tap), then stop. */
  async function assertEchoes(): Promise<void> {
    const before = rig.received['/ws'];
    await rig.page.evaluate(() => {
      const script = Object.assign(document.createElement('script'), { type: 'module', src: '/test/browser/fixtures/consumer-recorder.js' });
      document.head.append(script);
    });
    await rig.page.waitFor(() => 't' in window, undefined, { what: 'the recorder' });
    await assertEchoesMicrophone(rig.page);
    expect(rig.received['/ws']).toBeGreaterThan(before + 20);
    await rig.page.evaluate(() => (window as unknown as { app: { session: { stop(): Promise<void> } } }).app.session.stop());
    expect(await rig.page.errors()).toEqual([]);
  }

  it('the tarball ships the one processor file, and neither default build contains it: nothing for the app to copy', () => {
    expect(app.packed.filter((p) => p.startsWith('dist/worklets/'))).toEqual([`dist/worklets/${PROCESSOR}`]);
    expect(filesUnder(join(app.dir, 'default')).filter((f) => f.includes('processor'))).toEqual([]);
    expect(filesUnder(out.vite).filter((f) => f.includes('processor'))).toEqual([]);
    expect(filesUnder(out.esbuild)).toEqual(['index.html', 'main.js']);
  });

  it.each(['vite', 'esbuild'])('%s build: a session starts against the echo server, audio echoes, and no worklet file is fetched', async (name) => {
    const state = await talk(name);
    expect(state).toEqual({ outcome: 'started', errors: [], fallbacks: [] });
    // The processors came from the bundle (a Blob): the page asked the server for no processor file of voicewire's.
    expect(requested.filter((p) => p.includes('processor') && !p.startsWith('/test/browser/fixtures/'))).toEqual([]);
    await assertEchoes();
  });

  it('strict CSP without blob:, Vite `?url` recipe: the Blob is refused, the one self-hosted file loads, audio echoes', async () => {
    // Vite made the processor file an asset of the build, byte for byte the package's file.
    const assets = filesUnder(out.strict).filter((f) => f.includes('processor'));
    expect(assets).toHaveLength(1);
    expect(assets[0]).toContain(PROCESSOR.replace('.js', ''));
    expect(readFileSync(join(out.strict, assets[0]), 'utf8')).toBe(readFileSync(join(app.dir, 'node_modules/voicewire/dist/worklets', PROCESSOR), 'utf8'));
    const state = await talk('vite-strict');
    // Not an error (the session runs, an end-user banner would be false): one workletFallback event naming the
    // refusal and the file that loaded instead, asked for once.
    expect(state).toEqual({ outcome: 'started', errors: [], fallbacks: [{ code: 'WORKLET_BLOCKED_BY_CSP', moduleUrl: `/vite-strict/${assets[0]}` }] });
    expect(requested.filter((p) => p.includes('processor'))).toEqual([`/vite-strict/${assets[0]}`]);
    await assertEchoes();
  });
});
