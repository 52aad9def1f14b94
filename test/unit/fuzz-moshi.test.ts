import { describe, expect, it } from 'vitest';
import { MoshiProtocol } from '../../src/protocols/moshi/moshi.js';
import { fuzzMoshi } from '../support/fuzz-moshi.js';

const MESSAGES = 100_000;

describe('fuzz: Moshi decoder', () => {
  it(`survives ${MESSAGES} random and mutated messages with PROTOCOL_ERROR events, never an exception`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 0xc0ffee);
    console.log(`fuzz-moshi seed ${seed} (FUZZ_SEED=${seed} to replay)`);
    const { failures, protocolErrors, valid, codec: moshi } = await fuzzMoshi(() => new MoshiProtocol(), seed, MESSAGES);
    expect(failures).toEqual([]);
    expect(protocolErrors).toBeGreaterThan(MESSAGES / 10);

    // The session survived: a clean stream still decodes to audio.
    const audio = (await Promise.all(valid.filter((m) => m[0] === 1).map((m) => moshi.decode(m)))).flat();
    expect(audio.some((e) => e.type === 'audio' && e.pcm.length > 0)).toBe(true);
    moshi.close();
  });
});
