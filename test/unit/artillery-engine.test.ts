import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moshiEndpoint } from '../../demo/server/moshi-endpoint.js';
import { pcmEndpoint } from '../../demo/server/pcm-endpoint.js';
import { startLocalServer, type LocalServer } from '../../demo/server/server.js';
import { loadEngine } from '../support/artillery-engine.js';
import { run, tempDir, voiceLike, writeWav16 } from '../support/opus-tools.js';

interface Emitted {
  histograms: Map<string, number[]>;
  counters: Map<string, number>;
  errors: string[];
  started: number;
}

/** Runs one virtual user as Artillery's runner does: the engine's scenario function with an event emitter. */
async function runVu(script: object, flow: unknown[]): Promise<Emitted & { error: Error | null }> {
  const Engine = loadEngine();
  const ee = new EventEmitter();
  const out: Emitted = { histograms: new Map(), counters: new Map(), errors: [], started: 0 };
  ee.on('started', () => out.started++);
  ee.on('histogram', (name: string, v: number) => out.histograms.set(name, [...(out.histograms.get(name) ?? []), v]));
  ee.on('counter', (name: string, v: number) => out.counters.set(name, (out.counters.get(name) ?? 0) + v));
  ee.on('error', (code: string) => out.errors.push(code));
  const scenario = new Engine(script, ee, {}).createScenario({ engine: 'voicewire', flow }, ee);
  const error = await new Promise<Error | null>((done) => scenario({ vars: {} }, (e) => done(e)));
  return { ...out, error };
}

describe('artillery-engine-voicewire, driven as Artillery drives an engine, against the local server', () => {
  let server: LocalServer;
  let dir: string;
  let target: string;
  beforeAll(async () => {
    server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} }, {
      '/ws': pcmEndpoint({ echoDelayMs: 0 }),
      '/api/chat': moshiEndpoint({ singleSession: false, log: () => {} }),
    });
    target = server.url.replace(/^http/, 'ws');
    dir = tempDir();
    // Speech-like audio: the local Moshi server's voice-activity detector answers it with text.
    writeWav16(join(dir, 'speech.wav'), voiceLike(1.5, 24000, 5), 24000);
    run('opusenc', ['--quiet', join(dir, 'speech.wav'), join(dir, 'speech.opus')]);
    writeWav16(join(dir, 'silence.wav'), new Float32Array(24000), 24000);
  });
  afterAll(() => server.close());

  const script = () => ({ config: { target, engines: { voicewire: {} } }, _scriptPath: join(dir, 'scenario.yml') });

  it('connects with Moshi, streams an Ogg Opus file, gets text within 2 s, and reports voice metrics', async () => {
    const r = await runVu(script(), [
      { connect: { protocol: 'moshi', path: '/api/chat', file: 'speech.opus' } },
      { expectText: { withinMs: 2000 } },
      { stream: { holdMs: 200 } },
      'disconnect',
    ]);
    expect(r.error).toBeNull();
    expect(r.errors).toEqual([]);
    expect(r.started).toBe(1);
    for (const name of ['voicewire.connect_time', 'voicewire.first_audio', 'voicewire.first_text']) {
      expect(r.histograms.get(name)?.length, name).toBe(1);
      expect(r.histograms.get(name)![0]).toBeGreaterThanOrEqual(0);
    }
    expect(r.counters.get('voicewire.sessions')).toBe(1);
    expect(r.counters.has('voicewire.underruns')).toBe(true);
    // The echo of 1.5 s of audio, less at most a held-back packet and the tail still in flight at disconnect.
    expect(r.counters.get('voicewire.audio_received_ms')).toBeGreaterThan(1000);
  });

  it('streams a WAV file as PCM over the voicewire protocol', async () => {
    const r = await runVu(script(), [{ connect: { path: '/ws', file: 'silence.wav', pace: 'asap' } }, { expectAudio: { withinMs: 2000 } }, 'disconnect']);
    expect(r.error).toBeNull();
    expect(r.histograms.get('voicewire.first_audio')?.length).toBe(1);
  });

  it('fails the virtual user with voicewire.no_text when no text comes in time (silence gets none)', async () => {
    const r = await runVu(script(), [{ connect: { path: '/ws', file: 'silence.wav' } }, { expectText: { withinMs: 300 } }]);
    expect(r.error?.message).toBe('no text within 300 ms');
    expect(r.errors).toEqual(['voicewire.no_text']);
  });

  it('a refused connection is an Artillery error named by the voicewire error code', async () => {
    const r = await runVu(script(), [{ connect: { path: '/nowhere', file: 'silence.wav' } }]);
    expect(r.error).not.toBeNull();
    expect(r.errors).toEqual(['CONNECTION_FAILED']);
  });

  it('an unknown step is refused when the scenario is compiled', () => {
    const Engine = loadEngine();
    const ee = new EventEmitter();
    expect(() => new Engine(script(), ee, {}).createScenario({ flow: [{ speak: {} }] }, ee)).toThrow(/unknown step "speak"/);
  });
});
