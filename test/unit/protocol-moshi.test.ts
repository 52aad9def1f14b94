import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OggPageReader } from '../../src/codecs/ogg-page-reader.js';
import { OggOpusWriter, concat } from '../../src/codecs/ogg-writer.js';
import { createOpusDecoder } from '../../src/codecs/opus-decoder.js';
import { createOpusEncoder, type OpusEncoder } from '../../src/codecs/opus-encoder.js';
import { parseOpusHead } from '../../src/codecs/opus-head.js';
import { MoshiProtocol, type MoshiProtocolOptions } from '../../src/protocols/moshi/moshi.js';
import type { ProtocolEvent, WireMessage } from '../../src/protocols/protocol.js';
import { alignedSnr, readWav, run, runAll, tempDir, voiceLike } from '../support/opus-tools.js';

const hex = (b: WireMessage): string => Buffer.from(b as Uint8Array).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

/** An encoder whose packets are [0x78 (CELT 20 ms), n]: golden bytes independent of libopus versions. */
function fakeEncoder(): MoshiProtocolOptions['encoder'] {
  let n = 0;
  return async (): Promise<OpusEncoder> => ({
    implementation: 'fake',
    sampleRate: 24000,
    preSkip: 312,
    encode: async (pcm) => Array.from({ length: Math.floor(pcm.length / 480) }, () => new Uint8Array([0x78, n++])),
    close() {},
  });
}

const errorOf = (events: ProtocolEvent[]) => events.map((e) => (e.type === 'error' ? { code: e.error.code, fatal: e.fatal, message: e.error.message } : e.type));

describe('Moshi: server → client messages, golden bytes', () => {
  it('0x00 handshake, empty (Python server) → ready; a second handshake is ignored', async () => {
    const moshi = new MoshiProtocol();
    expect(moshi.ready).toBe(false);
    expect(await moshi.decode(bytes('00'))).toEqual([{ type: 'ready', info: { payloadBytes: 0 } }]);
    expect(moshi.ready).toBe(true);
    expect(await moshi.decode(bytes('00'))).toEqual([]);
    moshi.close();
  });

  it('0x00 handshake with 8 bytes (Rust servers: u32 version, u32 model) → ready with both', async () => {
    const moshi = new MoshiProtocol();
    expect(await moshi.decode(bytes('00 00000000 02000000'))).toEqual([
      { type: 'ready', info: { payloadBytes: 8, protocolVersion: 0, model: 2 } },
    ]);
    moshi.close();
  });

  it('0x04 metadata JSON → metadata, also before the handshake', async () => {
    const moshi = new MoshiProtocol();
    const json = '{"text_temperature":0.7,"instance_name":"gpu-1"}';
    expect(await moshi.decode(bytes('04' + utf8(json)))).toEqual([{ type: 'metadata', data: { text_temperature: 0.7, instance_name: 'gpu-1' } }]);
    expect(moshi.ready).toBe(false);
    moshi.close();
  });

  it('0x02 text → a response text piece; 0x07 colored text → its text without the color byte', async () => {
    const moshi = new MoshiProtocol();
    expect(await moshi.decode(bytes('02' + utf8(' Bonjour, ça va'))))
      .toEqual([{ type: 'text', text: ' Bonjour, ça va', source: 'response', final: false }]);
    expect(await moshi.decode(bytes('07 03' + utf8('hi')))).toEqual([{ type: 'text', text: 'hi', source: 'response', final: false }]);
    moshi.close();
  });

  it('0x05 error → a fatal SERVER_ERROR quoting the server', async () => {
    const moshi = new MoshiProtocol();
    const [event] = await moshi.decode(bytes('05' + utf8('out of memory')));
    expect(event).toMatchObject({ type: 'error', fatal: true });
    expect(event.type === 'error' && event.error.code).toBe('SERVER_ERROR');
    expect(event.type === 'error' && event.error.message).toBe('The Moshi server reported an error: out of memory');
    moshi.close();
  });

  it('0x06 ping is consumed and counted, never answered; unknown kinds are ignored', async () => {
    const moshi = new MoshiProtocol();
    await moshi.decode(bytes('00'));
    expect(await moshi.decode(bytes('06'))).toEqual([]);
    expect(await moshi.decode(bytes('08 89504e47'))).toEqual([]);
    expect(await moshi.decode(bytes('09 0102'))).toEqual([]);
    expect(await moshi.decode(bytes('03 01'))).toEqual([]);
    expect(await moshi.decode(bytes('7f'))).toEqual([]);
    expect(moshi.stats).toMatchObject({ pings: 1, ignoredMessages: 4 });
    moshi.close();
  });

  it('bad messages → non-fatal PROTOCOL_ERROR events', async () => {
    const moshi = new MoshiProtocol();
    const decode = async (m: WireMessage) => errorOf(await moshi.decode(m));
    const pe = (message: string) => [{ code: 'PROTOCOL_ERROR', fatal: false, message: `Moshi: ${message}` }];
    expect(await decode('hello')).toEqual(pe('a text frame arrived; Moshi sends binary frames only'));
    expect(await decode(new Uint8Array(0))).toEqual(pe('an empty message (no kind byte)'));
    expect(await decode(bytes('02 ff fe'))).toEqual(pe('text that is not valid UTF-8'));
    expect(await decode(bytes('04' + utf8('{"a":')))).toEqual(pe('metadata (0x04) that is not UTF-8 JSON'));
    expect(await decode(bytes('04' + utf8('[1,2]')))).toEqual(pe('metadata (0x04) that is not a JSON object'));
    expect(await decode(bytes('07'))).toEqual(pe('colored text without its color byte'));
    // The last 3 bytes are held back: they could begin an "OggS" that the next message completes.
    expect(await decode(bytes('01 0102030405'))).toEqual(pe('audio stream: 2 bytes before an Ogg page were not a page ("OggS" expected)'));
    moshi.close();
  });
});

describe('Moshi: server audio (0x01 Ogg Opus) → audio events', () => {
  async function serverStream(): Promise<{ pages: Uint8Array[]; packets: Uint8Array[]; input: Float32Array }> {
    const input = voiceLike(2, 24000, 21);
    const encoder = await createOpusEncoder({ sampleRate: 24000, implementation: 'wasm' });
    const packets = await encoder.encode(input);
    encoder.close();
    // Python Moshi sends 80 ms pages: 4 packets of 20 ms.
    const writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: 312, packetsPerPage: 4 });
    const pages = [writer.headers(), ...packets.map((p) => writer.writePacket(p)).filter((p): p is Uint8Array => p !== null)];
    return { pages, packets, input };
  }

  it('decodes headers joined to the first page, a page split in three, and several pages in one message', async () => {
    const { pages, packets } = await serverStream();
    const [headers, first, split, ...rest] = pages;
    const messages = [
      concat([bytes('01'), headers, first]),
      concat([bytes('01'), split.subarray(0, 5)]),
      concat([bytes('01'), split.subarray(5, 40)]),
      concat([bytes('01'), split.subarray(40)]),
      concat([bytes('01'), ...rest.slice(0, 5)]),
      ...rest.slice(5).map((p) => concat([bytes('01'), p])),
    ];
    const moshi = new MoshiProtocol();
    const events = (await Promise.all(messages.map((m) => moshi.decode(m)))).flat();
    moshi.close();
    expect(events.every((e) => e.type === 'audio' && e.sampleRate === 24000)).toBe(true);
    const got = concat(events.map((e) => (e.type === 'audio' ? new Uint8Array(e.pcm.buffer) : new Uint8Array())));

    const reference = await createOpusDecoder({ sampleRate: 24000, preSkip: 312 });
    const expected = reference.decode(packets).pcm;
    reference.close();
    expect(Buffer.from(got).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('reports a corrupt Opus packet as PROTOCOL_ERROR and keeps decoding', async () => {
    const writer = new OggOpusWriter({ inputSampleRate: 24000, preSkip: 312, packetsPerPage: 2 });
    const encoder = await createOpusEncoder({ sampleRate: 24000, implementation: 'wasm' });
    const good = await encoder.encode(voiceLike(0.08, 24000));
    encoder.close();
    const moshi = new MoshiProtocol();
    const headers = writer.headers();
    const pages = [good[0], bytes('ffffff010203'), good[1], good[2]].map((p) => writer.writePacket(p));
    const stream = concat([headers, ...pages.filter((p): p is Uint8Array => p !== null)]);
    const events = await moshi.decode(concat([bytes('01'), stream]));
    moshi.close();
    expect(events.map((e) => e.type)).toEqual(['error', 'audio']);
    expect(errorOf(events)[0]).toMatchObject({ code: 'PROTOCOL_ERROR', fatal: false });
    expect(events[1].type === 'audio' && events[1].pcm.length).toBe(3 * 480 - 156);
  });
});

describe('Moshi: client → server messages', () => {
  it('sends nothing before the handshake: audio is dropped and counted, control and flush are empty', async () => {
    const moshi = new MoshiProtocol({ encoder: fakeEncoder() });
    expect(moshi.open()).toEqual([]);
    expect(await moshi.encodeAudio(new Float32Array(960))).toEqual([]);
    expect(moshi.control('endTurn')).toEqual([]);
    expect(moshi.flush()).toEqual([]);
    expect(moshi.stats.samplesDroppedBeforeReady).toBe(960);
    expect(moshi).toMatchObject({ name: 'moshi', sampleRate: 24000, subprotocols: [], reconnectable: false });
    moshi.close();
  });

  it('golden: the first 0x01 message is OpusHead page + OpusTags page + a page of two 20 ms packets; then pages alone', async () => {
    const moshi = new MoshiProtocol({ encoder: fakeEncoder(), oggSerial: 0x0a0b0c0d, endTurnOnFlush: true });
    await moshi.decode(bytes('00'));
    expect(await moshi.encodeAudio(new Float32Array(480))).toEqual([]); // one packet: the page is not full yet
    const [first] = await moshi.encodeAudio(new Float32Array(480));
    const vendor = utf8('voicewire (fake)');
    expect(hex(first)).toBe(
      '01' +
        '4f676753 00 02 0000000000000000 0d0c0b0a 00000000 ddd47c87 01 13'.replace(/ /g, '') +
        '4f70757348656164 01 01 3801 c05d0000 0000 00'.replace(/ /g, '') +
        '4f676753 00 00 0000000000000000 0d0c0b0a 01000000 925a781d 01 20'.replace(/ /g, '') +
        '4f70757354616773 10000000'.replace(/ /g, '') + vendor + '00000000' +
        '4f676753 00 00 8007000000000000 0d0c0b0a 02000000 c0565184 02 02 02 7800 7801'.replace(/ /g, ''),
    );
    const [second] = await moshi.encodeAudio(new Float32Array(960));
    expect(hex(second)).toBe('01' + '4f676753 00 00 000f000000000000 0d0c0b0a 03000000 f1ae6fcf 02 02 02 7802 7803'.replace(/ /g, ''));
    await moshi.encodeAudio(new Float32Array(480));
    // flush: the half page goes out (granule 4800 = 5 × 960), then 0x03 endTurn.
    expect(moshi.flush().map(hex)).toEqual(['01' + '4f676753 00 00 c012000000000000 0d0c0b0a 04000000 02167e3b 01 02 7804'.replace(/ /g, ''), '0301']);
    expect(moshi.control('pause').map(hex)).toEqual(['0302']);
    moshi.close();
  });

  it('starts a new Ogg stream (fresh serial) per session', async () => {
    const serials: number[] = [];
    for (let i = 0; i < 3; i++) {
      const moshi = new MoshiProtocol({ encoder: fakeEncoder() });
      await moshi.decode(bytes('00'));
      const [message] = await moshi.encodeAudio(new Float32Array(960));
      const [bos] = new OggPageReader().push((message as Uint8Array).subarray(1)).pages;
      expect(bos.bos).toBe(true);
      serials.push(bos.serial);
      moshi.close();
    }
    expect(new Set(serials).size).toBe(3);
  });

  it('with the real encoder, the upload ended by endInput() is an Ogg Opus file opusinfo accepts without a warning, and opusdec decodes (issue 15 case 6)', async () => {
    const moshi = new MoshiProtocol({ encoder: (o) => createOpusEncoder({ ...o, implementation: 'wasm' }) });
    await moshi.decode(bytes('00 0000000000000000'));
    const input = voiceLike(2, 24000, 4);
    const messages: Uint8Array[] = [];
    // 10 ms mic frames, as a worklet might deliver them, fired without awaiting: order must still hold.
    const pending: Promise<WireMessage[]>[] = [];
    for (let at = 0; at < input.length; at += 240) pending.push(moshi.encodeAudio(input.subarray(at, at + 240)));
    for (const m of (await Promise.all(pending)).flat()) messages.push(m as Uint8Array);
    expect(messages).toHaveLength(50); // 100 packets of 20 ms, 2 per page
    const end = moshi.endInput();
    expect(end).toHaveLength(1);
    messages.push(end[0] as Uint8Array);
    expect(moshi.endInput()).toEqual([]); // a stream ends once
    expect(moshi.goodbye()).toEqual([]);
    expect(await moshi.encodeAudio(new Float32Array(480))).toEqual([]);
    expect(moshi.stats.samplesDroppedAfterEnd).toBe(480);
    moshi.close();
    expect(messages.every((m) => m[0] === 0x01)).toBe(true);
    const pages = new OggPageReader().push(concat(messages.map((m) => m.subarray(1)))).pages;
    expect(parseOpusHead(pages[0].body)).toMatchObject({ channels: 1, inputSampleRate: 24000, preSkip: 312 });
    expect(pages.map((p) => p.eos)).toEqual([...pages.slice(1).map(() => false), true]);

    const dir = tempDir();
    const file = join(dir, 'session.opus');
    writeFileSync(file, concat(messages.map((m) => m.subarray(1))));
    const { status, output } = runAll('opusinfo', [file]);
    expect(output).not.toMatch(/WARNING|ERROR|EOS not set/);
    expect(status).toBe(0);
    expect(output).toMatch(/Packet duration:\s+20\.0ms \(max\)/);
    run('opusdec', ['--quiet', '--rate', '24000', '--float', file, join(dir, 'session.wav')]);
    const { snrDb, lag } = alignedSnr(input, readWav(join(dir, 'session.wav')).pcm, 400);
    expect(Math.abs(lag)).toBeLessThanOrEqual(2); // see ogg.test.ts
    expect(snrDb).toBeGreaterThan(15);
  });

  it('goodbye() (a client-initiated close) ends the stream too: held packets and EOS on one page; nothing uploaded → nothing to end', async () => {
    const moshi = new MoshiProtocol({ encoder: fakeEncoder(), oggSerial: 7 });
    await moshi.decode(bytes('00'));
    expect(moshi.goodbye()).toEqual([]);
    expect(await moshi.encodeAudio(new Float32Array(480))).toEqual([]); // one packet held
    const [message] = moshi.goodbye();
    const pages = new OggPageReader().push((message as Uint8Array).subarray(1)).pages;
    expect(pages.map((p) => [p.bos, p.eos])).toEqual([[true, false], [false, false], [false, true]]); // OpusHead, OpusTags, last
    expect(pages[2].eos).toBe(true);
    expect(pages[2].granule).toBe(960);
    expect(moshi.flush()).toEqual([]);
    moshi.close();
  });
});

