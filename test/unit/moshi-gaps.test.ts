import { describe, expect, it } from 'vitest';
import { OggGapDetector } from '../../src/codecs/ogg-gaps.js';
import { OggOpusWriter, concat } from '../../src/codecs/ogg-writer.js';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import { MoshiProtocol } from '../../src/protocols/moshi/moshi.js';
import type { ProtocolEvent } from '../../src/protocols/protocol.js';
import { voiceLike } from '../support/opus-tools.js';

/** 1 s of voice-like audio from the server as Moshi frames it: 0x01 + one Ogg page of 2 × 20 ms packets each. */
async function serverMessages(): Promise<Uint8Array[]> {
  const encoder = await createOpusEncoder({ sampleRate: 24000, implementation: 'wasm' });
  const packets = await encoder.encode(voiceLike(1, 24000, 5));
  encoder.close();
  const writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: 312, packetsPerPage: 2 });
  const headers = writer.headers();
  const pages = packets.map((p) => writer.writePacket(p)).filter((p): p is Uint8Array => p !== null);
  return [concat([new Uint8Array([1]), headers, pages[0]]), ...pages.slice(1).map((p) => concat([new Uint8Array([1]), p]))];
}

async function decodeAll(messages: Uint8Array[], options = {}): Promise<ProtocolEvent[]> {
  const moshi = new MoshiProtocol(options);
  const events = (await Promise.all(messages.map((m) => moshi.decode(m)))).flat();
  moshi.close();
  return events;
}

const samplesOf = (events: ProtocolEvent[]) => events.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);

describe('Moshi: lost Ogg pages are concealed in place by the Opus decoder', () => {
  it('two lost pages (80 ms): a filled gap event, Opus PLC audio of that length, and every later sample in place', async () => {
    const messages = await serverMessages();
    const whole = await decodeAll(messages);
    const lossy = await decodeAll(messages.filter((_, i) => i !== 5 && i !== 6));
    const gaps = lossy.filter((e) => e.type === 'gap');
    expect(gaps).toEqual([{ type: 'gap', durationMs: 80, frames: 2, filled: true }]);
    // The audio keeps its length: the concealment stands where the lost pages were, nothing after them moved.
    expect(samplesOf(lossy)).toBe(samplesOf(whole));
    const at = lossy.findIndex((e) => e.type === 'gap');
    const plc = lossy[at + 1];
    expect(plc.type === 'audio' && plc.pcm.length).toBe(1920);
    // libopus's concealment continues the voice, not silence: its first 10 ms carry most of the level of the last
    // 10 ms before the gap.
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    const before = lossy.slice(0, at).reverse().find((e) => e.type === 'audio');
    if (plc.type !== 'audio' || before?.type !== 'audio') throw new Error('no audio around the gap');
    expect(rms(plc.pcm.subarray(0, 240))).toBeGreaterThan(0.3 * rms(before.pcm.subarray(before.pcm.length - 240)));
    expect(lossy.filter((e) => e.type === 'error')).toHaveLength(1); // the page sequence jump is still reported
  });

  it('without a decoder (decodeAudio: false) the lost time is an unfilled gap event', async () => {
    const messages = await serverMessages();
    const events = await decodeAll(messages.filter((_, i) => i !== 9), { decodeAudio: false });
    expect(events.filter((e) => e.type === 'gap')).toEqual([{ type: 'gap', durationMs: 40, frames: 1, filled: false }]);
  });
});

describe('OggGapDetector', () => {
  const packet = new Uint8Array([0x78, 1]); // CELT 20 ms: 960 samples at 48 kHz
  it('learns Moshi\'s 24 kHz granule unit from pages in sequence, then measures a granule jump without lost pages', () => {
    const d = new OggGapDetector();
    expect(d.page(960, 0, [packet, packet])).toBe(0);
    expect(d.page(1920, 0, [packet, packet])).toBe(0); // advance 960 for 1920 samples at 48 kHz: unit 0.5
    expect(d.page(3840, 0, [packet, packet])).toBe(1920); // advance 1920 = 3840 samples, 1920 of them missing
    expect(d.page(4800, 3, [packet, packet])).toBe(0); // lost page numbers, yet the granule says nothing is missing
  });

  it('before the unit is known, lost pages count as the last page\'s duration', () => {
    const d = new OggGapDetector();
    d.page(1920, 0, [packet, packet]);
    expect(d.page(9000, 2, [packet])).toBe(3840);
  });

  it('a jump over 1 s (a restart or a corrupt granule position) is a new reference, not a gap to conceal', () => {
    const d = new OggGapDetector();
    d.page(960, 0, [packet, packet]);
    d.page(1920, 0, [packet, packet]); // unit 0.5
    expect(d.page(1920 + 2 ** 50, 0, [packet, packet])).toBe(0);
    expect(d.page(2 ** 50 + 960 + 1920 + 960, 0, [packet, packet])).toBe(1920); // measured from the new reference
    const early = new OggGapDetector(); // unit not learnt yet: lost page numbers worth far more than 1 s
    early.page(1920, 0, [packet, packet]);
    expect(early.page(9000, 40_000, [packet])).toBe(0);
  });
});
