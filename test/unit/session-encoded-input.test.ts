import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OggOpusReader } from '../../src/codecs/ogg-opus-reader.js';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { moshi } from '../../src/protocols/moshi/index.js';
import { voicewire } from '../../src/protocols/voicewire/index.js';
import { createVoiceSession } from '../../src/session/voice-session.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { run, tempDir, voiceLike, writeWav16 } from '../support/opus-tools.js';

/** 1 s of voice-like audio encoded by opusenc (the reference encoder, not ours): 50 packets of 20 ms. */
function opusFile(): Uint8Array {
  const dir = tempDir();
  writeWav16(join(dir, 'in.wav'), voiceLike(1, 24000, 7), 24000);
  run('opusenc', ['--quiet', '--framesize', '20', join(dir, 'in.wav'), join(dir, 'out.opus')]);
  return new Uint8Array(readFileSync(join(dir, 'out.opus')));
}

describe('MoshiProtocol.encodePackets', () => {
  it('pages pre-encoded packets as encodeAudio pages its own: headers on the first 0x01 message, 2 packets per page, the given pre-skip', async () => {
    const codec = moshi({ oggSerial: 7 })();
    expect(codec.encodePackets([new Uint8Array([0xf8, 1])], 312)).toEqual([]); // before the handshake: dropped, counted
    expect(codec.stats.samplesDroppedBeforeReady).toBe(480);
    await codec.decode(new Uint8Array([0]));
    const packets = Array.from({ length: 5 }, (_, i) => new Uint8Array([0xf8, i, i, i])); // TOC 0xf8: one 20 ms CELT frame
    const messages = packets.flatMap((p) => codec.encodePackets([p], 400));
    messages.push(...codec.flush());
    expect(messages.map((m) => (m as Uint8Array)[0])).toEqual([1, 1, 1]);
    const reader = new OggOpusReader();
    const first = reader.push((messages[0] as Uint8Array).subarray(1));
    expect(first.head?.preSkip).toBe(400);
    expect(first.packets).toEqual(packets.slice(0, 2));
    expect(reader.push((messages[1] as Uint8Array).subarray(1)).packets).toEqual(packets.slice(2, 4));
    expect(reader.push((messages[2] as Uint8Array).subarray(1)).packets).toEqual(packets.slice(4));
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Node session sends a pre-encoded Ogg Opus file as Moshi input (no encoder runs)', () => {
  let server: LocalServer;
  let chat: string;
  let file: Uint8Array;
  let filePackets: Uint8Array[];
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/ws': pcmEndpoint({ echoDelayMs: 0 }),
      '/api/chat': moshiEndpoint({ singleSession: false, log: () => {} }),
    });
    chat = `${server.url.replace(/^http/, 'ws')}/api/chat`;
    file = opusFile();
    filePackets = new OggOpusReader().push(file).packets;
  });
  afterAll(() => server.close());

  it('the server receives the file packets bit-exact, paged as Moshi pages them, and echoes them back undecoded', async () => {
    const echoed: Uint8Array[] = [];
    let echoedMs = 0;
    let audioEvents = 0;
    const session = createVoiceSession({
      url: chat, protocol: moshi({ decodeAudio: false }),
      onEncodedAudio: (packets, ms) => {
        echoed.push(...packets);
        echoedMs += ms;
      },
      audio: streamAudio({ encodedInput: file, pace: 'asap', onAudio: () => audioEvents++ }),
    });
    const errors: VoicewireError[] = [];
    session.on('error', (e) => errors.push(e));
    await session.start();
    // The echo server pages 2 packets per page as well, so it holds back an odd last packet.
    const whole = filePackets.length - (filePackets.length % 2);
    for (let i = 0; i < 200 && echoed.length < whole; i++) await sleep(10);
    await session.stop();
    expect(filePackets.length).toBeGreaterThanOrEqual(50);
    // The echo server copies the caller's packets into its own Ogg stream: any loss, reorder or re-encode shows here.
    const hex = (packets: Uint8Array[]) => packets.map((p) => Buffer.from(p).toString('hex'));
    expect(hex(echoed)).toEqual(hex(filePackets.slice(0, whole)));
    expect(echoedMs).toBe(whole * 20);
    expect(audioEvents).toBe(0);
    expect(errors).toEqual([]);
  });

  it('with decoding on (the default), the echo of a packet list arrives as PCM: 480 samples per packet less the pre-skip', async () => {
    let samples = 0;
    const session = createVoiceSession({ url: chat, protocol: moshi(), audio: streamAudio({ encodedInput: { packets: filePackets, preSkip: 312 }, pace: 'asap', onAudio: (pcm) => (samples += pcm.length) }) });
    await session.start();
    // 24 kHz out; the echo server holds back an odd last packet (2 per page); the decoder drops the pre-skip.
    const expected = (filePackets.length - (filePackets.length % 2)) * 480 - 312 / 2;
    for (let i = 0; i < 300 && samples < expected; i++) await sleep(10);
    await session.stop();
    expect(samples).toBe(expected);
  });

  it('paced in real time, 1 s of packets takes at least 1 s to send', async () => {
    let ended = 0;
    const session = createVoiceSession({ url: chat, protocol: moshi({ decodeAudio: false }), onEncodedAudio: () => (ended = performance.now()), audio: streamAudio({ encodedInput: file }) });
    const t0 = performance.now();
    await session.start();
    for (let i = 0; i < 400 && session.state === 'connected' && performance.now() - t0 < 3000; i++) await sleep(10);
    await session.stop();
    // A lower bound only (a busy machine makes it later, never earlier): the last echo cannot precede the last send.
    expect(ended - t0).toBeGreaterThanOrEqual(filePackets.length * 20 - 40);
  });

  it('bytes that are not Ogg Opus fail start() with INVALID_OPTION before any socket opens', async () => {
    for (let i = 0; i < 200 && server.activeSessions() > 0; i++) await sleep(10); // the previous tests' sockets
    const session = createVoiceSession({ url: chat, protocol: moshi(), audio: streamAudio({ encodedInput: new TextEncoder().encode('RIFF....WAVEfmt not opus') }) });
    const error = await session.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoicewireError);
    expect((error as VoicewireError).code).toBe(ErrorCode.INVALID_OPTION);
    expect((error as VoicewireError).message).toMatch(/not an Ogg Opus file/);
    expect(session.state).toBe('closed');
    expect(server.activeSessions()).toBe(0);
  });

  it('a protocol that cannot carry Opus (voicewire PCM) refuses an encoded input with INVALID_OPTION', async () => {
    const session = createVoiceSession({ url: `${server.url.replace(/^http/, 'ws')}/ws`, protocol: voicewire(), audio: streamAudio({ encodedInput: file }) });
    const error = await session.start().catch((e: unknown) => e);
    expect((error as VoicewireError).code).toBe(ErrorCode.INVALID_OPTION);
    expect((error as VoicewireError).message).toMatch(/needs a protocol that carries Opus; voicewire does not/);
  });

  it('both `input` and `encodedInput` is INVALID_OPTION', async () => {
    async function* none() {}
    const session = createVoiceSession({ url: chat, protocol: moshi(), audio: streamAudio({ input: none(), encodedInput: file }) });
    const error = await session.start().catch((e: unknown) => e);
    expect((error as VoicewireError).code).toBe(ErrorCode.INVALID_OPTION);
  });
});
