import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EngineName, type EngineOptions } from '../support/engines/index.js';
import { AUDIO_PAGE, WORKLETS, fixtureSource, type StartOutcome } from './audio-harness.js';
import { clickConnect, startEngineRig, type EngineRig } from './engines-harness.js';

const CONSTANT = fixtureSource('constant.processor.js');

const startEngine = (rig: EngineRig, options: Record<string, unknown>) =>
  rig.page.evaluate((o) => (window as unknown as { audioTest: { start(o: unknown): Promise<StartOutcome> } }).audioTest.start(o), options);

const unhandled = (rig: EngineRig) => rig.page.evaluate(() => (window as unknown as { audioTest: { unhandled: string[] } }).audioTest.unhandled);

describe.each(ENGINES)('worklet failures in %s', (engine) => {
  let rig: EngineRig;
  beforeAll(async () => {
    rig = await startEngineRig(engine, {}, {
      routes: [
        (req, res) => {
          // The SPA-fallback trap: an HTML page where the processor should be.
          if (req.url?.startsWith('/app/worklets/')) {
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<!doctype html><title>app</title>');
            return true;
          }
          if (req.url?.includes('audio.html?csp')) res.setHeader('Content-Security-Policy', "script-src 'self'");
          return false;
        },
      ],
    });
  });
  afterAll(() => rig?.close());

  it('404 → WORKLET_NOT_FOUND; HTML instead of JavaScript → WORKLET_NOT_JAVASCRIPT; nothing left open', async () => {
    await rig.open('localhost', AUDIO_PAGE);
    const missing = await startEngine(rig, { microphone: false, sources: {}, moduleUrl: `${WORKLETS}/missing.processor.js` });
    expect(missing.error).toMatchObject({ code: 'WORKLET_NOT_FOUND', details: { status: 404 } });
    expect(missing.contextLeft).toBeNull();
    const html = await startEngine(rig, { microphone: false, sources: {}, moduleUrl: '/app/worklets/voicewire.processor.js' });
    expect(html.error).toMatchObject({ code: 'WORKLET_NOT_JAVASCRIPT', details: { status: 200, contentType: 'text/html; charset=utf-8' } });
    expect(html.contextLeft).toBeNull();
    expect(await unhandled(rig)).toEqual([]);
  });

  it('a CSP without blob: refuses the Blob module; the self-hosted moduleUrl is loaded instead (WORKLET_BLOCKED_BY_CSP event)', async () => {
    await rig.open('localhost', `${AUDIO_PAGE}?csp`);
    const r = await startEngine(rig, { microphone: false, sources: { constant: CONSTANT }, moduleUrl: `${WORKLETS}/constant.processor.js` });
    expect(r).toMatchObject({ ok: true, worklets: { via: 'url' } });
    console.log(engine, JSON.stringify(r.events));
    // Started by a call, not a gesture, and without capture: WebKit may also report 'blocked' here (see
    // docs/browser-engines.md); this test is about the CSP fallback.
    expect(r.events.filter((e) => e.name === 'workletFallback')).toEqual([{ name: 'workletFallback', code: 'WORKLET_BLOCKED_BY_CSP', url: `${rig.server.origin()}${WORKLETS}/constant.processor.js` }]);
    expect(await unhandled(rig)).toEqual([]);
  });
});

/** How each engine is told that no capture device exists, or that the user said no. */
const MICROPHONE_CASES: Array<[EngineName, 'denied' | 'absent']> = ENGINES.flatMap((e) => [[e, 'denied'], [e, 'absent']] as Array<[EngineName, 'denied' | 'absent']>);

describe.each(MICROPHONE_CASES)('microphone in %s: %s', (engine, microphone) => {
  let rig: EngineRig;
  const launch: EngineOptions = { microphone, mapHosts: ['voice.test'] };
  // Quirk Q2's Firefox switch, checked in this launch to save one: the pref makes voice.test a secure context.
  if (engine === 'firefox' && microphone === 'absent') launch.extra = { firefoxPrefs: { 'dom.securecontext.allowlist': 'voice.test' } };
  beforeAll(async () => {
    rig = await startEngineRig(engine, launch);
    await rig.open();
  });
  afterAll(() => rig?.close());

  // Quirk Q7 (test setup only): WebKitGTK's automation grants every capture request (there is no prompt to refuse),
  // and Firefox with real devices finds the PulseAudio null sink's monitor as a microphone, so those two cases are
  // pinned as expectations.
  const cannotStage = (engine === 'webkit' && microphone === 'denied') || (engine === 'firefox' && microphone === 'absent');
  it(cannotStage
    ? `expectation: ${engine} still opens a microphone here (${microphone} cannot be staged; docs/browser-engines.md), the session starts`
    : `start() fails with ${microphone === 'denied' ? 'MICROPHONE_DENIED' : 'MICROPHONE_NOT_FOUND ("No microphone was found.")'} and leaves nothing open`, async () => {
    const r = await clickConnect(rig.page, { url: '/ws' });
    if (cannotStage) {
      expect(r).toEqual({ ok: true });
      console.log(`${engine} ${microphone}: opened "${await rig.page.evaluate(() => (window as unknown as { opened: { streams: MediaStream[] } }).opened.streams[0].getAudioTracks()[0].label)}"`);
      await rig.page.evaluate(() => (window as unknown as { t: { session: { stop(): Promise<void> } } }).t.session.stop());
      return;
    }
    expect(r.ok).toBe(false);
    if (microphone === 'denied') {
      expect(r.error).toMatchObject({ code: 'MICROPHONE_DENIED' });
    } else {
      expect(r.error).toMatchObject({ code: 'MICROPHONE_NOT_FOUND', message: 'No microphone was found.' });
    }
    console.log(`${engine} ${microphone}: ${r.error!.cause}`);
    const opened = await rig.page.evaluate(() => (window as unknown as { t: { opened(): { contexts: string[]; sockets: number[] } } }).t.opened());
    expect(opened.contexts.every((s) => s === 'closed')).toBe(true);
    expect(opened.sockets).toEqual([]);
    expect(await rig.page.errors()).toEqual([]);
  });

  it.runIf(engine === 'firefox' && microphone === 'absent')('Firefox\'s dom.securecontext.allowlist pref makes http://voice.test a secure context (the remedy\'s switch works)', async () => {
    await rig.open('voice.test');
    expect(await rig.page.evaluate(() => ({ secure: isSecureContext, worklet: 'audioWorklet' in AudioContext.prototype }))).toEqual({ secure: true, worklet: true });
  });
});
