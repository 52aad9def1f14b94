import { rmsOf, toDb } from '../../src/dsp/index.js';

/**
 * A small energy voice-activity detector for the local server: enough to show speech_started / speech_stopped in a
 * UI without a model. Level in dBFS per block, with an onset time and a hangover so syllable gaps don't split speech.
 */
export interface VadOptions {
  sampleRate: number;
  thresholdDb?: number;
  onsetMs?: number;
  hangoverMs?: number;
}

export type VadEvent = { state: 'started'; atMs: number } | { state: 'stopped'; atMs: number; durationMs: number };

export class EnergyVad {
  private readonly thresholdDb: number;
  private readonly onsetSamples: number;
  private readonly hangoverSamples: number;
  private position = 0;
  private loudRun = 0;
  private quietRun = 0;
  private speakingSince: number | null = null;

  constructor(private readonly options: VadOptions) {
    this.thresholdDb = options.thresholdDb ?? -45;
    this.onsetSamples = Math.round(((options.onsetMs ?? 60) * options.sampleRate) / 1000);
    this.hangoverSamples = Math.round(((options.hangoverMs ?? 400) * options.sampleRate) / 1000);
  }

  /** Feeds one block of mono samples; returns the transition it caused, if any. */
  push(block: Float32Array): VadEvent | null {
    const db = toDb(rmsOf(block));
    const start = this.position;
    this.position += block.length;
    if (db >= this.thresholdDb) {
      this.loudRun += block.length;
      this.quietRun = 0;
      if (this.speakingSince === null && this.loudRun >= this.onsetSamples) {
        this.speakingSince = start + block.length - this.loudRun;
        return { state: 'started', atMs: this.ms(this.speakingSince) };
      }
    } else {
      this.quietRun += block.length;
      this.loudRun = 0;
      if (this.speakingSince !== null && this.quietRun >= this.hangoverSamples) {
        const end = this.position - this.quietRun;
        const event: VadEvent = { state: 'stopped', atMs: this.ms(end), durationMs: this.ms(end - this.speakingSince) };
        this.speakingSince = null;
        return event;
      }
    }
    return null;
  }

  private ms(samples: number): number {
    return Math.round((samples * 1000) / this.options.sampleRate);
  }
}

/** A sine test tone with 5 ms fades, so it clicks neither in nor out. */
export function testTone(sampleRate: number, frequency: number, durationMs: number): Float32Array {
  const n = Math.round((sampleRate * durationMs) / 1000);
  const fade = Math.min(n / 2, Math.round(sampleRate * 0.005));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ramp = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = 0.5 * ramp * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  }
  return out;
}
