import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { KyutaiSttProtocol } from '../../src/protocols/kyutai/kyutai-stt.js';
import { KyutaiTtsProtocol } from '../../src/protocols/kyutai/kyutai-tts.js';
import { fuzzDecoder, fuzzSeed } from '../support/fuzz.js';
import { KYUTAI_STT as STT, KYUTAI_TTS as TTS, msgpackUnreadable as unreadable } from '../support/fuzz-corpora.js';

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
