import { describe, expect, it } from 'vitest';
import { loadLazyPart } from '../../src/environment/lazy-part.js';
import { failedImportUrl, webAssemblyRefusal } from '../../src/environment/module-load.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../../src/errors/errors.js';

/**
 * The lazy-part loader in Node (issue 15 case 7): every failure is CODEC_UNSUPPORTED with its reason, within the
 * bound. The browser causes (CSP, 404, HTML) run in real Chromium: test/browser/lazy-parts.test.ts.
 */
const part = { name: 'The test part', packageName: 'voicewire-missing-part' };

async function failure(promise: Promise<unknown>): Promise<VoicewireError> {
  const e: unknown = await promise.then(() => null, (x: unknown) => x);
  if (!isVoicewireError(e)) throw new Error(`expected a VoicewireError, got ${String(e)}`);
  return e;
}

describe('loadLazyPart', () => {
  it('a package that is not installed: CODEC_UNSUPPORTED "not-installed" with the npm install remedy, the words of the import in details', async () => {
    const specifier = 'voicewire-missing-part';
    const e = await failure(loadLazyPart(part, () => import(/* @vite-ignore */ specifier)));
    expect(e.code).toBe(ErrorCode.CODEC_UNSUPPORTED);
    expect(e.details).toMatchObject({ reason: 'not-installed', part: 'voicewire-missing-part' });
    expect(e.message).toBe('The test part could not be loaded: the package voicewire-missing-part is not installed.');
    expect(e.remedy).toBe('Install it: npm install voicewire-missing-part.');
    expect(String(e.details.browserError)).toContain('voicewire-missing-part');
  });

  it('a load that never settles fails with "timeout" at its bound (not never), and what it makes later is discarded', async () => {
    let finish!: (v: { freed: boolean }) => void;
    const late = { freed: false };
    const started = performance.now();
    const e = await failure(loadLazyPart({ ...part, timeoutMs: 300 }, () => new Promise<{ freed: boolean }>((r) => (finish = r)), (v) => (v.freed = true)));
    const waitedMs = performance.now() - started;
    expect(e.details).toMatchObject({ reason: 'timeout', timeoutMs: 300 });
    expect(e.message).toBe('The test part could not be loaded: it did not load within 300 ms.');
    expect(e.remedy).toMatch(/network panel.*modulepreload/);
    // Lower bound only: the timer cannot fire early; a busy machine may make it late.
    expect(waitedMs).toBeGreaterThanOrEqual(295);
    finish(late);
    await new Promise((r) => setTimeout(r, 10));
    expect(late.freed).toBe(true);
  });

  it('a VoicewireError from the load passes through unchanged; a value passes through', async () => {
    const own = new VoicewireError({ code: ErrorCode.INVALID_OPTION, message: 'x', remedy: 'y' });
    expect(await failure(loadLazyPart(part, () => Promise.reject(own)))).toBe(own);
    expect(await loadLazyPart(part, () => Promise.resolve(42))).toBe(42);
  });

  it('a failure that names a Content-Security-Policy is "wasm-refused" with the \'wasm-unsafe-eval\' remedy', async () => {
    // Chromium's exact words for WebAssembly.compile under script-src 'self' (checked in test/browser/lazy-parts.test.ts).
    const csp = new Error('WebAssembly.compile(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because \'unsafe-eval\' is not an allowed source of script in the following Content Security Policy directive: "script-src \'self\'".');
    csp.name = 'CompileError';
    const e = await failure(loadLazyPart(part, () => Promise.reject(csp)));
    expect(e.details).toMatchObject({ reason: 'wasm-refused' });
    expect(e.remedy).toContain("Add 'wasm-unsafe-eval' to script-src");
  });

  it('without a URL in the error (WebKit words, Quirk Q15) the reason is "unknown" and the remedy names every cause', async () => {
    const e = await failure(loadLazyPart(part, () => Promise.reject(new TypeError('Importing a module script failed.'))));
    expect(e.details).toMatchObject({ reason: 'unknown' });
    expect(e.remedy).toMatch(/404 means deploy the chunk.*SPA fallback.*'wasm-unsafe-eval'.*npm install voicewire-missing-part/);
  });
});

describe('module-load helpers', () => {
  it('failedImportUrl reads Chromium\'s and Firefox\'s wording, and nothing from WebKit\'s', () => {
    expect(failedImportUrl(new TypeError('Failed to fetch dynamically imported module: http://localhost:4000/chunks/dist.esm-B31vmd-b.js'))).toBe('http://localhost:4000/chunks/dist.esm-B31vmd-b.js');
    expect(failedImportUrl(new TypeError('error loading dynamically imported module: https://app.test/c/x.js'))).toBe('https://app.test/c/x.js');
    expect(failedImportUrl(new TypeError('Importing a module script failed.'))).toBeNull();
  });

  it('Node compiles WebAssembly: no refusal', () => {
    expect(webAssemblyRefusal()).toBeNull();
  });
});
