import { Decoder, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { KyutaiSttProtocol } from '../../src/protocols/kyutai/kyutai-stt.js';
import { KyutaiTtsProtocol } from '../../src/protocols/kyutai/kyutai-tts.js';
import type { WireMessage } from '../../src/protocols/protocol.js';
import { fuzzDecoder, fuzzSeed } from '../support/fuzz.js';

/** An independent oracle: the reference decoder cannot read it, or it is not a map with a string type. */
const reference = new Decoder();
function unreadable(m: WireMessage): boolean {
  if (typeof m === 'string') return true;
  try {
    const v: unknown = reference.decode(m);
    return typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || typeof (v as { type?: unknown }).type !== 'string';
  } catch {
    return true;
  }
}

const STT = [{ type: 'Ready' }, { type: 'Word', text: 'hi', start_time: 1.5 }, { type: 'EndWord', stop_time: 2 }, { type: 'Step', step_idx: 1, prs: [0.1, 0.2, 0.3, 0.4], buffered_pcm: 0 },
  { type: 'Marker', id: 1 }, { type: 'Error', message: 'no free channels' }].map((m) => encode(m));
const TTS = [{ type: 'Ready' }, { type: 'Audio', pcm: [0.5, -0.5, 0.25] }, { type: 'Text', text: 'hi', start_s: 0, stop_s: 1 }, { type: 'Error', message: 'e' }].map((m) => encode(m));

describe('Kyutai decoders fuzz', () => {
  it('STT: 10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR', async () => {
    const seed = fuzzSeed('kyutai-stt');
    const codec = new KyutaiSttProtocol();
    const result = await fuzzDecoder(codec, seed, 100_000, STT, unreadable);
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(await codec.decode(encode({ type: 'Marker', id: 9 }))).toEqual([{ type: 'marker', id: 9 }]);
  });

  it('TTS: 10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR', async () => {
    const seed = fuzzSeed('kyutai-tts');
    const codec = new KyutaiTtsProtocol();
    const result = await fuzzDecoder(codec, seed, 100_000, TTS, unreadable);
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(await codec.decode(encode({ type: 'Audio', pcm: [0.5] }))).toEqual([{ type: 'audio', pcm: new Float32Array([0.5]), sampleRate: 24000 }]);
  });
});
