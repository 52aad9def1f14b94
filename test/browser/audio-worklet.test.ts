import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AUDIO_PAGE, WORKLETS, escaped, fixtureSource, openAudioPage, requestLog, startInPage } from './audio-harness.js';
import type { Sdk } from '../support/sdk.js';

const CONSTANT = fixtureSource('constant.processor.js');
const NO_SOURCES = {};

describe('worklet loading in real Chromium (http://localhost)', () => {
  const log = requestLog();
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer({
      // Lets a page at localhost fetch from 127.0.0.1 (the cross-origin module under a CSP).
      headers: { 'Access-Control-Allow-Origin': '*' },
      routes: [
        log.route,
        // The same page under a CSP without blob: (and without 'unsafe-inline').
        (req, res) => {
          if (req.url?.includes('audio.html?csp')) res.setHeader('Content-Security-Policy', "script-src 'self'");
          return false;
        },
      ],
    });
    session = await launchChromium();
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });
  beforeEach(() => {
    log.paths.length = 0;
    session.pageErrors.length = 0;
  });

  it('happy path: processors load from a Blob URL (no file served), the node runs, the Blob URL is revoked', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const r = await startInPage(session, { microphone: false, sources: { constant: CONSTANT } }, 'fixture-constant', { processorOptions: { value: 0.5 } });
    expect(r).toMatchObject({ ok: true, state: 'running', worklets: { via: 'blob' } });
    expect(r.worklets!.url).toMatch(/^blob:/);
    const measured = await session.page.evaluate(async (blobUrl) => {
      const w = window as unknown as { engine: { context: AudioContext }; node: AudioWorkletNode };
      const analyser = w.engine.context.createAnalyser();
      w.node.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      for (let i = 0; i < 50 && samples[samples.length - 1] === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        analyser.getFloatTimeDomainData(samples);
      }
      const revoked = await fetch(blobUrl).then(() => false, () => true);
      return { last: samples[samples.length - 1], revoked };
    }, r.worklets!.url);
    expect(measured).toEqual({ last: 0.5, revoked: true });
    expect(log.paths.filter((p) => p.includes('worklets'))).toEqual([]);
    expect(await escaped(session)).toEqual([]);
  });

  it('404: WORKLET_NOT_FOUND with the status, the redacted URL and what the server said', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const r = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: `${WORKLETS}/missing.processor.js?token=s3cr3t-t0ken` });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({
      code: 'WORKLET_NOT_FOUND',
      details: { url: `${http.origin()}${WORKLETS}/missing.processor.js?token=[redacted]`, status: 404, contentType: 'text/plain', firstBytes: 'not found' },
    });
    expect(r.error!.message).toContain('got HTTP 404');
    expect(r.error!.remedy).toContain('dist/worklets');
    expect(JSON.stringify(r)).not.toContain('s3cr3t-t0ken');
    expect(r.contextLeft).toBeNull();
    expect(await escaped(session)).toEqual([]);
  });

  it('a server answering every path with index.html: WORKLET_NOT_JAVASCRIPT, the SPA-fallback trap', async () => {
    const indexHtml = readFileSync(resolve(import.meta.dirname, 'fixtures/audio.html'));
    const spa = await startTestServer({
      routes: [(req, res) => {
        if (req.url?.startsWith('/dist/') || req.url?.startsWith('/test/')) return false;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(indexHtml);
        return true;
      }],
    });
    try {
      await openAudioPage(session, `${spa.origin()}/`);
      const r = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: '/worklets/voicewire.processor.js' });
      expect(r.error).toMatchObject({
        code: 'WORKLET_NOT_JAVASCRIPT',
        details: { url: `${spa.origin()}/worklets/voicewire.processor.js`, status: 200, contentType: 'text/html; charset=utf-8' },
      });
      expect(r.error!.details.firstBytes).toMatch(/^<!doctype html>/);
      expect(r.error!.message).toContain('index.html');
      expect(r.error!.cause).toContain('AbortError');
      expect(await escaped(session)).toEqual([]);
    } finally {
      await spa.close();
    }
  });

  it('a CSP without blob:: the Blob load is refused (WORKLET_BLOCKED_BY_CSP event), the moduleUrl fallback runs', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}?csp`);
    const cspOn = await session.page.evaluate(async () => {
      // Prove the policy is really in force: a Blob module of our own is refused by the page itself.
      const script = document.createElement('script');
      script.src = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
      const refused = new Promise<boolean>((res) => {
        script.onload = () => res(false);
        script.onerror = () => res(true);
      });
      document.head.append(script);
      return refused;
    });
    expect(cspOn).toBe(true);
    const r = await startInPage(
      session,
      { microphone: false, sources: { constant: CONSTANT }, moduleUrl: `${WORKLETS}/constant.processor.js` },
      'fixture-constant',
    );
    expect(r).toMatchObject({ ok: true, state: 'running', worklets: { via: 'url', url: `${http.origin()}${WORKLETS}/constant.processor.js` } });
    expect(r.events).toEqual([{ name: 'workletFallback', code: 'WORKLET_BLOCKED_BY_CSP', url: `${http.origin()}${WORKLETS}/constant.processor.js` }]);

    // Without a moduleUrl there is nothing to fall back to: the error itself, with the remedy.
    await session.page.evaluate(() => (window as unknown as { engine: { stop(): Promise<void> } }).engine.stop());
    const noFallback = await startInPage(session, { microphone: false, sources: { constant: CONSTANT } });
    expect(noFallback.error).toMatchObject({ code: 'WORKLET_BLOCKED_BY_CSP', details: { url: 'blob:(voicewire processors)' } });
    expect(noFallback.error!.remedy).toContain('blob:');
    expect(noFallback.error!.remedy).toContain('moduleUrl');

    // A URL module from an origin script-src does not allow: the server answers JavaScript, the page refuses it.
    const foreign = `${http.origin('127.0.0.1')}${WORKLETS}/constant.processor.js`;
    const refused = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: foreign });
    expect(refused.error).toMatchObject({ code: 'WORKLET_BLOCKED_BY_CSP', details: { url: foreign, status: 200, contentType: 'text/javascript; charset=utf-8' } });
    expect(refused.error!.remedy).toContain('script-src');
    // Chromium fires no securitypolicyviolation for a refused worklet URL module either: the preflight decides.
    expect(refused.error!.details.cspViolation).toBeNull();
    expect(await escaped(session)).toEqual([]);
  });

  it('a syntax error: WORKLET_SYNTAX_ERROR, from a URL and from a Blob', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const fromUrl = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: `${WORKLETS}/syntax-error.processor.js` });
    expect(fromUrl.error).toMatchObject({ code: 'WORKLET_SYNTAX_ERROR', details: { status: 200, contentType: 'text/javascript; charset=utf-8' } });
    expect(fromUrl.error!.cause).toMatch(/^SyntaxError: /);
    const fromBlob = await startInPage(session, { microphone: false, sources: { broken: fixtureSource('syntax-error.processor.js') } });
    expect(fromBlob.error).toMatchObject({ code: 'WORKLET_SYNTAX_ERROR' });
    expect(await escaped(session)).toEqual([]);
  });

  it('a module that registers no processor: WORKLET_PROCESSOR_NOT_REGISTERED at node construction', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const r = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: `${WORKLETS}/registers-nothing.processor.js` }, 'voicewire-playback');
    expect(r.error).toMatchObject({ code: 'WORKLET_PROCESSOR_NOT_REGISTERED', details: { name: 'voicewire-playback' } });
    expect(r.error!.cause).toMatch(/^InvalidStateError: /);
    expect(r.error!.message).toContain("registerProcessor('voicewire-playback'");
    expect(r.error!.remedy).toContain('dist/worklets/voicewire.processor.js');
    expect(await escaped(session)).toEqual([]);
  });

  it('self-hosted: the one file dist/worklets/voicewire.processor.js registers both processors, fetched once', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    log.paths.length = 0;
    const r = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: '/dist/worklets/voicewire.processor.js' }, 'voicewire-playback', {
      numberOfInputs: 0, outputChannelCount: [1], processorOptions: { handoff: 'port', targetMs: 60, minMs: 20, maxMs: 500, statsIntervalMs: 1000 },
    });
    expect(r).toMatchObject({ ok: true, state: 'running', worklets: { via: 'url', url: `${http.origin()}/dist/worklets/voicewire.processor.js` } });
    // The capture processor came with the same module: its node constructs and its processor starts without error.
    const capture = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { createNode(n: string, o: AudioWorkletNodeOptions): AudioWorkletNode } };
      const node = w.engine.createNode('voicewire-capture', { processorOptions: { handoff: 'port', wireRate: 24000, frameMs: 20, format: 'float32' } });
      const failed = await new Promise<boolean>((res) => {
        node.onprocessorerror = () => res(true);
        setTimeout(() => res(false), 300);
      });
      return { name: node.constructor.name, failed };
    });
    expect(capture).toEqual({ name: 'AudioWorkletNode', failed: false });
    expect(log.paths.filter((p) => p.includes('processor'))).toEqual(['/dist/worklets/voicewire.processor.js']);
    expect(await escaped(session)).toEqual([]);
  });

  it('the old two-file moduleUrl array: INVALID_OPTION naming the one file, before anything is fetched', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    log.paths.length = 0;
    const r = await startInPage(session, { microphone: false, moduleUrl: ['/dist/worklets/capture.processor.js', '/dist/worklets/playback.processor.js'] });
    expect(r.error).toMatchObject({ code: 'INVALID_OPTION', details: { moduleUrl: 'array' } });
    expect(r.error!.message).toContain('an array of 2');
    expect(r.error!.remedy).toContain("import moduleUrl from 'voicewire/worklets/voicewire.processor.js?url'");
    expect(r.contextLeft).toBeNull();
    expect(log.paths.filter((p) => p.includes('processor'))).toEqual([]);
    expect(await escaped(session)).toEqual([]);
  });

  it('stop() closes the context and the processors; start() after stop() works', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const first = await startInPage(session, { microphone: false, sources: { constant: CONSTANT } }, 'fixture-constant');
    const after = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { context: AudioContext | null; stop(): Promise<void>; start(): Promise<void>; createNode(n: string): AudioWorkletNode } };
      const ctx = w.engine.context!;
      await w.engine.stop();
      const closed = ctx.state;
      const released = w.engine.context === null;
      await w.engine.start();
      w.engine.createNode('fixture-constant');
      const again = w.engine.context!.state;
      await w.engine.stop();
      return { closed, released, again };
    });
    expect(first.ok).toBe(true);
    expect(after).toEqual({ closed: 'closed', released: true, again: 'running' });
    expect(await escaped(session)).toEqual([]);
  });
});

describe('worklet loading at an insecure origin (http://voice.test)', () => {
  const log = requestLog();
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer({ routes: [log.route] });
    session = await launchChromium({ mapHosts: ['voice.test'] });
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });

  it('INSECURE_CONTEXT before any addModule: the server never sees the module request, no context is left', async () => {
    await openAudioPage(session, `${http.origin('voice.test')}${AUDIO_PAGE}`);
    log.paths.length = 0;
    const r = await startInPage(session, { microphone: false, sources: NO_SOURCES, moduleUrl: `${WORKLETS}/constant.processor.js` });
    expect(r.error).toMatchObject({ code: 'INSECURE_CONTEXT', details: { origin: `http://voice.test:${http.port}` } });
    expect(r.error!.remedy).toContain('ssh -L');
    expect(r.contextLeft).toBeNull();
    // The loader alone (the guard in front of addModule) says the same, on a context made by hand.
    const direct = await session.page.evaluate(async (url) => {
      const w = window as unknown as { voicewire: Sdk };
      const ctx = new AudioContext();
      try {
        await w.voicewire.loadWorklets(ctx, { sources: {}, moduleUrl: url });
        return 'loaded';
      } catch (e) {
        return (e as { code: string }).code;
      } finally {
        await ctx.close();
      }
    }, `${WORKLETS}/constant.processor.js`);
    expect(direct).toBe('INSECURE_CONTEXT');
    expect(log.paths.filter((p) => p.includes('worklets'))).toEqual([]);
    expect(await escaped(session)).toEqual([]);
  });

  it('opt-in insecurePlaybackFallback: audioworklet-polyfill runs the processor on the main thread; the mic stays refused', async () => {
    await openAudioPage(session, `${http.origin('voice.test')}${AUDIO_PAGE}`);
    const r = await startInPage(session, { microphone: false, insecurePlaybackFallback: true, sources: { constant: CONSTANT } }, 'fixture-constant', {
      processorOptions: { value: 0.5 },
      outputChannelCount: [1],
    });
    expect(r).toMatchObject({ ok: true, state: 'running', worklets: { via: 'blob' } });
    expect(r.events.map((e) => e.name)).toEqual(['insecurePlayback']);
    const played = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { context: AudioContext }; node: AudioNode & { bufferSize?: number } };
      const ctx = w.engine.context;
      const analyser = ctx.createAnalyser();
      w.node.connect(analyser);
      analyser.connect(ctx.destination); // a ScriptProcessor only runs while it reaches the destination
      const samples = new Float32Array(analyser.fftSize);
      for (let i = 0; i < 100 && samples[samples.length - 1] === 0; i++) {
        await new Promise((res) => setTimeout(res, 20));
        analyser.getFloatTimeDomainData(samples);
      }
      return { last: samples[samples.length - 1], isScriptProcessor: w.node instanceof ScriptProcessorNode, bufferSize: w.node.bufferSize };
    });
    expect(played).toEqual({ last: 0.5, isScriptProcessor: true, bufferSize: 2048 });
    await session.page.evaluate(() => (window as unknown as { engine: { stop(): Promise<void> } }).engine.stop());
    const withMic = await startInPage(session, { insecurePlaybackFallback: true, sources: { constant: CONSTANT } });
    expect(withMic.error).toMatchObject({ code: 'INSECURE_CONTEXT' });
    expect(await escaped(session)).toEqual([]);
  });
});
