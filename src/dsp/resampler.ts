export interface ResamplerOptions {
  /** Attenuation of everything above the lower Nyquist frequency, in dB. Default 90 (the goal is 80). */
  rejectionDb?: number;
  /** Flat band as a fraction of the lower Nyquist frequency. Default 0.9; the filter's transition fills the rest. */
  passband?: number;
}

/** Phases stored exactly up to this many; above it (odd rate pairs) coefficients are interpolated between phases. */
const MAX_EXACT_PHASES = 1024;
const INTERPOLATED_PHASES = 512;
/** Input samples handled per inner block: bounds the working buffer whatever size the caller passes. */
const BLOCK = 1024;

/**
 * Streaming windowed-sinc (Kaiser) polyphase resampler for any pair of integer rates, mono.
 *
 * The ratio is reduced to out/in = L/M. Output j is taken at input time j·M/L, tracked as an integer plus a phase
 * in 1/L steps, so nothing accumulates rounding error: after N input samples in total exactly ceil(N·L/M) samples
 * have come out, whatever the call sizes. The output lags the input by `delay` seconds (half the filter), a pure
 * delay. The cutoff sits between `passband` and 1.0 of the lower Nyquist frequency, so both aliases (downsampling)
 * and images (upsampling) are attenuated by `rejectionDb`.
 *
 * `process()` allocates nothing: all buffers are made in the constructor. One instance per stream, one thread.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Filter length in input samples. */
  readonly taps: number;
  /** Latency added by the filter, in seconds. */
  readonly delay: number;
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly exact: boolean;
  /** phases (+1 when interpolating) rows of `taps` coefficients. */
  private readonly table: Float32Array;
  /** History (taps - 1 samples) followed by up to BLOCK new samples. */
  private readonly buffer: Float32Array;
  private filled: number;
  /** Next output's newest input sample, as an index into `buffer`, and its phase in [0, up). */
  private index: number;
  private phase: number;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    if (!(Number.isInteger(inputRate) && inputRate > 0 && Number.isInteger(outputRate) && outputRate > 0)) {
      throw new RangeError(`sample rates must be positive integers, got ${inputRate} → ${outputRate}`);
    }
    const rejection = options.rejectionDb ?? 90;
    const passband = options.passband ?? 0.9;
    const g = gcd(inputRate, outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.up = outputRate / g;
    this.down = inputRate / g;
    const nyquist = Math.min(inputRate, outputRate) / 2;
    // Kaiser's estimate of the length for this attenuation over a transition of (1 - passband) · nyquist.
    const transition = (2 * Math.PI * (1 - passband) * nyquist) / inputRate;
    this.taps = 2 * Math.ceil((rejection - 7.95) / (2.285 * transition) / 2);
    this.delay = this.taps / 2 / inputRate;
    this.exact = this.up <= MAX_EXACT_PHASES;
    this.phases = this.exact ? this.up : INTERPOLATED_PHASES;
    this.table = designTable(this.taps, this.phases, this.phases + (this.exact ? 0 : 1), ((1 + passband) / 2) * nyquist / inputRate, kaiserBeta(rejection));
    this.buffer = new Float32Array(this.taps - 1 + BLOCK);
    this.filled = 0;
    this.index = 0;
    this.phase = 0;
    this.reset();
  }

  /** Most samples one call with `inputLength` samples can produce: size output buffers with it. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  /** Forgets the stream (silence before the next sample), as if new. */
  reset(): void {
    this.buffer.fill(0);
    this.filled = this.taps - 1;
    this.index = this.taps - 1;
    this.phase = 0;
  }

  /**
   * Consumes `length` samples of `input` from `offset`, writes the outputs they complete into `output` from
   * `outputOffset`, and returns how many. `output` needs room for `maxOutputLength(length)`.
   */
  process(input: ArrayLike<number>, offset: number, length: number, output: Float32Array, outputOffset: number): number {
    const history = this.taps - 1;
    const buffer = this.buffer;
    let produced = 0;
    let consumed = 0;
    while (consumed < length) {
      const n = Math.min(length - consumed, buffer.length - this.filled);
      for (let i = 0; i < n; i++) buffer[this.filled + i] = input[offset + consumed + i];
      this.filled += n;
      consumed += n;
      produced += this.run(output, outputOffset + produced);
      // Keep the last `history` samples (and the index relative to them) for the next block.
      const drop = this.filled - history;
      buffer.copyWithin(0, drop, this.filled);
      this.filled = history;
      this.index -= drop;
    }
    return produced;
  }

  private run(output: Float32Array, at: number): number {
    const { buffer, table, taps, up, phases, exact } = this;
    const stepWhole = Math.floor(this.down / up);
    const stepPhase = this.down % up;
    let index = this.index;
    let phase = this.phase;
    let n = 0;
    while (index < this.filled) {
      const start = index - taps + 1;
      if (exact) {
        output[at + n++] = dot(buffer, start, table, phase * taps, taps);
      } else {
        // Odd rate pairs: interpolate linearly between the two nearest stored phases.
        const position = (phase * phases) / up;
        const p = Math.floor(position);
        const a = dot(buffer, start, table, p * taps, taps);
        const b = dot(buffer, start, table, (p + 1) * taps, taps);
        output[at + n++] = a + (b - a) * (position - p);
      }
      index += stepWhole;
      phase += stepPhase;
      if (phase >= up) {
        phase -= up;
        index++;
      }
    }
    this.index = index;
    this.phase = phase;
    return n;
  }
}

/** Σ x[xAt + k] · h[hAt + k] over `length` taps, in four independent chains so the JIT can overlap them. */
function dot(x: Float32Array, xAt: number, h: Float32Array, hAt: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    s0 += x[xAt + k] * h[hAt + k];
    s1 += x[xAt + k + 1] * h[hAt + k + 1];
    s2 += x[xAt + k + 2] * h[hAt + k + 2];
    s3 += x[xAt + k + 3] * h[hAt + k + 3];
  }
  for (; k < length; k++) s0 += x[xAt + k] * h[hAt + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * Row p holds the taps for an output at fractional input time p/phases past the newest sample of its window,
 * delayed by half the filter: tap k weighs input (newest - taps + 1 + k) at distance taps/2 - 1 - k + p/rows.
 * Each row is normalised to unit DC gain so no phase adds its own ripple at low frequencies.
 */
function designTable(taps: number, phases: number, rows: number, cutoff: number, beta: number): Float32Array {
  const table = new Float32Array(rows * taps);
  const half = taps / 2;
  const norm = besselI0(beta);
  for (let p = 0; p < rows; p++) {
    let sum = 0;
    const row = new Float64Array(taps);
    for (let k = 0; k < taps; k++) {
      const t = half - 1 - k + p / phases;
      const x = t / half;
      const window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / norm;
      const arg = 2 * cutoff * t;
      row[k] = 2 * cutoff * (arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg)) * window;
      sum += row[k];
    }
    for (let k = 0; k < taps; k++) table[p * taps + k] = row[k] / sum;
  }
  return table;
}

function kaiserBeta(attenuation: number): number {
  return attenuation > 50 ? 0.1102 * (attenuation - 8.7) : 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21);
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A streaming resampler from `inputRate` to `outputRate` (integer Hz), mono; see ResamplerOptions. */
export function createResampler(inputRate: number, outputRate: number, options: ResamplerOptions = {}): Resampler {
  return new Resampler(inputRate, outputRate, options);
}
