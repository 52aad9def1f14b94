/** Rate and tuning of a {@link VoiceActivityDetector}; every tuning field has a default. */
export interface VadOptions {
  /** Rate of the blocks pushed, Hz. */
  sampleRate: number;
  /** Level above the noise floor at which voiced audio starts speech, dB. Default 9. */
  startMarginDb?: number;
  /** Level above the floor that keeps speech going (hysteresis: lower than the start margin), dB. Default 4. */
  stopMarginDb?: number;
  /** Never speech below this level, dBFS. Default −55. */
  minDb?: number;
  /** Voicing needed for an onset: peak normalised autocorrelation at a pitch lag, 0–1. Default 0.45. */
  minPeriodicity?: number;
  /** Voiced, loud audio for this long starts speech, ms. Default 60. */
  onsetMs?: number;
  /** Quiet for this long ends speech (syllable gaps do not), ms. Default 300. */
  hangoverMs?: number;
}

/** What a pushed block changed: speech `started` (after `onsetMs` of voiced audio) or `stopped` (after `hangoverMs` quiet). */
export type VadTransition = 'started' | 'stopped';

/** Analysis rate for the periodicity cue: enough for pitch, 9× fewer products than at 24 kHz. */
const ANALYSIS_RATE = 8000;
/** Periodicity window: two periods of the lowest pitch (70 Hz) fit. */
const WINDOW_MS = 40;
const MIN_PITCH_HZ = 70;
const MAX_PITCH_HZ = 400;
/** Noise-floor rise, dB per second: fast while quiet, slow during speech so a long utterance does not lift it much. */
const FLOOR_RISE_QUIET = 6;
const FLOOR_RISE_SPEECH = 1.5;

/**
 * Voice-activity detection for turn-taking: energy over an adaptive noise floor, gated by periodicity, with
 * hysteresis and a hangover. Why this one: the classic pair of cues of pitch-based detectors (energy + voicing, as in
 * ITU-T G.729 Annex B's and Rabiner & Schafer's detectors) needs no model and no wasm, costs ~25 k multiply-adds per
 * 20 ms frame, and is exact to test. Energy alone fires on any noise that gets louder (a fan, a door); voiced speech is
 * periodic at the pitch (70–400 Hz) and noise is not, so an onset needs both. Once speaking, energy alone keeps it
 * going (unvoiced consonants are not periodic). WebRTC's GMM VAD in wasm was the other candidate: it fires on
 * stationary noise more readily and is 8/16/32/48 kHz only; Silero (ONNX) is better but megabytes.
 *
 * Main thread (or any one thread); push() allocates nothing after construction.
 */
export class VoiceActivityDetector {
  /** Level of the last block, dBFS. Read-only. */
  levelDb = -Infinity;
  /** The adaptive noise floor the level is judged against, dBFS; NaN until the first block. Read-only. */
  floorDb = Number.NaN;
  /** Voicing of the last 40 ms window: peak normalised autocorrelation at a pitch lag (70–400 Hz), 0–1. Read-only. */
  periodicity = 0;
  private speech = false;
  private readonly decimation: number;
  private readonly history: Float32Array;
  private readonly window: Float32Array;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly o: Required<Omit<VadOptions, 'sampleRate'>>;
  private readonly msPerSample: number;
  private written = 0;
  private acc = 0;
  private accCount = 0;
  private previous = 0;
  private runMs = 0;
  private quietMs = 0;

  constructor(options: VadOptions) {
    this.o = {
      startMarginDb: options.startMarginDb ?? 9, stopMarginDb: options.stopMarginDb ?? 4, minDb: options.minDb ?? -55,
      minPeriodicity: options.minPeriodicity ?? 0.45, onsetMs: options.onsetMs ?? 60, hangoverMs: options.hangoverMs ?? 300,
    };
    this.decimation = Math.max(1, Math.round(options.sampleRate / ANALYSIS_RATE));
    const rate = options.sampleRate / this.decimation;
    this.history = new Float32Array(Math.round((rate * WINDOW_MS) / 1000));
    this.window = new Float32Array(this.history.length);
    this.minLag = Math.floor(rate / MAX_PITCH_HZ);
    this.maxLag = Math.min(Math.ceil(rate / MIN_PITCH_HZ), this.history.length >> 1);
    this.msPerSample = 1000 / options.sampleRate;
  }

  /** True between a `started` and the next `stopped`. */
  get speaking(): boolean {
    return this.speech;
  }

  /**
   * Feeds one block of mono samples at `sampleRate` (any length; onset and hangover advance by whole blocks, so
   * blocks of 10–20 ms keep them close to their ms); returns the transition it caused, if any. Allocates nothing.
   */
  push(block: Float32Array): VadTransition | null {
    if (block.length === 0) return null;
    let sum = 0;
    for (let i = 0; i < block.length; i++) {
      const x = block[i];
      sum += x * x;
      // A first difference (pre-emphasis with coefficient 1: removes DC, whitens "brown" rumble), then a boxcar decimator.
      this.acc += x - this.previous;
      this.previous = x;
      if (++this.accCount === this.decimation) {
        this.history[this.written++ % this.history.length] = this.acc / this.decimation;
        this.acc = 0;
        this.accCount = 0;
      }
    }
    const db = 10 * Math.log10(sum / block.length + 1e-20);
    const ms = block.length * this.msPerSample;
    this.levelDb = db;
    this.periodicity = this.voicing();
    if (Number.isNaN(this.floorDb)) this.floorDb = db;
    const o = this.o;
    const loudEnough = (margin: number) => db > Math.max(o.minDb, this.floorDb + margin);
    let transition: VadTransition | null = null;
    if (!this.speech) {
      this.runMs = loudEnough(o.startMarginDb) && this.periodicity >= o.minPeriodicity ? this.runMs + ms : 0;
      if (this.runMs >= o.onsetMs) {
        this.speech = true;
        this.quietMs = 0;
        transition = 'started';
      }
    } else {
      this.quietMs = loudEnough(o.stopMarginDb) ? 0 : this.quietMs + ms;
      if (this.quietMs >= o.hangoverMs) {
        this.speech = false;
        this.runMs = 0;
        transition = 'stopped';
      }
    }
    // The floor falls at once to anything quieter and rises slowly: it follows the background, not the voice.
    const rise = ((this.speech ? FLOOR_RISE_SPEECH : FLOOR_RISE_QUIET) * ms) / 1000;
    // Bounded below: one block of digital silence must not leave a floor that takes minutes to climb back.
    this.floorDb = Math.max(o.minDb - o.startMarginDb, db < this.floorDb ? db : Math.min(db, this.floorDb + rise));
    return transition;
  }

  /** Resets to "not speaking, floor unknown", e.g. after a device switch. */
  reset(): void {
    this.speech = false;
    this.floorDb = Number.NaN;
    this.runMs = this.quietMs = this.written = this.acc = this.accCount = this.previous = 0;
    this.history.fill(0);
  }

  /** Peak normalised autocorrelation over the pitch lags, in the last WINDOW_MS. */
  private voicing(): number {
    const n = this.history.length;
    if (this.written < n) return 0;
    const w = this.window;
    for (let i = 0, at = this.written % n; i < n; i++) w[i] = this.history[(at + i) % n];
    let best = 0;
    for (let lag = this.minLag; lag <= this.maxLag; lag++) {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      for (let i = 0; i + lag < n; i++) {
        const a = w[i];
        const b = w[i + lag];
        xy += a * b;
        xx += a * a;
        yy += b * b;
      }
      const r = xy / Math.sqrt(xx * yy + 1e-20);
      if (r > best) best = r;
    }
    return best;
  }
}
