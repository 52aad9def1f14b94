import { FrameChunker, OPUS_FRAME_MS } from '../dsp/frame-chunker.js';
import { LIBOPUS_PRE_SKIP } from './opus-encoder-native.js';
import type { OpusEncoder, OpusEncoderOptions } from './opus-encoder.js';

type WorkerThreads = typeof import('node:worker_threads');
type Worker = InstanceType<WorkerThreads['Worker']>;

/**
 * The npm encoders a worker loads, in order. Wasm only: @evan/opus's native addon in a worker thread crashed Node 20
 * with SIGSEGV when the worker was torn down at process exit (checked here), so @evan/opus runs its wasm build there
 * (OPUS_FORCE_WASM, its own switch) — about opusscript's speed, measured here.
 */
const PACKAGES = ['opusscript', '@evan/opus'] as const;

/**
 * The worker: one per process, shared by every encoder (each keeps its libopus state there, by id). It answers each
 * `encode` with the packets of its frames, in order. Plain CommonJS text so it runs from any build (no worker file
 * to locate); the encoder package comes as a resolved path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.path);
const encoders = new Map();
function open(m) {
  if (workerData.name === '@evan/opus') {
    const codec = new lib.Encoder({ channels: 1, sample_rate: m.sampleRate, application: 'audio' });
    if (m.bitrate) codec.bitrate = m.bitrate;
    return { s16: new Int16Array(m.frameSize), encode: (s16) => codec.encode(s16), close() {} };
  }
  const codec = new lib(m.sampleRate, 1, lib.Application.AUDIO);
  if (m.bitrate) codec.setBitrate(m.bitrate);
  const s16 = new Int16Array(m.frameSize);
  const bytes = Buffer.from(s16.buffer);
  return { s16, encode: () => new Uint8Array(codec.encode(bytes, m.frameSize)), close: () => codec.delete() };
}
parentPort.on('message', (m) => {
  if (m.type === 'open') return void encoders.set(m.id, open(m));
  const e = encoders.get(m.id);
  if (m.type === 'close') { e?.close(); return void encoders.delete(m.id); }
  const packets = [];
  for (let at = 0; at < m.pcm.length; at += e.s16.length) {
    for (let i = 0; i < e.s16.length; i++) {
      // floatToInt16 of src/dsp/pcm.ts (the one convention), inlined: this text runs without our modules.
      const x = m.pcm[at + i];
      const c = x > 1 ? 1 : x < -1 ? -1 : x !== x ? 0 : x;
      e.s16[i] = Math.round(c < 0 ? c * 0x8000 : c * 0x7fff);
    }
    packets.push(e.encode(e.s16));
  }
  parentPort.postMessage({ id: m.id, packets });
});
`;

interface Shared {
  worker: Worker;
  name: string;
  /** Per encoder id: resolvers of its encode calls, oldest first (the worker answers in order). */
  waiting: Map<number, Array<{ resolve: (p: Uint8Array[]) => void; reject: (e: Error) => void }>>;
  nextId: number;
  /** Encodes awaiting their packets: the worker keeps the process alive only while there are some. */
  pending: number;
}

let shared: Promise<Shared> | null = null;

async function startWorker(): Promise<Shared> {
  const threads = 'node:worker_threads';
  const moduleApi = 'node:module';
  const { Worker, isMainThread } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ threads)) as WorkerThreads;
  // Already off the main thread (Artillery runs each virtual user in a worker): no nested worker, the next
  // implementation encodes right here. (A worker with a native addon, nested in a worker that is terminated,
  // crashed Node 20 with SIGSEGV at exit here.)
  if (!isMainThread) throw new Error('this is already a worker thread');
  const { createRequire } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleApi)) as typeof import('node:module');
  const require = createRequire(import.meta.url);
  const found = PACKAGES.map((name) => ({ name, path: tryResolve(require, name) })).find((p) => p.path !== null);
  if (!found) throw new Error(`neither ${PACKAGES.join(' nor ')} is installed`);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: found, execArgv: [], env: { ...process.env, OPUS_FORCE_WASM: '1' } });
  const state: Shared = { worker, name: found.name, waiting: new Map(), nextId: 1, pending: 0 };
  worker.on('message', (m: { id: number; packets: Uint8Array[] }) => {
    if (--state.pending === 0) worker.unref();
    state.waiting.get(m.id)?.shift()?.resolve(m.packets);
  });
  worker.on('error', (e) => {
    for (const queue of state.waiting.values()) for (const w of queue.splice(0)) w.reject(e);
    state.pending = 0;
    shared = null; // the next encoder starts a fresh worker
  });
  // Idle, never what keeps a process alive. (After the listeners: adding one refs the port again.)
  worker.unref();
  return state;
}

function tryResolve(require: NodeJS.Require, name: string): string | null {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

/**
 * libopus in a worker thread (Node): the event loop only cuts frames and posts them, so frames leave on time while
 * many sessions encode (issue 16: 10 Moshi sessions stalled the loop 38–62 ms with encoding on it). All encoders
 * of a process share one worker; rejects when worker_threads or both npm encoders are missing.
 */
export async function createWorkerOpusEncoder(options: OpusEncoderOptions & { sampleRate: number }): Promise<OpusEncoder> {
  shared ??= startWorker();
  const state = await shared.catch((e: unknown) => {
    shared = null;
    throw e;
  });
  const id = state.nextId++;
  const chunker = new FrameChunker((options.sampleRate * OPUS_FRAME_MS) / 1000);
  const queue: Array<{ resolve: (p: Uint8Array[]) => void; reject: (e: Error) => void }> = [];
  state.waiting.set(id, queue);
  state.worker.postMessage({ type: 'open', id, sampleRate: options.sampleRate, bitrate: options.bitrate, frameSize: chunker.frameSize });
  let closed = false;
  return {
    implementation: `${state.name} (worker thread)`,
    sampleRate: options.sampleRate,
    preSkip: LIBOPUS_PRE_SKIP,
    encode(pcm) {
      if (closed) return Promise.reject(new Error('the Opus encoder is closed'));
      const frames = chunker.push(pcm);
      if (frames.length === 0) return Promise.resolve([]);
      const batch = frames.length === 1 ? frames[0] : joinFrames(frames);
      return new Promise((resolve, reject) => {
        queue.push({ resolve, reject });
        if (state.pending++ === 0) state.worker.ref();
        state.worker.postMessage({ type: 'encode', id, pcm: batch }, [batch.buffer]);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      state.worker.postMessage({ type: 'close', id });
      state.waiting.delete(id);
      for (const w of queue.splice(0)) w.resolve([]); // the stream is over: what was still encoding has nowhere to go

    },
  };
}

function joinFrames(frames: readonly Float32Array[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(frames.length * frames[0].length);
  frames.forEach((f, i) => out.set(f, i * f.length));
  return out;
}
