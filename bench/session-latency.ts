// Round-trip latency, measured: a pulse train in Chromium's fake microphone, a voicewire session against the local
// server's /ws echoing with no delay, and a pulse detector on the microphone source and on the playback node, both in
// the session's AudioContext. Latency = playback peak − microphone peak, on the context's own clock.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { encodeWav } from '../src/codecs/wav.js';
import { pcmEndpoint } from '../demo/server/pcm-endpoint.js';
import { startLocalServer } from '../demo/server/server.js';
import { launchChromium } from '../test/support/browser.js';
import { startTestServer, type Route } from '../test/support/server.js';
import { Resampler } from '../src/dsp/resampler.js';
import { percentile } from './percentile.js';

const MIC_RATE = 48000;
const PERIOD_S = 0.3;
const PULSES = 10;
const RUN_SECONDS = 3.5;
const REPEATS = 2;
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const FIXTURES = resolve(import.meta.dirname, 'fixtures');

interface Config {
  frameMs: number;
  targetMs: number;
  handoff: 'shared' | 'port';
}

const CONFIGS: Config[] = [
  { frameMs: 20, targetMs: 60, handoff: 'shared' },
  { frameMs: 20, targetMs: 60, handoff: 'port' },
  { frameMs: 20, targetMs: 30, handoff: 'shared' },
  { frameMs: 40, targetMs: 60, handoff: 'shared' },
  { frameMs: 40, targetMs: 30, handoff: 'shared' },
];

interface RunResult {
  rate: number;
  baseLatency: number;
  outputLatency: number;
  mic: number[];
  out: number[];
  stats: { underruns: number; handoff: string } | null;
  errors: string[];
}

/** A Gaussian pulse (σ 0.1 ms, well inside the 24 kHz wire's band) every PERIOD_S, as a 16-bit WAV. */
function pulseTrain(): Uint8Array {
  const samples = new Float32Array(Math.round(MIC_RATE * PERIOD_S * PULSES));
  const sigma = 0.0001 * MIC_RATE;
  for (let p = 0; p < PULSES; p++) {
    const centre = Math.round((p + 0.5) * PERIOD_S * MIC_RATE);
    for (let i = -8 * sigma; i <= 8 * sigma; i++) samples[centre + Math.round(i)] = 0.8 * Math.exp(-(i * i) / (2 * sigma * sigma));
  }
  return encodeWav(samples, MIC_RATE);
}

/** Each playback peak paired with the last microphone peak before it; ms. */
function latencies(r: RunResult): number[] {
  const out: number[] = [];
  for (const o of r.out) {
    const m = r.mic.filter((x) => x < o).at(-1);
    if (m !== undefined && o - m < PERIOD_S * r.rate) out.push(((o - m) * 1000) / r.rate);
  }
  return out;
}

const benchFiles: Route = async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return true;
  }
  if (!path.startsWith('/bench/fixtures/') || path.includes('..')) return false;
  const type = extname(path) === '.html' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
  res.writeHead(200, { 'Content-Type': type }).end(readFileSync(join(FIXTURES, path.slice('/bench/fixtures/'.length))));
  return true;
};

export async function latencyBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'voicewire-latency-'));
  const wav = join(dir, 'pulses.wav');
  writeFileSync(wav, pulseTrain());
  const http = await startTestServer({ headers: ISOLATED, routes: [benchFiles] });
  const local = await startLocalServer(
    { host: '127.0.0.1', port: 0, allowedOrigins: [http.origin()], maxSessions: 8, maxMessageBytes: 1 << 20, log: () => {} },
    { '/ws': pcmEndpoint({ echoDelayMs: 0 }) },
  );
  const browser = await launchChromium({ fakeMicWav: wav });
  const rows: Record<string, string | number>[] = [];
  let context = '';
  try {
    await browser.page.goto(`${http.origin()}/bench/fixtures/latency.html`);
    await browser.page.waitForFunction('window.benchReady === true');
    const url = `${local.url.replace(/^http/, 'ws')}/ws`;
    for (const c of CONFIGS) {
      const medians: number[] = [];
      const all: number[] = [];
      let rate = 0;
      let underruns = 0;
      for (let rep = 0; rep < REPEATS; rep++) {
        const r = (await browser.page.evaluate(`window.measure(${JSON.stringify({ url, ...c, seconds: RUN_SECONDS })})`)) as RunResult;
        if (r.errors.length > 0) throw new Error(`latency run failed: ${r.errors.join('; ')}`);
        if (r.stats?.handoff !== c.handoff) throw new Error(`asked for ${c.handoff}, ran ${r.stats?.handoff}`);
        const l = latencies(r);
        if (l.length === 0) throw new Error(`no pulse came back (${r.mic.length} sent, ${r.out.length} played)`);
        medians.push(percentile(l, 50));
        all.push(...l);
        rate = r.rate;
        underruns += r.stats.underruns;
        context = `context ${r.rate} Hz, quantum 128 frames = ${((128 / r.rate) * 1000).toFixed(1)} ms, baseLatency ${(r.baseLatency * 1000).toFixed(1)} ms, outputLatency ${(r.outputLatency * 1000).toFixed(1)} ms (after the tap, not measured)`;
      }
      const fill = c.frameMs * Math.ceil(c.targetMs / c.frameMs);
      const resamplers = new Resampler(rate, 24000).delayMs + new Resampler(24000, rate).delayMs;
      const goal = c.frameMs + c.targetMs + 10;
      const p50 = percentile(all, 50);
      rows.push({
        frame: c.frameMs, target: c.targetMs, ring: c.handoff, pulses: all.length,
        'p50 ms': p50.toFixed(1), 'min–max': `${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}`,
        'per session': medians.map((m) => m.toFixed(1)).join(' / '),
        fill, resamplers: resamplers.toFixed(1), rest: (p50 - fill - resamplers).toFixed(1), underruns, goal, within: p50 <= goal ? 'yes' : 'NO',
      });
    }
  } finally {
    await browser.close();
    await local.close();
    await http.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nRound-trip latency, microphone source → playback node output, echo delay 0, ${REPEATS} sessions × ${RUN_SECONDS} s per row; ${context}`);
  console.log('fill = frame·⌈target/frame⌉ (the queue reaches the target only when a whole frame lands); rest = p50 − fill − resamplers (capture hand-off, socket, server, quantum)');
  console.table(rows);
}
