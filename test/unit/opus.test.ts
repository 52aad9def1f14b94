import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVoicewireError } from '../../src/errors/errors.js';
import { OggOpusReader } from '../../src/codecs/ogg-opus-reader.js';
import { createOpusDecoder } from '../../src/codecs/opus-decoder.js';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import { preSkip48k } from '../../src/codecs/opus-encoder-webcodecs.js';
import { prng } from '../support/prng.js';
import { alignedSnr, readWav, run, tempDir, voiceLike, writeWav16 } from '../support/opus-tools.js';

const RATE = 24000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Opus decoding (opus-decoder) against opusdec', () => {
  it('decodes an opusenc file to what opusdec decodes, after alignment', async () => {
    const dir = tempDir();
    writeWav16(join(dir, 'in.wav'), voiceLike(3, RATE, 11), RATE);
    run('opusenc', ['--quiet', '--framesize', '20', '--bitrate', '32', join(dir, 'in.wav'), join(dir, 'ref.opus')]);
    run('opusdec', ['--quiet', '--rate', String(RATE), '--float', join(dir, 'ref.opus'), join(dir, 'ref.wav')]);
    const reference = readWav(join(dir, 'ref.wav')).pcm;

    const { head, packets } = new OggOpusReader().push(new Uint8Array(readFileSync(join(dir, 'ref.opus'))));
    const decoder = await createOpusDecoder({ sampleRate: RATE, preSkip: head!.preSkip });
    const { pcm, issues } = decoder.decode(packets);
    decoder.close();
    expect(issues).toEqual([]);
    // opusdec stops at the last granule; we decode whole packets, so we may hold up to one packet more.
    expect(pcm.length - reference.length).toBeGreaterThanOrEqual(0);
    expect(pcm.length - reference.length).toBeLessThan(480);
    const { snrDb, lag } = alignedSnr(reference, pcm, 100);
    console.log(`opus-decoder vs opusdec: lag ${lag}, SNR ${snrDb.toFixed(1)} dB`);
    // Same libopus bitstream, different builds (opusdec: Debian's, float; opus-decoder: wasm) and opusdec's
    // dither-free float output: they agree far beyond audibility. 40 dB is the bar; a missed or double pre-skip
    // shows as a lag, a wrong rate or channel count as an SNR near 0.
    expect(lag).toBe(0);
    expect(snrDb).toBeGreaterThan(40);
  });

  it('reports a corrupt or oversized packet and decodes the packets around it', async () => {
    const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    const good = await encoder.encode(voiceLike(0.06, RATE));
    encoder.close();
    const decoder = await createOpusDecoder({ sampleRate: RATE });
    const corrupt = new Uint8Array([0xff, 0xff, 0xff, 1, 2, 3]);
    const { pcm, issues } = decoder.decode([good[0], corrupt, good[1], new Uint8Array(5000), good[2]]);
    decoder.close();
    expect(pcm.length).toBe(3 * 480);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ packet: 1 });
    expect(issues[0].reason).toMatch(/OPUS_INVALID_PACKET/);
    expect(issues[1]).toEqual({ packet: 3, reason: 'Opus packet of 5000 bytes exceeds 3840 (not a mono Opus packet)' });
  });
});

describe('Opus encoding', () => {
  it('makes the same packets whatever the PCM chunking (20 ms frames, the rest carried over)', async () => {
    const pcm = voiceLike(1, RATE, 5);
    const whole = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    const reference = (await whole.encode(pcm)).map(hex);
    whole.close();
    expect(reference).toHaveLength(50);

    const seed = 77;
    console.log(`opus chunking seed ${seed}`);
    const rnd = prng(seed);
    const chunked = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    const got: string[] = [];
    for (let at = 0; at < pcm.length; ) {
      const n = 1 + Math.floor(rnd() * 1500);
      got.push(...(await chunked.encode(pcm.subarray(at, at + n))).map(hex));
      at += n;
    }
    chunked.close();
    expect(got).toEqual(reference);
  });

  it('encodes what decodes back to the input (wasm encoder → opus-decoder)', async () => {
    const input = voiceLike(2, RATE, 9);
    const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    expect(encoder).toMatchObject({ implementation: 'opusscript', sampleRate: RATE, preSkip: 312 });
    const packets = await encoder.encode(input);
    encoder.close();
    const decoder = await createOpusDecoder({ sampleRate: RATE, preSkip: encoder.preSkip });
    const { pcm } = decoder.decode(packets);
    decoder.close();
    const { snrDb, lag } = alignedSnr(input, pcm, 400);
    expect(Math.abs(lag)).toBeLessThanOrEqual(2); // see ogg.test.ts: fractional group delay
    expect(snrDb).toBeGreaterThan(15);
  });

  it('is CODEC_UNSUPPORTED where WebCodecs is required and absent (Node has no AudioEncoder)', async () => {
    const error = await createOpusEncoder({ sampleRate: RATE, implementation: 'webcodecs' }).catch((e: unknown) => e);
    expect(isVoicewireError(error, 'CODEC_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toBe('No Opus encoder is available here (WebCodecs AudioEncoder could not be loaded: Error: AudioEncoder is not available.)');
  });

  it('corrects a pre-skip reported at the input rate (Chromium) and keeps a correct 48 kHz one', () => {
    expect(preSkip48k(156, 24000)).toBe(312);
    expect(preSkip48k(60, 24000)).toBe(120); // restricted low-delay: 2.5 ms
    expect(preSkip48k(312, 24000)).toBe(312);
    expect(preSkip48k(312, 48000)).toBe(312);
  });

  it('rejects a rate Opus cannot encode with INVALID_OPTION', async () => {
    const error = await createOpusEncoder({ sampleRate: 44100 }).catch((e: unknown) => e);
    expect(isVoicewireError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message).toBe('Opus cannot encode at 44100 Hz');
  });
});
