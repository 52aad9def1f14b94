import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { oggCrc32 } from '../../src/codecs/crc32.js';
import { OggOpusReader } from '../../src/codecs/ogg-opus-reader.js';
import { OggPageReader } from '../../src/codecs/ogg-page-reader.js';
import { OggOpusWriter, concat } from '../../src/codecs/ogg-writer.js';
import { createOpusEncoder } from '../../src/codecs/opus-encoder.js';
import { prng } from '../support/prng.js';
import { alignedSnr, readWav, run, runAll, tempDir, voiceLike, writeWav16 } from '../support/opus-tools.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const RATE = 24000;

describe('Ogg CRC-32', () => {
  it('is the MSB-first 0x04c11db7 CRC with zero init and no final xor (check value of "123456789")', () => {
    expect(oggCrc32(new TextEncoder().encode('123456789'))).toBe(0x89a1897f);
  });
});

describe('OggOpusWriter', () => {
  it('writes the golden BOS (OpusHead) and OpusTags pages', () => {
    const writer = new OggOpusWriter({ serial: 0x01020304, inputSampleRate: RATE, preSkip: 312 });
    const bos =
      '4f676753' + '00' + '02' + '0000000000000000' + '04030201' + '00000000' + 'd0155938' + '01' + '13' +
      '4f70757348656164' + '01' + '01' + '3801' + 'c05d0000' + '0000' + '00';
    const tags =
      '4f676753' + '00' + '00' + '0000000000000000' + '04030201' + '01000000' + 'd8106640' + '01' + '19' +
      '4f70757354616773' + '09000000' + hex(new TextEncoder().encode('voicewire')) + '00000000';
    expect(hex(writer.headers())).toBe(bos + tags);
  });

  it('writes audio pages of two packets with 48 kHz granules and a checked CRC', () => {
    const writer = new OggOpusWriter({ serial: 0x01020304, inputSampleRate: RATE, preSkip: 312 });
    writer.headers();
    // TOC 0x78: CELT-only 20 ms (config 15), one frame: 960 samples at 48 kHz.
    expect(writer.writePacket(new Uint8Array([0x78, 1]))).toBeNull();
    const page = writer.writePacket(new Uint8Array([0x78, 2, 3]))!;
    expect(hex(page)).toBe(
      '4f676753' + '00' + '00' + '8007000000000000' + '04030201' + '02000000' + '6f654b7a' + '02' + '0203' + '7801' + '780203',
    );
    const zeroed = page.slice();
    zeroed.fill(0, 22, 26);
    expect(oggCrc32(zeroed)).toBe(new DataView(page.buffer).getUint32(22, true));
  });

  it('gives each stream a fresh random serial', () => {
    const serials = new Set(Array.from({ length: 8 }, () => new OggOpusWriter({ inputSampleRate: RATE, preSkip: 312 }).serial));
    expect(serials.size).toBe(8);
  });

  it('closes a page early rather than exceed 255 lacing values', () => {
    const writer = new OggOpusWriter({ serial: 1, inputSampleRate: RATE, preSkip: 0, packetsPerPage: 2 });
    const reader = new OggOpusReader();
    const big = (n: number) => new Uint8Array(200 * 255).fill(n); // 201 lacing values each
    const bytes = [writer.headers(), writer.writePacket(big(1)), writer.writePacket(big(2)), writer.flush(true)];
    const pages = new OggPageReader().push(concat(bytes.filter((b): b is Uint8Array => b !== null))).pages;
    expect(pages.map((p) => p.lacing.length)).toEqual([1, 1, 201, 201]);
    expect(pages.map((p) => p.eos)).toEqual([false, false, false, true]);
    const { packets, issues } = reader.push(concat(bytes.filter((b): b is Uint8Array => b !== null)));
    expect(issues).toEqual([]);
    expect(packets.map((p) => p[0])).toEqual([1, 2]);
  });
});

/** One raw Ogg page (RFC 3533 §6), CRC included, for shapes our writer never makes. */
function rawPage(o: { flags: number; granule: number; serial: number; sequence: number; lacing: number[]; body: Uint8Array }): Uint8Array {
  const out = new Uint8Array(27 + o.lacing.length + o.body.length);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53, 0, o.flags]);
  view.setUint32(6, o.granule < 0 ? 0xffffffff : o.granule, true);
  view.setUint32(10, o.granule < 0 ? 0xffffffff : 0, true);
  view.setUint32(14, o.serial, true);
  view.setUint32(18, o.sequence, true);
  out[26] = o.lacing.length;
  out.set(o.lacing, 27);
  out.set(o.body, 27 + o.lacing.length);
  view.setUint32(22, oggCrc32(out), true);
  return out;
}

describe('granule position −1: a page on which no packet ends (RFC 3533 §6, RFC 7845 §4)', () => {
  it('the reader accepts pages with granule −1 and carries the packet they continue to the page where it ends', () => {
    const writer = new OggOpusWriter({ serial: 9, inputSampleRate: RATE, preSkip: 312 });
    const long = new Uint8Array(600).map((_, i) => (i === 0 ? 0xf8 : i & 0xff)); // one 20 ms packet spanning 3 pages
    const short = Uint8Array.of(0xf8, 0xff, 0xfe);
    const pages = [
      rawPage({ flags: 0, granule: -1, serial: 9, sequence: 2, lacing: [255], body: long.subarray(0, 255) }),
      rawPage({ flags: 1, granule: -1, serial: 9, sequence: 3, lacing: [255], body: long.subarray(255, 510) }),
      rawPage({ flags: 1 | 4, granule: 312 + 1920, serial: 9, sequence: 4, lacing: [90, 3], body: concat([long.subarray(510), short]) }),
    ];
    const stream = concat([writer.headers(), ...pages]);
    expect(new OggPageReader().push(stream).pages.map((p) => p.granule)).toEqual([0, 0, -1, -1, 2232]);
    const { packets, issues } = new OggOpusReader().push(stream);
    expect(issues).toEqual([]);
    expect(packets.map(hex)).toEqual([hex(long), hex(short)]);
  });

  it('the writer gives −1 to the one page it writes on which no packet ends: an empty EOS page (its packets never span pages)', () => {
    const writer = new OggOpusWriter({ serial: 9, inputSampleRate: RATE, preSkip: 312 });
    writer.headers();
    const audio = writer.flush() ?? writer.writePacket(Uint8Array.of(0xf8, 0xff, 0xfe)) ?? writer.flush();
    const eos = writer.flush(true);
    expect(audio).not.toBeNull();
    expect(eos).not.toBeNull();
    expect(hex(eos!.subarray(6, 14))).toBe('ffffffffffffffff');
    const [page] = new OggPageReader().push(eos!).pages;
    expect([page.eos, page.granule, page.lacing.length]).toEqual([true, -1, 0]);
  });
});

describe('OggOpusReader after a corrupt page header', () => {
  it('resyncs to the valid pages inside the body the header claims, instead of swallowing them', () => {
    const writer = new OggOpusWriter({ serial: 7, inputSampleRate: RATE, preSkip: 312 });
    const headers = writer.headers();
    const audio = [0, 1, 2, 3, 4, 5].map((i) => writer.writePacket(new Uint8Array([0x78, i])) ?? new Uint8Array());
    const stream = concat([headers, ...audio]); // a fresh stream (BOS) far shorter than the claimed body
    // A header cut off after its lacing table, claiming 255 × 255 bytes: the shape the Moshi fuzz test produced.
    const liar = concat([stream.subarray(0, 26), new Uint8Array([255]), new Uint8Array(255).fill(255)]);
    const reader = new OggOpusReader();
    reader.push(liar);
    const after = reader.push(stream);
    expect(after.issues[0]).toEqual({ offset: 0, reason: 'corrupt Ogg page header: a valid page begins inside the body it claims' });
    expect(after.head?.preSkip).toBe(312);
    expect(after.packets.map((p) => p[1])).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('our Ogg Opus stream, read by real tools', () => {
  const dir = tempDir();
  const ours = join(dir, 'ours.opus');
  const input = voiceLike(2, RATE, 7);

  beforeAll(async () => {
    const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' });
    const writer = new OggOpusWriter({ inputSampleRate: RATE, preSkip: encoder.preSkip });
    const parts = [writer.headers()];
    for (const packet of await encoder.encode(input)) parts.push(writer.writePacket(packet) ?? new Uint8Array());
    parts.push(writer.flush(true)!);
    encoder.close();
    writeFileSync(ours, concat(parts));
  });

  it('passes opusinfo without a warning: mono, 24 kHz input, 20 ms packets, 40 ms pages', () => {
    const { status, output: report } = runAll('opusinfo', [ours]);
    expect(status).toBe(0);
    expect(report).not.toMatch(/WARNING|ERROR/);
    expect(report).toContain('Channels: 1');
    expect(report).toContain('Original sample rate: 24000 Hz');
    expect(report).toContain('Pre-skip: 312');
    expect(report).toMatch(/Packet duration:\s+20\.0ms \(max\),\s+20\.0ms \(avg\),\s+20\.0ms \(min\)/);
    expect(report).toMatch(/Page duration:\s+40\.0ms \(max\)/);
    expect(report).toContain('Playback length: 0m:01.993s'); // 2 s minus the 312-sample pre-skip
  });

  it('is an Opus stream of 2.000 s for ffprobe', () => {
    const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', ours])) as {
      streams: { codec_name: string; channels: number }[];
      format: { duration: string; format_name: string };
    };
    expect(probe.streams).toHaveLength(1);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'opus', channels: 1 });
    expect(probe.format.format_name).toBe('ogg');
    expect(Number(probe.format.duration)).toBeCloseTo(2, 2);
  });

  it('decodes with opusdec to our input, aligned by the pre-skip we wrote', () => {
    const wav = join(dir, 'ours.wav');
    run('opusdec', ['--quiet', '--rate', String(RATE), '--float', ours, wav]);
    const decoded = readWav(wav);
    expect(decoded.rate).toBe(RATE);
    // opusdec trims the pre-skip and ends at the last granule: all we encoded but the 156 samples (312 at 48 kHz)
    // of lookahead still inside the encoder, which a live stream never flushes.
    expect(decoded.pcm.length).toBe(input.length - 156);
    const { snrDb, lag } = alignedSnr(input, decoded.pcm, 400);
    console.log(`opusdec vs input: lag ${lag}, SNR ${snrDb.toFixed(1)} dB`);
    // A wrong pre-skip moves the audio by the lookahead (156 samples here) or more. Opus' resampling filters leave
    // a fractional group delay, so the best integer alignment may be off by a sample (measured: -1).
    expect(Math.abs(lag)).toBeLessThanOrEqual(2);
    // Measured 21 dB for this harmonic signal at ~27 kbit/s; broken framing or PCM scaling falls below 0 dB.
    expect(snrDb).toBeGreaterThan(15);
  });
});

describe('OggOpusReader on a file made by opusenc', () => {
  const dir = tempDir();
  const file = join(dir, 'ref.opus');
  let bytes: Uint8Array;
  beforeAll(() => {
    writeWav16(join(dir, 'in.wav'), voiceLike(3, RATE, 3), RATE);
    // A 70 kB comment makes OpusTags span two pages: packets continued across pages, from a tool we did not write.
    const comment = `NOTE=${'x'.repeat(70_000)}`;
    run('opusenc', ['--quiet', '--framesize', '20', '--bitrate', '32', '--comment', comment, join(dir, 'in.wav'), file]);
    bytes = new Uint8Array(readFileSync(file));
  });

  const whole = () => new OggOpusReader().push(bytes);

  it('yields the packets ffprobe lists, and the pre-skip opusinfo reports', () => {
    const { head, packets, issues } = whole();
    expect(issues).toEqual([]);
    const sizes = run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', file])
      .split('\n').map((l) => l.replace(/,$/, '').trim()).filter((l) => l !== '').map(Number);
    expect(packets.map((p) => p.length)).toEqual(sizes);
    const preSkip = /Pre-skip: (\d+)/.exec(runAll('opusinfo', [file]).output)![1];
    expect(head).toMatchObject({ channels: 1, inputSampleRate: RATE, preSkip: Number(preSkip) });
  });

  it('yields exactly the same packets when the file arrives chopped at random byte boundaries', () => {
    const seed = 0x5eed0;
    console.log(`ogg chop seed ${seed}`);
    const rnd = prng(seed);
    const reference = whole().packets.map(hex);
    for (let round = 0; round < 20; round++) {
      const reader = new OggOpusReader();
      const got: string[] = [];
      let heads = 0;
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rnd() ** 3 * 9000); // many tiny pieces, some spanning several pages
        const chunk = reader.push(bytes.subarray(at, at + size));
        expect(chunk.issues).toEqual([]);
        if (chunk.head) heads++;
        got.push(...chunk.packets.map(hex));
        at += size;
      }
      expect(heads).toBe(1);
      expect(got).toEqual(reference);
    }
  });

  it('skips a corrupt page, reports it with its offset, and goes on with the next one', () => {
    const pages = new OggPageReader().push(bytes).pages;
    const victim = pages[3];
    const damaged = bytes.slice();
    damaged[victim.offset + 40] ^= 0x55;
    const { packets, issues } = new OggOpusReader().push(damaged);
    expect(issues.map((i) => i.reason)).toEqual([
      'Ogg page CRC mismatch: the page is corrupt',
      `Ogg page sequence jumped from ${victim.sequence} to ${victim.sequence + 1}: pages were lost`,
    ]);
    expect(issues[0].offset).toBe(victim.offset);
    expect(packets.length).toBe(whole().packets.length - victim.lacing.length);
  });

  it('reports garbage before the stream and pages of a stream that never began', () => {
    const pages = new OggPageReader().push(bytes).pages;
    const reader = new OggOpusReader();
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    const tail = bytes.subarray(pages[3].offset);
    const { packets, issues } = reader.push(concat([garbage, tail]));
    expect(packets).toEqual([]);
    expect(issues[0]).toEqual({ offset: 0, reason: '5 bytes before an Ogg page were not a page ("OggS" expected)' });
    expect(issues[1].reason).toMatch(/before the stream began/);
    // The same reader recovers when a real stream begins.
    expect(reader.push(bytes).packets.length).toBe(whole().packets.length);
  });
});
