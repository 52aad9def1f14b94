import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type BrowserSession } from '../support/browser.js';
import { startTestServer, type Route, type TestServer } from '../support/server.js';
import { alignedSnr } from '../support/spectrum.js';
import type { Sdk } from '../support/sdk.js';

const PAGE = '/test/browser/fixtures/sdk.html';
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const MIC_RATE = 48000;

/** A 2 s logarithmic chirp, 200 → 3000 Hz, amplitude 0.5, as 16-bit samples. */
function chirp(rate: number, seconds: number): Float32Array {
  const n = Math.round(rate * seconds);
  const k = Math.log(3000 / 200) / seconds;
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(((2 * Math.PI * 200) / k) * (Math.exp((k * i) / rate) - 1)));
}

function writeWav16(path: string, samples: Float32Array, rate: number): void {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((x, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** sox, an independent resampler, as the offline reference: WAV in, raw float32 at `rate` out. */
function soxResample(wav: string, rate: number): Float32Array {
  const raw = execFileSync('sox', [wav, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-r', String(rate), '-', 'rate', '-v']);
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

/** Chromium asks for /favicon.ico; a 404 there would show up as a console error of the page. */
const noFavicon: Route = (req, res) => {
  if (req.url !== '/favicon.ico') return false;
  res.statusCode = 204;
  res.end();
  return true;
};

async function openPage(session: BrowserSession, url: string): Promise<void> {
  await session.page.goto(url);
  await session.page.waitForFunction(() => (window as unknown as { voicewireReady?: boolean }).voicewireReady === true);
}

for (const isolated of [true, false]) {
  const expected = isolated ? 'shared' : 'port';
  describe(`pipeline in real Chromium, ${isolated ? 'cross-origin isolated (SharedArrayBuffer ring)' : 'not isolated (port chunks)'}`, () => {
    let http: TestServer;
    let session: BrowserSession;
    let dir: string;
    let wav: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'voicewire-pipeline-'));
      wav = join(dir, 'chirp.wav');
      writeWav16(wav, chirp(MIC_RATE, 2), MIC_RATE);
      http = await startTestServer({ headers: isolated ? ISOLATED : {}, routes: [noFavicon] });
      session = await launchChromium({ fakeMicWav: wav });
      await openPage(session, `${http.origin()}${PAGE}`);
    });
    afterAll(async () => {
      await session?.close();
      await http?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`captures the fake microphone's WAV as 24 kHz Int16 frames matching sox's offline resampling (${expected})`, async () => {
      const result = await session.page.evaluate(async () => {
        const vw = (window as unknown as { voicewire: Sdk }).voicewire;
        const ctx = new AudioContext();
        await ctx.audioWorklet.addModule('/dist/worklets/voicewire.processor.js');
        const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
        const capture = vw.createCapturePipeline(ctx, ctx.createMediaStreamSource(stream), { wireRate: 24000, frameMs: 20, format: 'int16' });
        const frames: { length: number; int16: boolean; sequence: number; level: number; samples: number[] }[] = [];
        capture.on('frame', (f) => frames.push({ length: f.samples.length, int16: f.samples instanceof Int16Array, sequence: f.sequence, level: f.level, samples: Array.from(f.samples) }));
        await new Promise((r) => setTimeout(r, 1800));
        capture.close();
        stream.getTracks().forEach((t) => t.stop());
        const sampleRate = ctx.sampleRate;
        await ctx.close();
        return { transport: capture.handoff, crossOriginIsolated, sampleRate, frames };
      });
      expect(result.crossOriginIsolated).toBe(isolated);
      expect(result.transport).toBe(expected);
      expect(result.frames.length).toBeGreaterThan(60);
      expect(result.frames.every((f, i) => f.length === 480 && f.int16 && f.sequence === i)).toBe(true);
      const samples = result.frames.flatMap((f) => f.samples.map((x) => x / 32768));
      // Skip the first 0.5 s (device start-up), compare 0.6 s against the looped reference.
      const segment = samples.slice(12000, 12000 + 14400);
      const reference = soxResample(wav, 24000);
      const looped = new Float32Array(reference.length * 3);
      for (let i = 0; i < 3; i++) looped.set(reference, i * reference.length);
      const fit = alignedSnr(segment, looped);
      console.log(`capture (${expected}, context ${result.sampleRate} Hz): SNR ${fit.snrDb.toFixed(1)} dB, gain ${fit.gain.toFixed(4)}`);
      expect(fit.snrDb).toBeGreaterThanOrEqual(40);
      expect(result.frames[30].level).toBeGreaterThan(0.2);
      expect(session.pageErrors).toEqual([]);
    });

    it(`plays pushed 24 kHz PCM out of the playback node, equal to sox's resampling within tolerance (${expected})`, async () => {
      const speech = Array.from(chirp(24000, 1));
      const result = await session.page.evaluate(async (pcm) => {
        const vw = (window as unknown as { voicewire: Sdk }).voicewire;
        const ctx = new AudioContext();
        await ctx.audioWorklet.addModule('/dist/worklets/voicewire.processor.js');
        await ctx.audioWorklet.addModule('/test/browser/fixtures/tap.processor.js');
        const playback = vw.createPlaybackPipeline(ctx, { inputRate: 24000, targetMs: 60, maxMs: 3000 });
        const tap = new AudioWorkletNode(ctx, 'voicewire-tap', { processorOptions: { length: Math.round(ctx.sampleRate * 1.6) } });
        playback.node.connect(tap).connect(ctx.destination);
        const stats: import('../../src/audio/index.js').PlaybackStats[] = [];
        playback.on('stats', (s) => stats.push(s));
        const recorded = new Promise<Float32Array>((r) => (tap.port.onmessage = (e) => r(e.data)));
        // Server frames of 20 ms, as they would arrive, Int16 like most servers send.
        for (let i = 0; i < pcm.length; i += 480) playback.push(Int16Array.from(pcm.slice(i, i + 480), (x) => Math.round(x * 32767)));
        playback.end();
        const samples = await recorded;
        playback.close();
        const sampleRate = ctx.sampleRate;
        await ctx.close();
        return { transport: playback.handoff, sampleRate, samples: Array.from(samples), stats };
      }, speech);
      expect(result.transport).toBe(expected);
      const source = join(dir, 'speech.wav');
      writeWav16(source, Float32Array.from(speech), 24000);
      const reference = soxResample(source, result.sampleRate);
      const padded = new Float32Array(reference.length + result.sampleRate);
      padded.set(reference, result.sampleRate / 2);
      // The middle of the utterance: 0.8 s starting 0.3 s in (after the jitter buffer's start and the filter delay).
      const start = result.samples.findIndex((x) => x !== 0);
      const segment = result.samples.slice(start + Math.round(0.1 * result.sampleRate), start + Math.round(0.9 * result.sampleRate));
      const fit = alignedSnr(segment, padded);
      console.log(`playback (${expected}, context ${result.sampleRate} Hz): SNR ${fit.snrDb.toFixed(1)} dB, gain ${fit.gain.toFixed(4)}`);
      // The bound is the measurement's own (its 80-tap fractional shift), not the resamplers': about 60 dB here.
      expect(fit.snrDb).toBeGreaterThanOrEqual(50);
      expect(fit.gain).toBeCloseTo(1, 2);
      const last = result.stats[result.stats.length - 1];
      expect(last).toMatchObject({ handoff: expected, underruns: 0, overruns: 0, droppedMs: 0, flushedMs: 0 });
      expect(result.stats.length).toBeGreaterThanOrEqual(10);
      expect(session.pageErrors).toEqual([]);
    });

    it(`flush() silences the queue at once and reports what it dropped (${expected})`, async () => {
      const result = await session.page.evaluate(async () => {
        const vw = (window as unknown as { voicewire: Sdk }).voicewire;
        const ctx = new AudioContext();
        await ctx.audioWorklet.addModule('/dist/worklets/voicewire.processor.js');
        await ctx.audioWorklet.addModule('/test/browser/fixtures/tap.processor.js');
        const playback = vw.createPlaybackPipeline(ctx, { inputRate: 24000, maxMs: 5000 });
        const tap = new AudioWorkletNode(ctx, 'voicewire-tap', { processorOptions: { length: Math.round(ctx.sampleRate * 1.2) } });
        playback.node.connect(tap).connect(ctx.destination);
        const stats: import('../../src/audio/index.js').PlaybackStats[] = [];
        playback.on('stats', (s) => stats.push(s));
        const recorded = new Promise<Float32Array>((r) => (tap.port.onmessage = (e) => r(e.data)));
        playback.push(new Float32Array(24000 * 4).fill(0.25)); // 4 s queued
        await new Promise((r) => setTimeout(r, 300));
        playback.flush();
        const samples = await recorded;
        await new Promise((r) => setTimeout(r, 250));
        playback.close();
        const sampleRate = ctx.sampleRate;
        await ctx.close();
        let lastLoud = samples.length - 1;
        while (lastLoud >= 0 && Math.abs(samples[lastLoud]) <= 0.01) lastLoud--;
        return { sampleRate, lastLoud, tail: Array.from(samples.slice(-4800)), stats };
      });
      // It played for a while, then stopped long before the 4 s were out; the tail of the recording is silence.
      expect(result.lastLoud).toBeGreaterThan(0.1 * result.sampleRate);
      expect(result.tail.every((x) => x === 0)).toBe(true);
      const last = result.stats[result.stats.length - 1];
      expect(last.flushedMs).toBeGreaterThan(2000);
      expect(last).toMatchObject({ underruns: 0, overruns: 0, depthMs: 0, playing: false });
    });
  });
}
