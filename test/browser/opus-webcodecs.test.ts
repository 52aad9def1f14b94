import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openSdkPage, type BrowserSession } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { alignedSnr, readWav, run, runAll, tempDir, voiceLike } from '../support/opus-tools.js';
import type { Sdk } from '../support/sdk.js';

const PAGE = '/test/browser/fixtures/sdk.html';


describe('Moshi Opus in real Chromium', () => {
  let http: TestServer;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    http = await startTestServer();
  });
  afterAll(() => http.close());
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('encodes with WebCodecs into a Moshi Ogg Opus stream that opusinfo and opusdec accept, and decodes it back in the page', async () => {
    session = await launchChromium();
    await openSdkPage(session, `${http.origin('localhost')}${PAGE}`);
    const input = voiceLike(2, 24000, 13);
    const result = await session.page.evaluate(async (samples) => {
      const vw = (window as unknown as { voicewire: Sdk }).voicewire;
      const pcm = new Float32Array(samples);
      const probe = await vw.createOpusEncoder({ sampleRate: 24000 });
      const implementation = probe.implementation;
      probe.close();
      const moshi = vw.moshi()();
      await moshi.decode(new Uint8Array([0]));
      const pending: Promise<(string | Uint8Array)[]>[] = [];
      for (let at = 0; at < pcm.length; at += 240) pending.push(moshi.encodeAudio(pcm.subarray(at, at + 240)));
      const messages = (await Promise.all(pending)).flat() as Uint8Array[];
      moshi.close();
      // The same messages, as a server would send them, through the decoder (opus-decoder chunk, main thread).
      const listener = vw.moshi()();
      let decoded = 0;
      const kinds = new Set<string>();
      for (const m of messages) {
        for (const e of await listener.decode(m)) {
          kinds.add(e.type);
          if (e.type === 'audio') decoded += e.pcm.length;
        }
      }
      listener.close();
      const ogg: number[] = [];
      for (const m of messages) for (let i = 1; i < m.length; i++) ogg.push(m[i]);
      return { implementation, kinds: [...kinds], decoded, messages: messages.length, first: messages.map((m) => m[0]), ogg };
    }, Array.from(input));

    expect(result.implementation).toBe('webcodecs');
    expect(result.messages).toBe(50);
    expect(new Set(result.first)).toEqual(new Set([1]));
    expect(result.kinds).toEqual(['audio']);
    expect(result.decoded).toBeGreaterThan(input.length - 480 * 2);

    const dir = tempDir();
    const file = join(dir, 'chromium.opus');
    writeFileSync(file, new Uint8Array(result.ogg));
    const report = runAll('opusinfo', [file]).output;
    expect(report.replace(/WARNING: EOS not set on stream 1\n?/, '')).not.toMatch(/WARNING|ERROR/);
    expect(report).toContain('Original sample rate: 24000 Hz');
    expect(report).toMatch(/Packet duration:\s+20\.0ms \(max\)/);
    run('opusdec', ['--quiet', '--rate', '24000', '--float', file, join(dir, 'chromium.wav')]);
    const { snrDb, lag } = alignedSnr(input, readWav(join(dir, 'chromium.wav')).pcm, 400);
    console.log(`WebCodecs stream via opusdec: lag ${lag}, SNR ${snrDb.toFixed(1)} dB`);
    // The pre-skip comes from Chromium's own OpusHead description: a wrong one shows as a lag of ~150 samples.
    expect(Math.abs(lag)).toBeLessThanOrEqual(2);
    expect(snrDb).toBeGreaterThan(10);
  });

  it("Chromium's own OpusHead counts pre-skip at the input rate (the quirk preSkip48k corrects)", async () => {
    session = await launchChromium();
    await openSdkPage(session, `${http.origin('localhost')}${PAGE}`);
    const preSkip = await session.page.evaluate(async () => {
      let description: AllowSharedBufferSource | undefined;
      const encoder = new AudioEncoder({ output: (_chunk, meta) => (description ??= meta?.decoderConfig?.description), error: () => {} });
      encoder.configure({ codec: 'opus', sampleRate: 24000, numberOfChannels: 1 });
      encoder.encode(new AudioData({ format: 'f32', sampleRate: 24000, numberOfFrames: 960, numberOfChannels: 1, timestamp: 0, data: new Float32Array(960) }));
      await encoder.flush();
      encoder.close();
      return new DataView(description as ArrayBuffer).getUint16(10, true);
    });
    // 156 = 6.5 ms at 24 kHz; RFC 7845 wants 312 (48 kHz). When this fails, Chromium fixed it: preSkip48k passes 312 through.
    expect(preSkip).toBe(156);
  });

  it('at an insecure origin (no WebCodecs, no npm encoder in a page): CODEC_UNSUPPORTED with a remedy', async () => {
    session = await launchChromium({ mapHosts: ['voice.test'] });
    await openSdkPage(session, `${http.origin('voice.test')}${PAGE}`);
    const error = await session.page.evaluate(async () => {
      const vw = (window as unknown as { voicewire: Sdk }).voicewire;
      return vw.createOpusEncoder({ sampleRate: 24000 }).then(
        () => null,
        (e: InstanceType<Sdk['VoicewireError']>) => ({ code: e.code, message: e.message, remedy: e.remedy }),
      );
    });
    expect(error?.code).toBe('CODEC_UNSUPPORTED');
    expect(error?.message).toMatch(/^No Opus encoder is available here \(WebCodecs AudioEncoder could not be loaded: Error: AudioEncoder is not available\.; .*opusscript could not be loaded: /);
    expect(error?.remedy).toContain('secure origin');
  });
});
