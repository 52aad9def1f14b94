import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpusDecoder } from '../../src/codecs/opus-decoder.js';
import { createOpusEncoder, type OpusEncoder } from '../../src/codecs/opus-encoder.js';
import { alignedSnr, voiceLike } from '../support/opus-tools.js';

const RATE = 24000;

/** Encodes `pcm` in 20 ms blocks, decodes it back with opus-decoder, and scores it against the input. */
async function roundTrip(encoder: OpusEncoder, pcm: Float32Array) {
  const packets: Uint8Array[] = [];
  for (let at = 0; at < pcm.length; at += 480) packets.push(...(await encoder.encode(pcm.subarray(at, at + 480))));
  const decoder = await createOpusDecoder({ sampleRate: RATE, preSkip: encoder.preSkip });
  const decoded = decoder.decode(packets).pcm;
  decoder.close();
  return { packets, ...alignedSnr(pcm.subarray(0, decoded.length), decoded, 48) };
}

describe('Opus encoders for Node: @evan/opus in this thread, and libopus in a worker thread', () => {
  const open: OpusEncoder[] = [];
  afterAll(() => open.forEach((e) => e.close()));
  const pcm = voiceLike(1, RATE, 3);

  it('@evan/opus (native addon, wasm fallback) encodes voice that opus-decoder decodes back, aligned by its pre-skip', async () => {
    const encoder = await createOpusEncoder({ sampleRate: RATE, implementation: 'native' });
    open.push(encoder);
    expect(encoder).toMatchObject({ implementation: '@evan/opus', preSkip: 312 });
    const { packets, snrDb, lag } = await roundTrip(encoder, pcm);
    expect(packets.length).toBe(50);
    expect(Math.abs(lag)).toBeLessThanOrEqual(2);
    expect(snrDb).toBeGreaterThan(15);
  });

  it('the worker-thread encoder gives the same packets as the same library in this thread, in order, for two streams at once', async () => {
    const [a, b, direct] = await Promise.all([
      createOpusEncoder({ sampleRate: RATE, implementation: 'worker' }),
      createOpusEncoder({ sampleRate: RATE, implementation: 'worker' }),
      createOpusEncoder({ sampleRate: RATE, implementation: 'wasm' }),
    ]);
    open.push(a, b, direct);
    expect(a.implementation).toBe('opusscript (worker thread)');
    const other = voiceLike(1, RATE, 9);
    // Interleaved, unawaited calls in odd block sizes: each stream's state and order must hold in the shared worker.
    const calls: Promise<Uint8Array[]>[][] = [[], []];
    for (let at = 0; at < pcm.length; at += 700) {
      calls[0].push(a.encode(pcm.subarray(at, at + 700)));
      calls[1].push(b.encode(other.subarray(at, at + 700)));
    }
    const fromWorker = (await Promise.all(calls[0])).flat();
    const expected: Uint8Array[] = [];
    for (let at = 0; at < pcm.length; at += 700) expected.push(...(await direct.encode(pcm.subarray(at, at + 700))));
    expect(fromWorker.length).toBe(50);
    expect(fromWorker.map((p) => Buffer.from(p).toString('hex'))).toEqual(expected.map((p) => Buffer.from(p).toString('hex')));
    expect((await Promise.all(calls[1])).flat().length).toBe(50);
  });

  it('auto picks the worker thread in Node', async () => {
    const encoder = await createOpusEncoder({ sampleRate: RATE });
    open.push(encoder);
    expect(encoder.implementation).toMatch(/\(worker thread\)$/);
  });

  it('a script that only encodes stays alive until its packets come back, then exits cleanly (the idle worker holds nothing)', () => {
    const script = `import { createOpusEncoder } from '${new URL('../../src/codecs/opus-encoder.ts', import.meta.url).href}';
      const e = await createOpusEncoder({ sampleRate: 24000, implementation: 'worker' });
      console.log((await e.encode(new Float32Array(960))).length);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, signal: r.signal, out: r.stdout.trim() }).toEqual({ status: 0, signal: null, out: '2' });
  });
});
