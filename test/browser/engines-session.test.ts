import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/engines/index.js';
import { assertEchoesMicrophone, clickConnect, openedInPage, pageEvents, RAW_MIC, startEngineRig, stopInPage, toneWav, type EngineRig } from './engines-harness.js';

describe.each(ENGINES)('session in %s (echo server, fake microphone)', (engine) => {
  let rig: EngineRig;
  beforeAll(async () => {
    rig = await startEngineRig(engine, engine === 'chromium' ? { fakeMicWav: toneWav() } : {});
    await rig.open();
  });
  afterAll(() => rig?.close());

  it.each([
    ['voicewire', '/ws'],
    ['moshi', '/api/chat'],
  ])('%s on %s: the microphone comes back through playback (checked through a tap); stop() releases socket, microphone and context', async (protocol, url) => {
    const { page } = rig;
    const before = rig.received[url];
    const outcome = await clickConnect(page, { url, protocol, engine: { microphone: RAW_MIC } });
    expect(outcome).toEqual({ ok: true });
    await assertEchoesMicrophone(page);
    expect(rig.received[url]).toBeGreaterThan(before + 20);
    await stopInPage(page);
    const opened = await openedInPage(page);
    expect(opened.contexts.length).toBeGreaterThan(0);
    expect(opened.contexts.every((s) => s === 'closed')).toBe(true);
    expect(opened.tracks.length).toBeGreaterThan(0);
    expect(opened.tracks.every((s) => s === 'ended')).toBe(true);
    await page.waitFor(() => (window as unknown as { opened: { sockets: WebSocket[] } }).opened.sockets.every((s) => s.readyState === WebSocket.CLOSED));
    const events = await pageEvents(page);
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
    expect(await page.errors()).toEqual([]);
  });
});
