// Concurrent Node sessions against the local server (its own process, so its own event loop and CPU figure):
// N voicewire sessions paced in real time at 24 kHz, echoed at once, each checked by a simulated playout clock;
// the same N of raw `ws` clients sending the same bytes is the baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodePcm } from '../src/dsp/pcm.js';
// The built package (npm run bench builds first): the session pulls in the bundled worklet sources.
import { createVoiceSession } from '../dist/index.js';
import { percentile } from './percentile.js';

const RATE = 24000;
const FRAME_MS = 20;
const FRAME = (RATE * FRAME_MS) / 1000;
const TARGET_MS = 60;
const LEVELS = [50, 100, 200, 300];
const WARMUP_MS = 1500;
const MEASURE_MS = 6000;
/** Each level twice, in both orders: the machine is shared, and a stall of it lands on whichever kind runs then. */
const ROUNDS = 2;
const ROOT = resolve(import.meta.dirname, '..');

/**
 * A speaker's jitter buffer without a speaker: playout starts once TARGET_MS arrived and then consumes in real
 * time; an arrival that finds the buffer already dry is an underrun (and playout waits for the target again).
 */
class Playout {
  underruns = 0;
  gaps: number[] = [];
  /** The deepest the buffer got: audio that arrives in bursts (catching up after a stall) piles up as latency. */
  maxDepthMs = 0;
  private depthMs = 0;
  private playing = false;
  private last = 0;

  arrive(ms: number): void {
    const now = performance.now();
    if (this.last > 0) this.gaps.push(now - this.last);
    if (this.playing) {
      this.depthMs -= now - this.last;
      if (this.depthMs < 0) {
        this.underruns++;
        this.playing = false;
        this.depthMs = 0;
      }
    }
    this.last = now;
    this.depthMs += ms;
    if (this.depthMs > this.maxDepthMs) this.maxDepthMs = this.depthMs;
    if (!this.playing && this.depthMs >= TARGET_MS) this.playing = true;
  }

  /** Starts the measured window afresh (empty buffer, waiting for the target): startup and its backlog do not count. */
  reset(): void {
    this.underruns = 0;
    this.gaps = [];
    this.depthMs = 0;
    this.maxDepthMs = 0;
    this.playing = false;
  }
}

interface Client {
  playout: Playout;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A 220 Hz tone, one frame: every client sends it again and again. */
const TONE = Float32Array.from({ length: FRAME }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / RATE));

async function* endlessTone(): AsyncGenerator<Float32Array> {
  for (;;) yield TONE;
}

function voicewireClient(url: string): Client {
  const playout = new Playout();
  const session = createVoiceSession({ url, input: endlessTone(), pace: 'realtime', onAudio: (pcm, rate) => playout.arrive((pcm.length / rate) * 1000) });
  return { playout, start: () => session.start(), stop: () => session.stop() };
}

/** The baseline: the hello, then the same s16le bytes on the same schedule, with `ws` alone. */
function rawClient(url: string): Client {
  const playout = new Playout();
  const bytes = encodePcm(TONE, 'int16');
  let socket: WebSocket | undefined;
  let stopped = false;
  const pace = async () => {
    const started = Date.now();
    for (let sent = 1; !stopped; sent++) {
      socket!.send(bytes);
      const wait = started + sent * FRAME_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  return {
    playout,
    start: () => new Promise<void>((done, fail) => {
      const ws = new WebSocket(url, 'voicewire.v1');
      socket = ws;
      ws.on('error', fail);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 'voicewire', versions: [1], role: 'client', audio: { sampleRate: RATE, channels: 1, format: 's16le', frameMs: FRAME_MS } })));
      ws.on('message', (data: Buffer, binary) => {
        if (binary) return playout.arrive((data.length / 2 / RATE) * 1000);
        if (String(data).includes('"hello"')) {
          done();
          void pace();
        }
      });
    }),
    async stop() {
      stopped = true;
      socket?.close();
    },
  };
}

/** `npm start`'s server with no echo delay, in a child process; resolves with its ws URL. */
async function spawnServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/main.ts', '--port', '0', '--echo-delay-ms', '0', '--max-sessions', '2000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    child.once('exit', (code) => fail(new Error(`the local server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /local server: (http:\/\/\S+?)\/\s/.exec(text);
      if (m) done(`${m[1].replace(/^http/, 'ws')}/ws`);
      if (text.length > 1 << 16) text = text.slice(-4096);
    });
  });
  return { child, url };
}

/** CPU seconds (user + system) and resident MB of another process, from /proc (Linux). */
function procUsage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of proc(5))
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: ticks / 100, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runLevel(kind: 'raw ws' | 'voicewire', n: number, url: string, server: ChildProcess): Promise<Record<string, string | number>> {
  const make = kind === 'voicewire' ? voicewireClient : rawClient;
  const clients = Array.from({ length: n }, () => make(url));
  // Spread over one second, as users arrive, so the frames of all sessions do not fall on the same millisecond.
  await Promise.all(clients.map((c, i) => sleep((i * 1000) / n).then(() => c.start())));
  await sleep(WARMUP_MS);
  for (const c of clients) c.playout.reset();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const srv0 = procUsage(server.pid!);
  const t0 = performance.now();
  await sleep(MEASURE_MS);
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const srv = procUsage(server.pid!);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  loop.disable();
  await Promise.all(clients.map((c) => c.stop()));
  const gaps = clients.flatMap((c) => c.playout.gaps);
  const received = gaps.length * FRAME_MS;
  const result = {
    clients: kind,
    N: n,
    'with underruns': clients.filter((c) => c.playout.underruns > 0).length,
    underruns: clients.reduce((a, c) => a + c.playout.underruns, 0),
    'received %': ((100 * received) / (n * MEASURE_MS)).toFixed(1),
    'gap p50 ms': percentile(gaps, 50).toFixed(1),
    'gap p99 ms': percentile(gaps, 99).toFixed(1),
    'gap max ms': percentile(gaps, 100).toFixed(0),
    'depth max ms': Math.max(...clients.map((c) => c.playout.maxDepthMs)).toFixed(0),
    'client loop delay max ms': (loop.max / 1e6).toFixed(0),
    'client CPU %': ((100 * (cpu.user + cpu.system)) / 1e6 / elapsedS).toFixed(0),
    'server CPU %': ((100 * (srv.cpuS - srv0.cpuS)) / elapsedS).toFixed(0),
    'client RSS MB': rssMb.toFixed(0),
    'server RSS MB': srv.rssMb.toFixed(0),
  };
  await sleep(500);
  (globalThis as { gc?: () => void }).gc?.();
  return result;
}

export async function loadBench(): Promise<void> {
  const { child, url } = await spawnServer();
  const rows: Record<string, string | number>[] = [];
  try {
    for (const n of LEVELS) {
      for (let round = 0; round < ROUNDS; round++) {
        const kinds = round % 2 === 0 ? (['raw ws', 'voicewire'] as const) : (['voicewire', 'raw ws'] as const);
        for (const kind of kinds) rows.push(await runLevel(kind, n, url, child));
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  console.log(`\nConcurrent sessions, ${RATE} Hz s16le, ${FRAME_MS} ms frames paced in real time, echoed at once by the local server (own process);`);
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine shows as stalls in both client kinds)`);
  console.log(`per row: ${MEASURE_MS / 1000} s measured (each level ${ROUNDS}×, order alternating) after ${WARMUP_MS / 1000} s warm-up; underrun = simulated playout (start at ${TARGET_MS} ms, real-time consumption) found the received audio dry; CPU % of one core`);
  console.table(rows);
}
