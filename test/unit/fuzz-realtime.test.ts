import { describe, expect, it } from 'vitest';
import { RealtimeProtocol } from '../../src/protocols/realtime/realtime.js';
import { fuzzDecoder, fuzzSeed, isJsonObjectWithType } from '../support/fuzz.js';

const CORPUS = ['{"type":"session.updated","session":{}}', '{"type":"response.audio.delta","delta":"AEAAwP9/"}', '{"type":"response.text.delta","delta":"x"}',
  '{"type":"conversation.item.input_audio_transcription.completed","transcript":"t"}', '{"type":"input_audio_buffer.speech_started","audio_start_ms":5}',
  '{"type":"error","error":{"type":"e","message":"m"}}', '{"type":"response.done","response":{}}'];

describe('Realtime decoder fuzz', () => {
  it('10^5 random and mutated messages: never throws, unreadable input is always a PROTOCOL_ERROR, the session goes on', async () => {
    const seed = fuzzSeed('realtime');
    const codec = new RealtimeProtocol();
    const result = await fuzzDecoder(codec, seed, 100_000, CORPUS, (m) => typeof m !== 'string' || !isJsonObjectWithType(m));
    expect(result.mustFailSeen).toBeGreaterThan(10_000);
    expect(await codec.decode('{"type":"response.text.delta","delta":"ok"}')).toEqual([{ type: 'text', text: 'ok', source: 'response', final: false }]);
  });
});
