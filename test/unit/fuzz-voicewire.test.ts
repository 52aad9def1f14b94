import { describe, expect, it } from 'vitest';
import { VoicewireProtocol } from '../../src/protocols/voicewire/voicewire.js';
import { fuzzDecoder, fuzzSeed } from '../support/fuzz.js';
import { VOICEWIRE as CORPUS, VOICEWIRE_HELLO as HELLO, voicewireUnreadable } from '../support/fuzz-corpora.js';

describe('voicewire decoder fuzz', () => {
  it('10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR, the session goes on', async () => {
    const seed = fuzzSeed('voicewire');
    const codec = new VoicewireProtocol();
    await codec.decode(HELLO);
    const result = await fuzzDecoder(codec, seed, 100_000, CORPUS, voicewireUnreadable);
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(result.protocolErrors).toBeGreaterThanOrEqual(result.mustFailSeen);
    expect(await codec.decode('{"type":"end"}')).toEqual([{ type: 'end' }]);
    expect(await codec.decode(new Uint8Array([0xff, 0x7f]))).toEqual([{ type: 'audio', pcm: new Float32Array([1]), sampleRate: 24000 }]);
  });
});
