import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AUDIO_PAGE, escaped, fixtureSource, openAudioPage, requestLog, startInPage } from './audio-harness.js';

const SOURCES = { constant: fixtureSource('constant.processor.js') };

describe('microphone with Chromium\'s fake capture device', () => {
  const log = requestLog();
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer({ routes: [log.route] });
    session = await launchChromium();
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });
  beforeEach(async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    log.paths.length = 0;
  });

  it('happy path: context at the device rate, processors from a Blob (no file served), mic with voice processing on, signal flows', async () => {
    const r = await startInPage(session, { sources: SOURCES }, 'fixture-constant');
    expect(r).toMatchObject({ ok: true, state: 'running', worklets: { via: 'blob' }, events: [] });
    const seen = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { context: AudioContext; microphone: MediaStream; microphoneSource: MediaStreamAudioSourceNode } };
      const track = w.engine.microphone.getAudioTracks()[0];
      const settings = track.getSettings();
      const deviceRate = new AudioContext();
      const analyser = w.engine.context.createAnalyser();
      w.engine.microphoneSource.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peak = 0;
      // Chromium's fake device beeps once a second: listen up to 2 s for a real signal, not the first non-zero sample.
      for (let i = 0; i < 100 && peak <= 0.01; i++) {
        await new Promise((res) => setTimeout(res, 20));
        analyser.getFloatTimeDomainData(samples);
        for (const s of samples) peak = Math.max(peak, Math.abs(s));
      }
      const result = {
        rate: w.engine.context.sampleRate,
        deviceRate: deviceRate.sampleRate,
        echoCancellation: settings.echoCancellation,
        noiseSuppression: settings.noiseSuppression,
        autoGainControl: settings.autoGainControl,
        hearsSomething: peak > 0.01,
      };
      await deviceRate.close();
      return result;
    });
    expect(seen).toEqual({ rate: seen.deviceRate, deviceRate: seen.deviceRate, echoCancellation: true, noiseSuppression: true, autoGainControl: true, hearsSomething: true });
    expect(log.paths.filter((p) => p.includes('worklets'))).toEqual([]);
    expect(await escaped(session)).toEqual([]);
  });

  it('voice processing can be turned off through options', async () => {
    const r = await startInPage(session, { sources: SOURCES, microphone: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    expect(r.ok).toBe(true);
    const settings = await session.page.evaluate(() => {
      const s = (window as unknown as { engine: { microphone: MediaStream } }).engine.microphone.getAudioTracks()[0].getSettings();
      return [s.echoCancellation, s.noiseSuppression, s.autoGainControl];
    });
    expect(settings).toEqual([false, false, false]);
  });

  it('a device that does not exist: OverconstrainedError becomes MICROPHONE_NOT_FOUND, nothing stays open', async () => {
    const r = await startInPage(session, { sources: SOURCES, microphone: { deviceId: 'no-such-device' } });
    expect(r.error).toMatchObject({ code: 'MICROPHONE_NOT_FOUND', details: { constraint: 'deviceId' } });
    expect(r.error!.cause).toBe('OverconstrainedError: '); // Chromium's own words (none), pinned
    expect(r.contextLeft).toBeNull();
    expect(await escaped(session)).toEqual([]);
  });

  it('a track that ends mid-session is a microphoneEnded event (MICROPHONE_ENDED); stop() ends the tracks', async () => {
    await startInPage(session, { sources: SOURCES });
    const r = await session.page.evaluate(async () => {
      const w = window as unknown as { engine: { microphone: MediaStream; stop(): Promise<void> }; engineEvents: Array<{ name: string }> };
      const track = w.engine.microphone.getAudioTracks()[0];
      // What the browser fires when the device goes away; a headless fake device cannot be unplugged.
      track.dispatchEvent(new Event('ended'));
      const events = [...w.engineEvents];
      await w.engine.stop();
      return { events, readyState: track.readyState, microphone: w.engine.microphone };
    });
    expect(r.events).toEqual([{ name: 'microphoneEnded', code: 'MICROPHONE_ENDED', message: expect.stringContaining('stopped delivering audio') }]);
    expect(r).toMatchObject({ readyState: 'ended', microphone: null });
  });
});

describe('microphone permission denied', () => {
  let http: TestServer;
  let session: BrowserSession;
  beforeAll(async () => {
    http = await startTestServer();
    // Without --use-fake-ui-for-media-stream the permission request is answered "deny" in headless Chromium.
    session = await launchChromium({ fakeMicUi: false });
  });
  afterAll(async () => {
    await session.close();
    await http.close();
  });

  it('NotAllowedError becomes MICROPHONE_DENIED with a remedy, and the context is closed again', async () => {
    await openAudioPage(session, `${http.origin()}${AUDIO_PAGE}`);
    const r = await startInPage(session, { sources: SOURCES });
    expect(r.error).toMatchObject({ code: 'MICROPHONE_DENIED' });
    expect(r.error!.cause).toBe('NotAllowedError: Permission denied'); // Chromium's own words, pinned
    expect(r.error!.remedy).toContain('address bar');
    expect(r.contextLeft).toBeNull();
    expect(await escaped(session)).toEqual([]);
  });
});
