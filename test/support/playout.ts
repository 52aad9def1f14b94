import { SharedPcmWriter } from '../../src/audio/pcm-handoff.js';
import { createControlStorage } from '../../worklets/pcm-handoff.js';
import { PlaybackCore } from '../../worklets/playback-core.js';
import { RingBuffer } from '../../src/dsp/ring.js';

const QUANTUM = 128;

/**
 * The real jitter-buffer core (worklets/playback-core.ts) behind a wall-clock "speaker" in Node: received audio is
 * pushed as it arrives and pulled a quantum at a time as the clock advances, so a slow link shows up as counted
 * underruns, just as it does in the worklet. No Web Audio needed.
 */
export class WallClockPlayout {
  readonly core: PlaybackCore;
  private readonly writer: SharedPcmWriter;
  private readonly out = new Float32Array(QUANTUM);
  private timer: ReturnType<typeof setInterval> | undefined;
  private played = 0;
  private started = 0;
  /** Samples the writer refused (queue full). */
  refused = 0;

  constructor(private readonly rate: number, targetMs = 60, maxMs = 1000) {
    const ring = RingBuffer.createStorage(rate * 2, Float32Array);
    const control = createControlStorage(true);
    this.core = new PlaybackCore({ sampleRate: rate, targetMs, maxMs, statsIntervalMs: 100 }, new RingBuffer(ring, Float32Array), new Int32Array(control), () => {});
    this.writer = new SharedPcmWriter(ring, control);
  }

  push(pcm: Float32Array): void {
    this.refused += pcm.length - this.writer.push(pcm, 0, pcm.length);
  }

  start(): void {
    this.started = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - this.started) / 1000) * this.rate);
      while (this.played + QUANTUM <= due) {
        this.core.process(this.out, QUANTUM);
        this.played += QUANTUM;
      }
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
