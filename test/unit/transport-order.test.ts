import { describe, expect, it } from 'vitest';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../../src/protocols/protocol.js';
import { realtime } from '../../src/protocols/realtime/index.js';
import type { RealtimeAudioCodec } from '../../src/protocols/realtime/index.js';
import { Connection } from '../../src/transport/connection.js';
import { prng } from '../support/prng.js';
import { until } from '../support/voice-server.js';
import { cleanupAfterEach } from '../support/cleanup.js';

const { cleanup, server } = cleanupAfterEach();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A codec whose encode takes a seeded random 0–8 ms (shorter for later frames on average, so a transport that
 * started encodes in parallel would send them reordered). It records every overlap and the order it was called in.
 */
class RecordingCodec implements VoiceProtocol {
  readonly name = 'voicewire';
  readonly sampleRate = 24000;
  readonly frameMs = 20;
  readonly subprotocols = ['voicewire.v1'];
  readonly reconnectable = false;
  readonly calls: number[] = [];
  overlaps = 0;
  private inFlight = 0;
  private isReady = false;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  get ready(): boolean {
    return this.isReady;
  }

  open(): WireMessage[] {
    return [JSON.stringify({ type: 'hello', protocol: 'voicewire', version: 1, role: 'client' })];
  }

  async encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    if (this.inFlight > 0) this.overlaps++;
    this.inFlight++;
    this.calls.push(pcm[0]);
    await sleep(this.random() * (8 - pcm[0] / 10));
    this.inFlight--;
    return [JSON.stringify({ frame: pcm[0] })];
  }

  async decode(message: WireMessage): Promise<ProtocolEvent[]> {
    if (this.isReady || typeof message !== 'string') return [];
    this.isReady = true;
    return [{ type: 'ready', info: {} }];
  }

  flush(): WireMessage[] {
    return [JSON.stringify({ flush: this.calls.length })];
  }

  goodbye(): WireMessage[] {
    return [JSON.stringify({ goodbye: this.calls.length })];
  }

  close(): void {}
}

const frame = (n: number) => new Float32Array(480).fill(n);

describe('one owner of outgoing order (issue 15 case 2)', () => {
  for (const seed of [1, 2, 3]) {
    it(`audio with random encode latency, then flush, control, close: all 50 frames before the flush message, in order (seed ${seed})`, async () => {
      const s = await server();
      const codec = new RecordingCodec(seed);
      const conn = new Connection({ url: s.url, protocol: () => codec });
      await conn.connect();
      for (let i = 0; i < 50; i++) conn.sendAudio(frame(i));
      expect(conn.flush()).toBe(true);
      expect(conn.sendControl([JSON.stringify({ control: 'after' })])).toBe(true);
      conn.close();
      expect(conn.sendAudio(frame(99))).toBe(false); // nothing is taken once closing
      await until(() => s.closeCodes.length === 1, 10_000, 'the close');
      const texts = s.received.slice(1).map(String);
      expect(texts).toEqual([
        ...Array.from({ length: 50 }, (_, i) => `{"frame":${i}}`),
        '{"flush":50}',
        '{"control":"after"}',
        '{"goodbye":50}',
      ]);
      expect(codec.overlaps).toBe(0);
      expect(codec.calls).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(s.closeCodes).toEqual([1000]);
    });
  }

  it('Realtime with a slow audio codec: 50 input_audio_buffer.append, then the commit (was: commit after 30)', async () => {
    const s = await server({ hello: false, onConnection: (ws) => ws.once('message', () => ws.send('{"type":"session.created","session":{}}')) });
    const slow: RealtimeAudioCodec = {
      name: 'slow-pcm', sessionFields: {},
      encode: async (pcm) => { await sleep(2); return [new Uint8Array([pcm[0]])]; },
      decode: async () => new Float32Array(0),
      close() {},
    };
    const conn = new Connection({ url: s.url, protocol: () => Object.assign(realtime({ audio: slow })(), { subprotocols: ['voicewire.v1'] }) });
    cleanup(() => conn.close());
    await conn.connect();
    for (let i = 0; i < 50; i++) conn.sendAudio(frame(i));
    conn.endInput(); // Realtime has no endInput of its own: its flush (the commit) ends the input
    await until(() => s.received.length === 52, 10_000, '50 appends and the commit');
    const types = s.received.slice(1).map((m) => JSON.parse(String(m)).type as string);
    expect(types.slice(0, 50).every((t) => t === 'input_audio_buffer.append')).toBe(true);
    expect(types[50]).toBe('input_audio_buffer.commit');
  });

  it('close() waits at most closeDrainMs for an encode that never finishes, then closes', async () => {
    const s = await server();
    const codec = new RecordingCodec(1);
    codec.encodeAudio = () => new Promise<WireMessage[]>(() => {});
    const conn = new Connection({ url: s.url, protocol: () => codec, closeDrainMs: 50 });
    await conn.connect();
    conn.sendAudio(frame(0));
    const closed = new Promise((r) => conn.once('close', r));
    conn.close();
    await closed;
    expect(conn.state).toBe('closed');
    await until(() => s.closeCodes.length === 1);
    expect(s.received.slice(1)).toEqual([]); // the goodbye waits behind the stuck frame: nothing half-ordered goes out
  });
});
