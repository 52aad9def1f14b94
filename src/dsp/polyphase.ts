import { HistoryStage } from './history.js';
import { kaiserBeta, kaiserOrder, kaiserWindow, lowPassSinc } from './kaiser.js';
import type { ResamplerStage } from './resampler.js';

/** Phases stored exactly up to this many; above it (odd rate pairs) coefficients are interpolated between phases. */
const MAX_EXACT_PHASES = 1024;
const INTERPOLATED_PHASES = 512;

/**
 * One windowed-sinc (Kaiser) polyphase stage from `inputRate` to `outputRate`, reduced to out/in = L/M.
 * Output j is taken at input time j·M/L, tracked as an integer plus a phase in 1/L steps, so nothing accumulates
 * rounding error. The cutoff sits between `passband` and 1.0 of the lower Nyquist frequency (`nyquist`), so both
 * aliases and images are attenuated by `rejectionDb` from the lower Nyquist up. process() allocates nothing.
 */
export class PolyphaseStage extends HistoryStage implements ResamplerStage {
  /** Filter length in input samples. */
  readonly taps: number;
  readonly delayMs: number;
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly exact: boolean;
  /** phases (+1 when interpolating) rows of `taps` coefficients. */
  private readonly table: Float32Array;
  /** The next output's phase in [0, up), past its newest input sample `index`. */
  private phase = 0;

  constructor(inputRate: number, outputRate: number, nyquist: number, rejectionDb: number, passband: number) {
    const taps = polyphaseTaps(inputRate, nyquist, rejectionDb, passband);
    super(taps - 1);
    this.taps = taps;
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    this.delayMs = (1000 * this.taps) / 2 / inputRate;
    this.exact = this.up <= MAX_EXACT_PHASES;
    this.phases = this.exact ? this.up : INTERPOLATED_PHASES;
    const cutoff = (((1 + passband) / 2) * nyquist) / inputRate;
    this.table = designTable(this.taps, this.phases, this.phases + (this.exact ? 0 : 1), cutoff, kaiserBeta(rejectionDb));
    this.reset();
  }

  get cost(): number {
    // Folded: every sample but half the coefficients; exact: both once; interpolated: two rows.
    return this.up === 1 ? 1.5 * this.taps : this.exact ? 2 * this.taps : 4 * this.taps;
  }

  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  reset(): void {
    this.history.reset();
    this.index = this.taps - 1;
    this.phase = 0;
  }

  protected run(output: Float32Array, at: number): number {
    const { table, taps, up, phases, exact } = this;
    const buffer = this.history.data;
    const filled = this.history.filled;
    const stepWhole = Math.floor(this.down / up);
    const stepPhase = this.down % up;
    let index = this.index;
    let phase = this.phase;
    let n = 0;
    while (index < filled) {
      const start = index - taps + 1;
      if (up === 1) {
        // Integer decimation: one row, symmetric about tap taps/2 - 1 (the last tap is the window's zero).
        output[at + n++] = foldedDot(buffer, start, table, taps / 2 - 1);
      } else if (exact) {
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

/** Kaiser's length (even) for a transition from `passband` to 1.0 of `nyquist` at `inputRate`. */
function polyphaseTaps(inputRate: number, nyquist: number, rejectionDb: number, passband: number): number {
  return 2 * Math.ceil(kaiserOrder(rejectionDb, (2 * Math.PI * (1 - passband) * nyquist) / inputRate) / 2);
}

/** Σ x[xAt + k] · h[hAt + k] over `length` taps, in four independent chains so the JIT can overlap them. */
export function dot(x: Float32Array, xAt: number, h: Float32Array, hAt: number, length: number): number {
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

/** The same sum for h symmetric about `centre` (h[centre - j] = h[centre + j], 2·centre + 1 taps): half the multiplies. */
function foldedDot(x: Float32Array, xAt: number, h: Float32Array, centre: number): number {
  const c = xAt + centre;
  let s0 = x[c] * h[centre];
  let s1 = 0;
  let j = 1;
  for (; j < centre; j += 2) {
    s0 += (x[c - j] + x[c + j]) * h[centre - j];
    s1 += (x[c - j - 1] + x[c + j + 1]) * h[centre - j - 1];
  }
  for (; j <= centre; j++) s0 += (x[c - j] + x[c + j]) * h[centre - j];
  return s0 + s1;
}

/**
 * Row p holds the taps for an output at fractional input time p/phases past the newest sample of its window,
 * delayed by half the filter: tap k weighs input (newest - taps + 1 + k) at distance taps/2 - 1 - k + p/rows.
 * Each row is normalised to unit DC gain so no phase adds its own ripple at low frequencies.
 */
export function designTable(taps: number, phases: number, rows: number, cutoff: number, beta: number): Float32Array {
  const table = new Float32Array(rows * taps);
  const half = taps / 2;
  const row = new Float64Array(taps);
  for (let p = 0; p < rows; p++) {
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const t = half - 1 - k + p / phases;
      row[k] = lowPassSinc(t, cutoff) * kaiserWindow(t / half, beta);
      sum += row[k];
    }
    for (let k = 0; k < taps; k++) table[p * taps + k] = row[k] / sum;
  }
  return table;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
