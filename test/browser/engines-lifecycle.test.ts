import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EnginePage } from '../support/engines/index.js';
import { clickConnect, ENGINES_PAGE, pageEvents, RAW_MIC, startEngineRig, stopInPage, type EngineRig, type PageEvent } from './engines-harness.js';

const audioStates = (events: PageEvent[]) => events.filter((e) => e.name === 'audio').map((e) => e.state);

/** Frames the server receives in `ms`. */
async function framesDuring(rig: EngineRig, ms: number): Promise<number> {
  const before = rig.received['/ws'];
  await new Promise((r) => setTimeout(r, ms));
  return rig.received['/ws'] - before;
}

function waitForAudioState(page: EnginePage, state: string, after = 0): Promise<void> {
  return page.waitFor(
    ([s, n]) => (window as unknown as { t: { events: PageEvent[] } }).t.events.filter((e) => e.name === 'audio').slice(n).some((e) => e.state === s),
    [state, after] as [string, number],
    { what: `audio event '${state}'` },
  );
}

describe.each(ENGINES)('audio lifecycle in %s', (engine) => {
  let rig: EngineRig;
  beforeAll(async () => {
    rig = await startEngineRig(engine);
    await rig.open();
  });
  afterAll(() => rig?.close());

  it('an interruption mid-call (the context suspended) is reported, a click resumes it and frames flow to the server again', async () => {
    const { page } = rig;
    expect(await clickConnect(page, { url: '/ws', engine: { microphone: RAW_MIC } })).toEqual({ ok: true });
    await waitForAudioState(page, 'running');
    expect(await framesDuring(rig, 1000)).toBeGreaterThan(20);
    const seen = audioStates(await pageEvents(page)).length;
    // The stand-in for an OS interruption (Safari's 'interrupted' on a call): the context leaves 'running'.
    await page.evaluate(() => (window as unknown as { t: { session: { audioContext: AudioContext } } }).t.session.audioContext.suspend());
    await waitForAudioState(page, 'interrupted', seen);
    // A frame or two may be in flight; the capture worklet no longer runs.
    expect(await framesDuring(rig, 1000)).toBeLessThanOrEqual(3);
    await page.click('#talk');
    await waitForAudioState(page, 'running', seen);
    await page.waitFor(() => (window as unknown as { t: { session: { audioContext: AudioContext } } }).t.session.audioContext.state === 'running');
    expect(await framesDuring(rig, 1500)).toBeGreaterThan(30);
    expect(audioStates(await pageEvents(page)).slice(seen)).toEqual(['interrupted', 'running']);
    const events = await pageEvents(page);
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
    await stopInPage(page);
    expect(await page.errors()).toEqual([]);
  });

  // Quirk Q3: Firefox's MediaStreamTrack ignores a dispatched 'ended' (no listener runs, the SDK's included), so an
  // unplugged device cannot be staged there: in Firefox the same steps pin that (nothing reported, audio still
  // running); the day Firefox delivers it, this fails and the Firefox branch goes.
  const stagesDeviceLoss = engine !== 'firefox';
  it(stagesDeviceLoss
    ? 'the microphone track ending mid-call is reported as microphone "ended" and audio "device-lost"'
    : 'expectation: Firefox does not deliver a dispatched "ended" to a MediaStreamTrack\'s listeners, so the session reports nothing and keeps running', async () => {
    const { page } = rig;
    await page.evaluate(() => {
      (window as unknown as { t: { events: unknown[] } }).t.events.length = 0;
    });
    // microphoneFallback 'none': the loss stays reported as it is (the default, switching to the default microphone,
    // is session-microphone-fallback.test.ts).
    expect(await clickConnect(page, { url: '/ws', microphoneFallback: 'none', engine: { microphone: RAW_MIC } })).toEqual({ ok: true });
    await waitForAudioState(page, 'running');
    // What the browser does when the device goes away: the track ends (dispatched here; our own stop() fires no
    // 'ended'). A listener of the test's own counts deliveries.
    const delivered = await page.evaluate(() => {
      const streams = (window as unknown as { opened: { streams: MediaStream[] } }).opened.streams;
      const track = streams[streams.length - 1].getAudioTracks()[0];
      let count = 0;
      track.addEventListener('ended', () => count++);
      track.dispatchEvent(new Event('ended'));
      return count;
    });
    expect(delivered).toBe(stagesDeviceLoss ? 1 : 0);
    if (stagesDeviceLoss) await waitForAudioState(page, 'device-lost');
    else expect(await framesDuring(rig, 500)).toBeGreaterThan(10);
    const events = await pageEvents(page);
    expect(events.filter((e) => e.name === 'microphone').map((e) => (e as unknown as { type: string }).type)).toEqual(stagesDeviceLoss ? ['ended'] : []);
    expect(events.filter((e) => e.name === 'error').map((e) => [e.code, e.fatal])).toEqual(stagesDeviceLoss ? [['MICROPHONE_ENDED', false]] : []);
    expect(audioStates(events)).toEqual(stagesDeviceLoss ? ['running', 'device-lost'] : ['running']);
    await stopInPage(page);
  });
});

describe.each(ENGINES)('autoplay in %s, with the browser\'s default policy', (engine) => {
  let rig: EngineRig;
  beforeAll(async () => {
    rig = await startEngineRig(engine, { autoplay: false });
  });
  afterAll(() => rig?.close());

  it(engine === 'webkit'
    ? 'expectation: WebKitGTK starts Web Audio without a gesture, so a session started on load runs at once (Safari would block it; docs/browser-engines.md)'
    : 'a session started on load without a gesture reports AUDIO_CONTEXT_BLOCKED and audio "blocked"; the first click runs it and frames flow', async () => {
    const { page } = rig;
    await rig.open('localhost', `${ENGINES_PAGE}?autostart=/ws`);
    await page.waitFor(() => (window as unknown as { t: { outcomes: unknown[] } }).t.outcomes.length === 1, undefined, { what: 'the autostarted session' });
    let events = await pageEvents(page);
    if (engine === 'webkit') {
      await waitForAudioState(page, 'running');
      expect(events.filter((e) => e.name === 'error')).toEqual([]);
    } else {
      expect(events.filter((e) => e.name === 'error').map((e) => [e.code, e.fatal])).toEqual([['AUDIO_CONTEXT_BLOCKED', false]]);
      expect(audioStates(events)).toEqual(['blocked']);
      expect(await framesDuring(rig, 500)).toBe(0);
      await page.click('#talk');
      await waitForAudioState(page, 'running');
      events = await pageEvents(page);
      expect(audioStates(events)).toEqual(['blocked', 'running']);
    }
    expect(await framesDuring(rig, 1500)).toBeGreaterThan(30);
    await stopInPage(page);
    expect(await page.errors()).toEqual([]);
  });

  // Quirk Q1: Firefox takes 1.4–2.3 s after a click to run a new context; a fixed wait called that a block.
  const clicks = engine === 'firefox' ? 20 : 3;
  it(`${clicks} clicked Connects in a row: never AUDIO_CONTEXT_BLOCKED, and each session's audio runs`, async () => {
    const { page } = rig;
    await rig.open();
    const startedMs: number[] = [];
    for (let i = 0; i < clicks; i++) {
      await page.evaluate(() => {
        const t = (window as unknown as { t: { options: unknown; events: unknown[] } }).t;
        t.options = { url: '/ws', engine: { microphone: { echoCancellation: false } } };
        t.events.length = 0;
      });
      const at = Date.now();
      await page.click('#talk');
      await page.waitFor((n) => (window as unknown as { t: { outcomes: unknown[] } }).t.outcomes.length === n, i + 1, { what: `Connect ${i + 1}` });
      await waitForAudioState(page, 'running');
      startedMs.push(Date.now() - at);
      const events = await pageEvents(page);
      expect(events.filter((e) => e.name === 'error'), `Connect ${i + 1}`).toEqual([]);
      expect(audioStates(events)).toEqual(['running']);
      await stopInPage(page);
    }
    console.log(`${engine}: ${clicks} clicked Connects, click → audio running in ${startedMs.join(', ')} ms`);
    const outcomes = await page.evaluate(() => (window as unknown as { t: { outcomes: unknown[] } }).t.outcomes);
    expect(outcomes).toEqual(Array.from({ length: clicks }, () => ({ ok: true })));
  });
});
