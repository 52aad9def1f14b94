import { describe, expect, it } from 'vitest';
import { VoicewireProtocol } from '../../src/protocols/voicewire/voicewire.js';
import { fuzzDecoder, fuzzSeed, isJsonObjectWithType } from '../support/fuzz.js';

const HELLO = '{"type":"hello","protocol":"voicewire","version":1,"role":"server","audio":{"sampleRate":24000,"channels":1,"format":"s16le","frameMs":20}}';
const CORPUS = [HELLO, '{"type":"text","text":"hi","source":"transcript","final":true}', '{"type":"speech","state":"started","atMs":10}',
  '{"type":"ping","id":1,"t":2}', '{"type":"pong","id":1,"t":2}', '{"type":"end"}', '{"type":"error","code":"X","message":"m","fatal":false}',
  new Uint8Array([0, 1, 2, 3]), new Uint8Array(960)];

describe('voicewire decoder fuzz', () => {
  it('10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR, the session goes on', async () => {
    const seed = fuzzSeed('voicewire');
    const codec = new VoicewireProtocol();
    await codec.decode(HELLO);
    // Unreadable: text that is not a typed JSON object, or a binary frame with half a sample.
    const result = await fuzzDecoder(codec, seed, 100_000, CORPUS, (m) => (typeof m === 'string' ? !isJsonObjectWithType(m) : m.length % 2 === 1));
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(result.protocolErrors).toBeGreaterThanOrEqual(result.mustFailSeen);
    expect(await codec.decode('{"type":"end"}')).toEqual([{ type: 'end' }]);
    expect(await codec.decode(new Uint8Array([0xff, 0x7f]))).toEqual([{ type: 'audio', pcm: new Float32Array([1]), sampleRate: 24000 }]);
  });
});
