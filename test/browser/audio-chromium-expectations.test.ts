import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AUDIO_PAGE, WORKLETS, openAudioPage } from './audio-harness.js';

/**
 * Chromium's own words for each way addModule and node construction fail, without voicewire in between. Our
 * classification does not parse them (a fetch preflight decides), but the troubleshooting table quotes them:
 * this fails the day Chromium changes them.
 */
describe('expectation: Chromium\'s raw AudioWorklet errors', () => {
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer({
      routes: [(req, res) => {
        if (req.url?.includes('audio.html?csp')) res.setHeader('Content-Security-Policy', "script-src 'self'");
        if (!req.url?.startsWith('/spa/')) return false;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end('<!doctype html><title>app</title>');
        return true;
      }],
    });
    session = await launchChromium();
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });

  /** addModule(url) on a fresh context, then `new AudioWorkletNode(ctx, 'p')`; returns what was thrown. */
  async function raw(url: string | { blob: string }): Promise<{ addModule: string; node: string; violations: number }> {
    return session.page.evaluate(async (u) => {
      let violations = 0;
      document.addEventListener('securitypolicyviolation', () => violations++);
      const ctx = new AudioContext();
      const href = typeof u === 'string' ? u : URL.createObjectURL(new Blob([u.blob], { type: 'text/javascript' }));
      const text = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;
      const addModule = await ctx.audioWorklet.addModule(href).then(() => 'resolved', text);
      let node = 'constructed';
      try {
        new AudioWorkletNode(ctx, 'p');
      } catch (e) {
        node = text(e);
      }
      await new Promise((r) => setTimeout(r, 100));
      await ctx.close();
      return { addModule, node, violations };
    }, url);
  }

  it('404, HTML instead of JavaScript, syntax error, nothing registered', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const missing = `${http.origin()}${WORKLETS}/missing.js`;
    expect((await raw(missing)).addModule).toBe(`AbortError: Failed to load worklet module script: ${missing} (HTTP status: 404)`);
    const html = `${http.origin()}/spa/worklet.js`;
    expect((await raw(html)).addModule).toBe(`AbortError: Failed to load worklet module script: ${html} (MIME type mismatch)`);
    const broken = `${http.origin()}${WORKLETS}/syntax-error.processor.js`;
    expect((await raw(broken)).addModule).toBe(`SyntaxError: Unexpected end of input (at ${broken}:5)`);
    const empty = await raw(`${http.origin()}${WORKLETS}/registers-nothing.processor.js`);
    expect(empty).toMatchObject({ addModule: 'resolved', node: "InvalidStateError: Failed to construct 'AudioWorkletNode': AudioWorkletNode cannot be created: The node name 'p' is not defined in AudioWorkletGlobalScope." });
  });

  it('a Blob module under a CSP without blob: is a bare AbortError, and no securitypolicyviolation fires', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}?csp`);
    const r = await raw({ blob: "registerProcessor('p', class extends AudioWorkletProcessor { process() { return true; } });" });
    expect(r.addModule).toMatch(/^AbortError: Failed to load worklet module script: blob:\S+ \(a dependency or cross-origin script failed to load\)$/);
    expect(r.violations).toBe(0);
  });
});
