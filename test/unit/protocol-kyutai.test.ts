import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/errors.js';
import { KyutaiSttProtocol } from '../../src/protocols/kyutai/kyutai-stt.js';
import { KyutaiTtsProtocol } from '../../src/protocols/kyutai/kyutai-tts.js';
import { encodeMessage } from '../../src/protocols/kyutai/kyutai-msgpack.js';
import type { ProtocolEvent } from '../../src/protocols/protocol.js';

/** MessagePack by hand: strings become fixstr, numbers are raw bytes. Golden bytes nobody's encoder produced. */
function mp(...parts: (string | number | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(0xa0 | p.length, ...Buffer.from(p));
    else if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const f32 = (x: number) => [0xca, ...Buffer.from(new Float32Array([x]).buffer).reverse()];
const f64 = (x: number) => [0xcb, ...Buffer.from(new Float64Array([x]).buffer).reverse()];

function only(events: ProtocolEvent[]): ProtocolEvent {
  expect(events).toHaveLength(1);
  return events[0];
}

describe('our MessagePack writer', () => {
  it('writes what @msgpack/msgpack writes for strings of every length class and integers, and floats it reads back', () => {
    for (const text of ['', 'hi', 'é'.repeat(20), 'x'.repeat(31), 'x'.repeat(32), 'ü'.repeat(200), 'y'.repeat(70_000)]) {
      expect(encodeMessage({ type: 'Text', text })).toEqual(encode({ type: 'Text', text }));
    }
    for (const id of [0, 1, 127, 128, 255, 65_535, 65_536, 2 ** 32 - 1, -1, -32, -33, -(2 ** 31)]) {
      expect(decode(encodeMessage({ type: 'Marker', id }))).toEqual({ type: 'Marker', id });
    }
    expect(decode(encodeMessage({ type: 'X', v: 0.1, w: 2 ** 40 }))).toEqual({ type: 'X', v: 0.1, w: 2 ** 40 });
  });
});

describe('Kyutai STT: client → server golden bytes', () => {
  it('Audio as a map of float32 samples, Marker with increasing ids, nothing on open', async () => {
    const p = new KyutaiSttProtocol();
    expect(p.open()).toEqual([]);
    expect(await p.encodeAudio(new Float32Array([0.5, -1]))).toEqual([mp(0x82, 'type', 'Audio', 'pcm', 0x92, f32(0.5), f32(-1))]);
    const long = (await p.encodeAudio(new Float32Array(1920)))[0] as Uint8Array;
    expect([...long.subarray(0, 19)]).toEqual([...mp(0x82, 'type', 'Audio', 'pcm', 0xdc, 0x07, 0x80)]);
    expect(long.length).toBe(19 + 1920 * 5);
    expect(p.flush()).toEqual([mp(0x82, 'type', 'Marker', 'id', 1)]);
    expect(p.flush()).toEqual([mp(0x82, 'type', 'Marker', 'id', 2)]);
  });
});

describe('Kyutai STT: server → client golden bytes', () => {
  it('Ready, Word, EndWord, Step, Marker, Error (busy and other), unknown ignored', async () => {
    const p = new KyutaiSttProtocol();
    expect(await p.decode(mp(0x81, 'type', 'Ready'))).toEqual([{ type: 'ready', info: { protocol: 'kyutai-stt' } }]);
    expect(p.ready).toBe(true);
    expect(await p.decode(mp(0x83, 'type', 'Word', 'text', 'hello', 'start_time', f64(1.5)))).toEqual([{ type: 'text', text: 'hello', source: 'transcript', final: true, startS: 1.5 }]);
    expect(await p.decode(mp(0x82, 'type', 'EndWord', 'stop_time', f64(2.25)))).toEqual([{ type: 'metadata', data: { type: 'EndWord', stopS: 2.25 } }]);
    expect(await p.decode(mp(0x84, 'type', 'Step', 'step_idx', 7, 'prs', [0x94, ...f32(0.5), ...f32(0.25), 0, 1], 'buffered_pcm', 0xcd, 0x07, 0x80))).toEqual(
      [{ type: 'metadata', data: { type: 'Step', step: 7, pausePrs: [0.5, 0.25, 0, 1], bufferedPcm: 1920 } }]);
    expect(await p.decode(mp(0x82, 'type', 'Marker', 'id', 3))).toEqual([{ type: 'marker', id: 3 }]);
    expect(await p.decode(mp(0x81, 'type', 'Future'))).toEqual([]);
    const busy = only(await p.decode(mp(0x82, 'type', 'Error', 'message', 'no free channels')));
    expect(busy.type === 'error' && [busy.error.code, busy.fatal]).toEqual([ErrorCode.SERVER_BUSY, true]);
    const other = only(await p.decode(mp(0x82, 'type', 'Error', 'message', 'oops')));
    expect(other.type === 'error' && other.error.code).toBe(ErrorCode.SERVER_ERROR);
  });

  it('bad input → PROTOCOL_ERROR with the reason and the decoder position', async () => {
    const p = new KyutaiSttProtocol();
    const cases: [string | Uint8Array, RegExp][] = [
      ['text', /a text frame/],
      [mp(0xc1), /invalid MessagePack \(DecodeError: Unrecognized type byte: 0xc1\)/],
      [mp(0x82, 'type'), /invalid MessagePack/],
      [mp(0x93, 1, 2, 3), /not a map with a string "type"/],
      [mp(0x81, 'type', 5), /not a map with a string "type"/],
      [mp(0x82, 'type', 'Word', 'text', 5), /a Word without a string "text"/],
      [mp(0x82, 'type', 'Marker', 'id', 'x'), /a Marker without a numeric "id"/],
    ];
    for (const [input, reason] of cases) {
      const e = only(await p.decode(input));
      expect(e.type === 'error' && e.error.code).toBe(ErrorCode.PROTOCOL_ERROR);
      expect(e.type === 'error' && String(e.error.details.reason)).toMatch(reason);
    }
    const trailing = only(await p.decode(mp(0x81, 'type', 'Ready', 0x01)));
    expect(trailing.type === 'error' && trailing.error.details.position).toBe(12);
  });
});

describe('Kyutai TTS golden bytes, both directions', () => {
  it('client: Text pieces then Eos; no audio', async () => {
    const p = new KyutaiTtsProtocol();
    expect(p.open()).toEqual([]);
    expect(await p.encodeAudio()).toEqual([]);
    expect(p.text('hi')).toEqual([mp(0x82, 'type', 'Text', 'text', 'hi')]);
    expect(p.flush()).toEqual([mp(0x81, 'type', 'Eos')]);
  });

  it('server: Ready, Audio, Text with timings, Error, OggOpus (CODEC_UNSUPPORTED once), bad pcm', async () => {
    const p = new KyutaiTtsProtocol();
    expect(await p.decode(mp(0x81, 'type', 'Ready'))).toEqual([{ type: 'ready', info: { protocol: 'kyutai-tts' } }]);
    expect(await p.decode(mp(0x82, 'type', 'Audio', 'pcm', 0x93, f32(0.5), f64(-0.25), 0))).toEqual([{ type: 'audio', pcm: new Float32Array([0.5, -0.25, 0]), sampleRate: 24000 }]);
    expect(await p.decode(mp(0x84, 'type', 'Text', 'text', 'Hi', 'start_s', f64(0.5), 'stop_s', f64(0.75)))).toEqual([{ type: 'text', text: 'Hi', source: 'response', final: true, startS: 0.5, endS: 0.75 }]);
    const err = only(await p.decode(mp(0x82, 'type', 'Error', 'message', 'bad voice')));
    expect(err.type === 'error' && [err.error.code, err.fatal]).toEqual([ErrorCode.SERVER_ERROR, true]);
    const ogg = only(await p.decode(mp(0x82, 'type', 'OggOpus', 'data', 0xc4, 1, 0)));
    expect(ogg.type === 'error' && [ogg.error.code, ogg.error.remedy]).toEqual([ErrorCode.CODEC_UNSUPPORTED, 'Add `format=PcmMessagePack` to the /api/tts_streaming URL.']);
    expect(await p.decode(mp(0x82, 'type', 'OggOpus', 'data', 0xc4, 1, 0))).toEqual([]);
    const bad = only(await p.decode(mp(0x82, 'type', 'Audio', 'pcm', 0x91, 'x')));
    expect(bad.type === 'error' && bad.error.code).toBe(ErrorCode.PROTOCOL_ERROR);
  });
});
