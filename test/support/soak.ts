import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CaptureCore } from '../../worklets/capture-core.js';
import type { FrameWriter } from '../../worklets/frame-handoff.js';
import { SharedPcmWriter } from '../../src/audio/pcm-handoff.js';
import { createControlStorage } from '../../worklets/pcm-handoff.js';
import { PlaybackCore } from '../../worklets/playback-core.js';
import { Resampler } from '../../src/dsp/resampler.js';
import { RingBuffer, type RingArray } from '../../src/dsp/ring.js';
import { voicewire } from '../../src/protocols/voicewire/voicewire.js';
import { streamAudio } from '../../src/session/stream-audio.js';
import type { VoiceSession, VoiceSessionOptions } from '../../src/session/voice-session.js';

/** A full collection, also without --expose-gc (the flag can be set at run time; the function lives in a new context). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap after a full collection, bytes. */
export function settledHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export interface SoakResult {
  /** Samples fed in and samples that came out the far end, at the same rate. */
  samplesIn: number;
  samplesOut: number;
  /** Heap after the run minus heap after the warm-up (the first tenth), both after a full collection. */
  heapGrowthBytes: number;
  /** Wall time, ms, and how much faster than real time the audio went through. */
  wallMs: number;
  speedup: number;
  /** Anything a real-time path counted as lost. */
  dropped: number;
  underruns: number;
}

const DEVICE = 48000;
const WIRE = 24000;
const QUANTUM = 128;

/**
 * The audio-thread cores as a browser session chains them, driven directly at full speed: microphone quanta at the
 * device rate → CaptureCore (resample, 20 ms frames) → resample back up → PlaybackCore (jitter buffer) → speaker
 * quanta. Every wire frame crosses within the same quantum, so nothing may underrun, overrun or drop.
 */
export function soakPipeline(seconds: number): SoakResult {
  const ring = RingBuffer.createStorage(DEVICE, Float32Array);
  const control = createControlStorage(true);
  const playback = new PlaybackCore({ sampleRate: DEVICE, targetMs: 60, maxMs: 500, statsIntervalMs: 100 }, new RingBuffer(ring, Float32Array), new Int32Array(control), () => {});
  const writer = new SharedPcmWriter(ring, control);
  const up = new Resampler(WIRE, DEVICE);
  const upOut = new Float32Array(up.maxOutputLength(480));
  let wireSamples = 0;
  let pushed = 0;
  let refused = 0;
  const toSpeaker: FrameWriter = {
    write(frame: RingArray) {
      wireSamples += frame.length;
      const n = up.process(frame as Float32Array, 0, frame.length, upOut, 0);
      const accepted = writer.push(upOut, 0, n);
      pushed += accepted;
      refused += n - accepted;
      return true;
    },
  };
  const capture = new CaptureCore({ inputRate: DEVICE, wireRate: WIRE, frameMs: 20, format: 'float32' }, toSpeaker);
  // 375 Hz has a period of exactly one 128-sample quantum at 48 kHz: one buffer is a continuous tone.
  const mic = Float32Array.from({ length: QUANTUM }, (_, i) => 0.3 * Math.sin((2 * Math.PI * i) / QUANTUM));
  const speaker = new Float32Array(QUANTUM);
  const total = Math.floor((seconds * DEVICE) / QUANTUM);
  const warm = Math.floor(total / 10);
  let heapWarm = 0;
  const started = performance.now();
  for (let q = 0; q < total; q++) {
    if (q === warm) heapWarm = settledHeap();
    capture.process(mic, QUANTUM);
    playback.process(speaker, QUANTUM);
  }
  const wallMs = performance.now() - started;
  const heapGrowthBytes = settledHeap() - heapWarm;
  const queued = new RingBuffer(ring, Float32Array).availableRead();
  const s = playback.stats;
  return {
    samplesIn: wireSamples, // what the capture core put on the "wire"
    samplesOut: pushed - queued - s.droppedSamples - s.flushedSamples, // what the speaker played (device rate)
    heapGrowthBytes, wallMs, speedup: (seconds * 1000) / wallMs,
    dropped: capture.framesDropped + refused + s.droppedSamples, underruns: s.underruns,
  };
}

/**
 * A Node session (stream audio) echoing `seconds` of audio through a server, as fast as the server echoes: the
 * input waits while more than `window` frames are unanswered, so nothing is dropped for backpressure and the
 * sample counts in and out must match exactly.
 */
export async function soakSession(create: (o: Partial<VoiceSessionOptions>) => VoiceSession, seconds: number, frameMs = 40, window = 25): Promise<SoakResult> {
  const frame = (WIRE * frameMs) / 1000;
  const frames = Math.round((seconds * 1000) / frameMs);
  let received = 0;
  let wake: (() => void) | undefined;
  const block = Float32Array.from({ length: frame }, (_, i) => 0.25 * Math.sin((2 * Math.PI * i) / 48));
  let heapWarm = 0;
  async function* input() {
    for (let i = 0; i < frames; i++) {
      while (i * frame - received > window * frame) await new Promise<void>((r) => (wake = r));
      if (i === Math.floor(frames / 10)) heapWarm = settledHeap();
      yield block;
    }
  }
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let dropped = 0;
  const session = create({
    protocol: voicewire({ frameMs }), statsIntervalMs: 1000,
    audio: streamAudio({
      input: input(), pace: 'asap',
      onAudio: (pcm) => {
        received += pcm.length;
        wake?.();
        if (received >= frames * frame) done();
      },
    }),
  });
  session.on('stats', (s) => (dropped = s.droppedOutMs + s.droppedInMs));
  const started = performance.now();
  await session.start();
  await finished;
  const wallMs = performance.now() - started;
  const heapGrowthBytes = settledHeap() - heapWarm;
  await session.stop();
  return { samplesIn: frames * frame, samplesOut: received, heapGrowthBytes, wallMs, speedup: (seconds * 1000) / wallMs, dropped, underruns: 0 };
}
