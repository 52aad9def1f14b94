import { describe, expect, it } from 'vitest';
import { FrameSequence } from '../../src/protocols/voicewire/frame-sequence.js';
import { VoicewireProtocol } from '../../src/protocols/voicewire/voicewire.js';

const HELLO_V2 = '{"type":"hello","protocol":"voicewire","version":2,"role":"server","audio":{"sampleRate":16000,"channels":1,"format":"s16le","frameMs":20}}';

/** A version 2 server frame: the sequence number (u32 LE), then s16le samples. */
function frame(sequence: number, ...samples: number[]): Uint8Array {
  const out = new Uint8Array(4 + 2 * samples.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, sequence >>> 0, true);
  samples.forEach((s, i) => view.setInt16(4 + 2 * i, s, true));
  return out;
}

async function v2(options = {}): Promise<VoicewireProtocol> {
  const p = new VoicewireProtocol(options);
  expect(await p.decode(HELLO_V2)).toEqual([{ type: 'ready', info: { protocol: 'voicewire', version: 2, audio: { sampleRate: 16000, channels: 1, format: 'int16', frameMs: 20 } } }]);
  expect(p.negotiatedVersion).toBe(2);
  return p;
}

describe('voicewire version 2: golden bytes (docs/protocol.md, "Audio, version 2")', () => {
  it('client frames: u32 little-endian sequence number from 0, then the PCM', async () => {
    const p = await v2();
    const [a] = await p.encodeAudio(new Float32Array([1, -1]));
    const [b] = await p.encodeAudio(new Float32Array([0.5]));
    expect([...(a as Uint8Array)]).toEqual([0, 0, 0, 0, 0xff, 0x7f, 0x00, 0x80]);
    expect([...(b as Uint8Array)]).toEqual([1, 0, 0, 0, 0x00, 0x40]);
    const f = await v2({ format: 'float32' });
    const [c] = await f.encodeAudio(new Float32Array([1]));
    expect([...(c as Uint8Array)]).toEqual([0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3f]);
  });

  it('server frames: the header is stripped; a short or ragged frame is a PROTOCOL_ERROR and the session goes on', async () => {
    const p = await v2();
    expect(await p.decode(new Uint8Array([0x2a, 0x01, 0, 0, 0xff, 0x7f, 0x00, 0x80]))).toEqual([{ type: 'audio', pcm: new Float32Array([1, -1]), sampleRate: 16000 }]);
    const short = await p.decode(new Uint8Array([1, 2, 3]));
    expect(short[0].type === 'error' && short[0]).toMatchObject({ fatal: false, error: { code: 'PROTOCOL_ERROR' } });
    const ragged = await p.decode(new Uint8Array([0x2b, 0x01, 0, 0, 0xff]));
    expect(ragged[0].type === 'error' && ragged[0].error.details).toMatchObject({ bytes: 5, position: 4 });
    // Number 0x12b was not consumed by the ragged frame: it still plays next, in order.
    expect(await p.decode(frame(0x12b, 0))).toEqual([{ type: 'audio', pcm: new Float32Array([0]), sampleRate: 16000 }]);
  });

  it('a jump is a gap of the missing frames\' duration before the frame; late and duplicate frames are dropped', async () => {
    const p = await v2();
    await p.decode(frame(7, 1));
    expect(await p.decode(frame(10, 2))).toEqual([
      { type: 'gap', durationMs: 40, frames: 2, filled: false },
      { type: 'audio', pcm: new Float32Array([2 / 32767]), sampleRate: 16000 },
    ]);
    expect(await p.decode(frame(8, 3))).toEqual([{ type: 'discarded', reason: 'late' }]);
    expect(await p.decode(frame(8, 3))).toEqual([{ type: 'discarded', reason: 'duplicate' }]);
    expect(await p.decode(frame(10, 2))).toEqual([{ type: 'discarded', reason: 'duplicate' }]);
    expect((await p.decode(frame(11, 4))).map((e) => e.type)).toEqual(['audio']);
  });
});

describe('FrameSequence (RFC 1982 serial arithmetic, 32 bits)', () => {
  it('wraps from 2^32 − 1 to 0 without a gap, and counts a gap across the wrap', () => {
    const s = new FrameSequence(50);
    expect(s.accept(0xfffffffe)).toEqual({ play: true, missing: 0 });
    expect(s.accept(0xffffffff)).toEqual({ play: true, missing: 0 });
    expect(s.accept(0)).toEqual({ play: true, missing: 0 });
    expect(s.accept(3)).toEqual({ play: true, missing: 2 });
    expect(s.accept(0xffffffff)).toEqual({ play: false, reason: 'duplicate' });
    expect(s.accept(1)).toEqual({ play: false, reason: 'late' });
    expect(s.counters).toEqual({ lost: 2, late: 1, duplicate: 1, resyncs: 0 });
  });

  it('remembers 32 frames back: older ones count as late; a jump beyond maxGap is a new reference, not a gap', () => {
    const s = new FrameSequence(50);
    for (let i = 100; i < 140; i++) s.accept(i);
    expect(s.accept(108)).toEqual({ play: false, reason: 'duplicate' });
    expect(s.accept(107)).toEqual({ play: false, reason: 'late' }); // 32 back from 139 is 107: outside the window
    expect(s.accept(190)).toEqual({ play: true, missing: 50 });
    expect(s.accept(241 + 50)).toEqual({ play: true, missing: 0 });
    expect(s.counters).toEqual({ lost: 50, late: 1, duplicate: 1, resyncs: 1 });
    // Half the number space back (RFC 1982 leaves it undefined) is taken as behind.
    expect(s.accept((292 + 0x80000000) >>> 0)).toEqual({ play: false, reason: 'late' });
  });
});
