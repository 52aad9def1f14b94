import { describe, expect, it } from 'vitest';
import { RealtimeProtocol } from '../../src/protocols/realtime/realtime.js';
import { fuzzDecoder, fuzzSeed } from '../support/fuzz.js';
import { REALTIME as CORPUS, realtimeUnreadable } from '../support/fuzz-corpora.js';

describe('Realtime decoder fuzz', () => {
  it('10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR, the session goes on', async () => {
    const seed = fuzzSeed('realtime');
    const codec = new RealtimeProtocol();
    const result = await fuzzDecoder(codec, seed, 100_000, CORPUS, realtimeUnreadable);
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(await codec.decode('{"type":"response.text.delta","delta":"ok"}')).toEqual([{ type: 'text', text: 'ok', source: 'response', final: false }]);
  });
});
