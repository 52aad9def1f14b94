import { HistoryStage } from './history.js';
import { kaiserBeta, kaiserOrder, kaiserWindow, lowPassSinc } from './kaiser.js';
import type { ResamplerStage } from './resampler.js';

/**
 * A 2:1 stage with a half-band filter: cutoff at a quarter of the higher rate, so every tap at an even distance
 * from the centre is zero and the centre is exactly 1/2 (Vaidyanathan, "Multirate Systems and Filter Banks",
 * §4.6.1; the same first stage soxr and r8brain use for 2× steps). Its response is symmetric about that quarter:
 * flat up to `lowNyquist` (the final output's Nyquist frequency, the passband edge), attenuated by `rejectionDb`
 * from highRate/2 - lowNyquist. What it lets through in between lands above `lowNyquist`, where the polyphase
 * stage next to it has its stopband, so the pair keeps the rejection of one long polyphase filter.
 *
 * With D (odd) the distance from the centre to the outermost tap, the filter has D + 1 non-zero side taps in
 * (D + 1)/2 mirrored pairs. The decimator computes one output per two inputs from the pairs and the centre; the
 * interpolator's outputs alternate between the pairs and a plain copy of a delayed input. Both add D samples of
 * the higher rate as a pure delay. process() allocates nothing.
 */
abstract class HalfBandStage extends HistoryStage implements ResamplerStage {
  readonly delayMs: number;
  /** Distance from the centre to the outermost non-zero tap (odd), in samples of the higher rate. */
  readonly reach: number;
  /** The side taps at distance 1, 3, …, reach, each used twice (mirrored). */
  protected readonly pairs: Float32Array;

  /** `keepPerReach`: history the stage needs, in multiples of the reach (input samples). */
  protected constructor(highRate: number, lowNyquist: number, rejectionDb: number, keepPerReach: number, gain: number) {
    const reach = halfBandReach(highRate, lowNyquist, rejectionDb);
    super(keepPerReach * reach);
    this.reach = reach;
    this.delayMs = (1000 * reach) / highRate;
    this.pairs = designPairs(reach, kaiserBeta(rejectionDb), gain);
  }

  abstract readonly cost: number;
  abstract maxOutputLength(inputLength: number): number;
  protected abstract start(): number;

  reset(): void {
    this.history.reset();
    this.index = this.start();
  }
}

/** highRate → highRate/2. Output m is centred on input 2m - reach, computed once input 2m has arrived. */
export class HalfBandDecimator extends HalfBandStage {
  readonly cost: number;

  constructor(highRate: number, lowNyquist: number, rejectionDb: number) {
    super(highRate, lowNyquist, rejectionDb, 2, 1);
    this.cost = 3 * this.pairs.length + 1;
    this.reset();
  }

  maxOutputLength(inputLength: number): number {
    return Math.ceil(inputLength / 2) + 1;
  }

  protected start(): number {
    return 2 * this.reach;
  }

  protected run(output: Float32Array, at: number): number {
    const x = this.history.data;
    const filled = this.history.filled;
    let index = this.index;
    let n = 0;
    for (; index < filled; index += 2) {
      const centre = index - this.reach;
      output[at + n++] = 0.5 * x[centre] + pairSum(x, centre - 1, centre + 1, 2, this.pairs);
    }
    this.index = index;
    return n;
  }
}

/** lowRate → 2·lowRate. Input n yields output 2n (the pairs' sum) and 2n + 1 (input n - (reach - 1)/2). */
export class HalfBandInterpolator extends HalfBandStage {
  readonly cost: number;

  constructor(lowRate: number, lowNyquist: number, rejectionDb: number) {
    // Zero-stuffing halves the level; the doubled taps restore it.
    super(2 * lowRate, lowNyquist, rejectionDb, 1, 2);
    this.cost = (3 * this.pairs.length + 1) / 2;
    this.reset();
  }

  maxOutputLength(inputLength: number): number {
    return 2 * inputLength;
  }

  protected start(): number {
    return this.reach;
  }

  protected run(output: Float32Array, at: number): number {
    const x = this.history.data;
    const filled = this.history.filled;
    let index = this.index;
    let n = 0;
    for (; index < filled; index++) {
      const middle = index - (this.reach + 1) / 2;
      output[at + n++] = pairSum(x, middle, middle + 1, 1, this.pairs);
      output[at + n++] = x[middle + 1];
    }
    this.index = index;
    return n;
  }
}

/** Kaiser's length for a transition from `lowNyquist` to highRate/2 - lowNyquist, as the odd reach D. */
function halfBandReach(highRate: number, lowNyquist: number, rejectionDb: number): number {
  if (!(lowNyquist < highRate / 4)) throw new RangeError(`a half-band stage needs a passband below ${highRate / 4} Hz, got ${lowNyquist} Hz`);
  const half = Math.ceil(kaiserOrder(rejectionDb, (Math.PI * (highRate - 4 * lowNyquist)) / highRate) / 2);
  return half % 2 === 1 ? half : half + 1;
}

/** Σ pairs[i] · (x[left - i·stride] + x[right + i·stride]): a symmetric FIR's mirrored taps, two chains. */
function pairSum(x: Float32Array, left: number, right: number, stride: number, pairs: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < pairs.length; i += 2) {
    s0 += (x[left - i * stride] + x[right + i * stride]) * pairs[i];
    s1 += (x[left - (i + 1) * stride] + x[right + (i + 1) * stride]) * pairs[i + 1];
  }
  if (i < pairs.length) s0 += (x[left - i * stride] + x[right + i * stride]) * pairs[i];
  return s0 + s1;
}

/** Taps at distance 1, 3, …, reach of a Kaiser-windowed sinc cut at 1/4, scaled so both sides sum to `gain`/2. */
function designPairs(reach: number, beta: number, gain: number): Float32Array {
  const taps = new Float64Array((reach + 1) / 2);
  let sum = 0;
  for (let i = 0; i < taps.length; i++) {
    const t = 2 * i + 1;
    taps[i] = lowPassSinc(t, 0.25) * kaiserWindow(t / (reach + 1), beta);
    sum += 2 * taps[i];
  }
  // Exactly half at DC from the sides (the centre gives the other half), so the gain at highRate/2 is exactly 0.
  return Float32Array.from(taps, (h) => (h * gain) / (2 * sum));
}
