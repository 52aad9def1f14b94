import { HalfBandDecimator, HalfBandInterpolator } from './halfband.js';
import { PolyphaseStage } from './polyphase.js';

/** The anti-aliasing filter of {@link createResampler}: stopband attenuation, passband width, and the half-band option. */
export interface ResamplerOptions {
  /** Attenuation of everything above the lower Nyquist frequency, in dB. Default 90 (the goal is 80). */
  rejectionDb?: number;
  /** Flat band as a fraction of the lower Nyquist frequency. Default 0.9; the filter's transition fills the rest. */
  passband?: number;
  /**
   * Allow a half-band 2:1 stage next to a shorter polyphase one where that reads less memory (one rate
   * more than twice the other, e.g. 48000 → 16000 in 0.75× the time; it adds 0.5–0.7 ms of delay). Default true.
   */
  halfBand?: boolean;
}

/** What every stage of a resampler does; see {@link Resampler.process}. */
export interface ResamplerStage {
  /** Latency added, in ms. */
  readonly delayMs: number;
  /**
   * Samples and coefficients read per output sample: the planner's cost measure, since these kernels are bound
   * by loads more than by multiplies (a folded kernel, half the multiplies, measured 0.77× the time, not 0.5×).
   */
  readonly cost: number;
  /** Most samples one `process` call with `inputLength` samples can produce: size output buffers with it. */
  maxOutputLength(inputLength: number): number;
  /** Forgets the stream (filter history cleared, as if new). */
  reset(): void;
  /**
   * Consumes `length` samples of `input` from `offset`, writes the outputs they complete into `output` from
   * `outputOffset`, and returns how many; allocates nothing.
   */
  process(input: ArrayLike<number>, offset: number, length: number, output: Float32Array, outputOffset: number): number;
}

/**
 * Extra attenuation asked of a half-band stage. Kaiser's length estimate leaves a long polyphase filter 1–11 dB
 * better than asked (88.5–101.3 dB measured for 90); a short half-band filter lands closer to its target, so without
 * this a cascade would reject less than the one stage it replaces (92 dB where 101 dB was, for 16000 → 48000).
 */
const HALF_BAND_MARGIN_DB = 12;
/** And of the polyphase stage beside it: without it 44100 → 16000 measured 88.1 dB where one stage gives 89.0 dB. */
const CASCADE_POLYPHASE_MARGIN_DB = 2;

/** Input handed to the first of two stages per step: bounds the scratch between them whatever the call size. */
const STEP = 256;

/**
 * Streaming windowed-sinc (Kaiser) resampler for any pair of integer rates, mono.
 *
 * One polyphase stage (see PolyphaseStage) does any ratio. When one rate is more than twice the other and the
 * higher rate is even, a half-band 2:1 stage at the higher rate plus a polyphase stage at half of it is used
 * instead if that is cheaper: the polyphase filter's narrow transition then costs half as many taps, and the
 * half-band filter's wide one is short and half zeros. Either way the output is a pure delay (`delayMs`) of
 * the input band-limited to `passband` of the lower Nyquist frequency, with everything from that Nyquist frequency
 * up attenuated by `rejectionDb`. Output j is input time j·in/out minus `delayMs`; after N input samples exactly
 * ceil(N·out/in) samples have come out, whatever the call sizes (the half-band stage works on pairs, so a sample
 * it completes early is held back until the count allows it).
 *
 * `process()` allocates nothing: all buffers are made in the constructor. One instance per stream, one thread.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Latency added by the filters, in ms. */
  readonly delayMs: number;
  /** The stages in order: one polyphase stage, or a half-band and a polyphase stage. */
  readonly stages: readonly ResamplerStage[];
  private readonly first: ResamplerStage;
  private readonly second: ResamplerStage | null;
  private readonly scratch: Float32Array;
  /** Two stages can complete one sample before ceil(N·out/in) allows it (2·ceil(x) - ceil(2x) ≤ 1): it waits here. */
  private readonly held = new Float32Array(1);
  private heldCount = 0;
  /** ceil(N·out/in)·in - N·out for the N samples consumed so far, in [0, in): what the next ceil() owes. */
  private owed = 0;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    if (!(Number.isInteger(inputRate) && inputRate > 0 && Number.isInteger(outputRate) && outputRate > 0)) {
      throw new RangeError(`sample rates must be positive integers, got ${inputRate} → ${outputRate}`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.stages = plan(inputRate, outputRate, options.rejectionDb ?? 90, options.passband ?? 0.9, options.halfBand ?? true);
    this.first = this.stages[0];
    this.second = this.stages[1] ?? null;
    this.scratch = new Float32Array(this.second ? this.first.maxOutputLength(STEP) : 0);
    this.delayMs = this.stages.reduce((sum, stage) => sum + stage.delayMs, 0);
  }

  /** Most samples one call with `inputLength` samples can produce: size output buffers with it. */
  maxOutputLength(inputLength: number): number {
    const first = this.first.maxOutputLength(inputLength);
    return this.second ? this.second.maxOutputLength(first) + this.held.length : first;
  }

  /** Forgets the stream (silence before the next sample), as if new. */
  reset(): void {
    for (const stage of this.stages) stage.reset();
    this.heldCount = 0;
    this.owed = 0;
  }

  /**
   * Consumes `length` samples of `input` from `offset`, writes the outputs they complete into `output` from
   * `outputOffset`, and returns how many. `output` needs room for `maxOutputLength(length)`.
   */
  process(input: ArrayLike<number>, offset: number, length: number, output: Float32Array, outputOffset: number): number {
    const second = this.second;
    if (!second) return this.first.process(input, offset, length, output, outputOffset);
    let produced = this.heldCount;
    if (produced === 1) output[outputOffset] = this.held[0];
    for (let done = 0; done < length; done += STEP) {
      const middle = this.first.process(input, offset + done, Math.min(STEP, length - done), this.scratch, 0);
      produced += second.process(this.scratch, 0, middle, output, outputOffset + produced);
    }
    // Release exactly what ceil(N·out/in) grew by; the stages are never behind it, at most one sample ahead.
    const due = Math.ceil((length * this.outputRate - this.owed) / this.inputRate);
    this.owed = due * this.inputRate - (length * this.outputRate - this.owed);
    this.heldCount = produced - due;
    if (this.heldCount === 1) this.held[0] = output[outputOffset + due];
    return due;
  }
}

/** One polyphase stage, or half-band + polyphase when the rates allow it and it reads less memory. */
function plan(inputRate: number, outputRate: number, rejectionDb: number, passband: number, halfBand: boolean): ResamplerStage[] {
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const single = new PolyphaseStage(inputRate, outputRate, nyquist, rejectionDb, passband);
  const high = Math.max(inputRate, outputRate);
  if (!halfBand || high % 2 !== 0 || !(nyquist < high / 4)) return [single];
  const stages =
    inputRate > outputRate
      ? [
          new HalfBandDecimator(inputRate, nyquist, rejectionDb + HALF_BAND_MARGIN_DB),
          new PolyphaseStage(inputRate / 2, outputRate, nyquist, rejectionDb + CASCADE_POLYPHASE_MARGIN_DB, passband),
        ]
      : [
          new PolyphaseStage(inputRate, outputRate / 2, nyquist, rejectionDb + CASCADE_POLYPHASE_MARGIN_DB, passband),
          new HalfBandInterpolator(outputRate / 2, nyquist, rejectionDb + HALF_BAND_MARGIN_DB),
        ];
  return costOf(stages, inputRate, outputRate) < single.cost ? stages : [single];
}

/** Reads per output sample: the last stage's, plus the first's times its outputs (at half the higher rate) per output. */
function costOf(stages: readonly ResamplerStage[], inputRate: number, outputRate: number): number {
  const last = stages[stages.length - 1].cost;
  return stages.length === 1 ? last : last + (stages[0].cost * Math.max(inputRate, outputRate)) / 2 / outputRate;
}

/** A streaming resampler from `inputRate` to `outputRate` (integer Hz), mono; see ResamplerOptions. */
export function createResampler(inputRate: number, outputRate: number, options: ResamplerOptions = {}): Resampler {
  return new Resampler(inputRate, outputRate, options);
}
