import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

  it('with neither @evan/opus nor opusscript resolvable: CODEC_UNSUPPORTED listing every implementation tried, each with its reason', () => {
    // A real install of the built package whose node_modules has every dependency but no Opus encoder: module
    // resolution itself fails, as on a user's machine that skipped the optional peers.
    const root = resolve(import.meta.dirname, '../..');
    const app = mkdtempSync(join(tmpdir(), 'voicewire-no-encoder-'));
    try {
      const pkg = join(app, 'node_modules', 'voicewire');
      mkdirSync(pkg, { recursive: true });
      cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true, filter: (f) => !f.includes(`${join(root, 'dist')}/browser`) });
      cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
      const deps = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
      for (const dep of deps) {
        mkdirSync(join(app, 'node_modules', dep, '..'), { recursive: true });
        symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep));
      }
      const script = `import { createOpusEncoder } from 'voicewire/codecs';
        for (const name of ['@evan/opus', 'opusscript']) {
          try { import.meta.resolve(name); console.log('resolvable: ' + name); } catch {}
        }
        await createOpusEncoder({ sampleRate: 24000 }).then(() => console.log('no error'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message, remedy: e.remedy })));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      const e = JSON.parse(r.stdout.trim()) as { code: string; message: string; remedy: string };
      expect(e.code).toBe('CODEC_UNSUPPORTED');
      const tried = /^No Opus encoder is available here \((.*)\)$/.exec(e.message)?.[1].split('; ') ?? [];
      expect(tried).toEqual([
        'WebCodecs AudioEncoder could not be loaded: Error: AudioEncoder is not available.',
        'The worker-thread encoder could not be loaded: Error: neither opusscript nor @evan/opus is installed.',
        '@evan/opus could not be loaded: the package @evan/opus is not installed.',
        'opusscript could not be loaded: the package opusscript is not installed.',
      ]);
      expect(e.remedy).toContain('npm install @evan/opus');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
