// Measures what a resampler does to pure tones. Tones sit exactly on FFT bins of the output (coherent sampling),
// so a plain rectangular FFT has no leakage: every bin that is not the tone's is something the resampler made.
import { Resampler, type ResamplerOptions } from '../../src/dsp/resampler.js';

/** In-place complex radix-2 FFT (n a power of two); `inverse` for the unscaled inverse. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** Power per bin 0..n/2 of a real signal. */
export function powerSpectrum(signal: Float64Array): Float64Array {
  const n = signal.length;
  const re = Float64Array.from(signal);
  const im = new Float64Array(n);
  fft(re, im);
  const power = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) power[k] = re[k] * re[k] + im[k] * im[k];
  return power;
}

/**
 * How well `segment` matches some stretch of `reference`: finds the lag by FFT cross-correlation, refines it to
 * 1/50 sample with a windowed-sinc fractional shift, fits a gain, and returns the signal-to-residual ratio in dB.
 */
export function alignedSnr(segment: ArrayLike<number>, reference: ArrayLike<number>): { snrDb: number; lag: number; gain: number } {
  let n = 1;
  while (n < reference.length + segment.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  for (let i = 0; i < reference.length; i++) ar[i] = reference[i];
  for (let i = 0; i < segment.length; i++) br[i] = segment[i];
  fft(ar, ai);
  fft(br, bi);
  // reference ⋆ segment: peak at the lag where segment[i] ≈ reference[i + lag].
  for (let k = 0; k < n; k++) {
    const r = ar[k] * br[k] + ai[k] * bi[k];
    const i = ai[k] * br[k] - ar[k] * bi[k];
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  const pad = 40;
  let lag = pad;
  for (let k = pad; k + segment.length + pad <= reference.length; k++) if (ar[k] > ar[lag]) lag = k;
  let best = { snrDb: -Infinity, lag, gain: 0 };
  for (let step = -50; step <= 50; step++) {
    const tau = step / 50;
    const shifted = new Float64Array(segment.length);
    for (let i = 0; i < segment.length; i++) {
      let sum = 0;
      for (let k = -pad + 1; k <= pad; k++) {
        const x = k - tau;
        const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / (pad + 1));
        sum += reference[lag + i + k] * (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * w;
      }
      shifted[i] = sum;
    }
    let sr = 0;
    let rr = 0;
    for (let i = 0; i < segment.length; i++) {
      sr += segment[i] * shifted[i];
      rr += shifted[i] * shifted[i];
    }
    const gain = sr / rr;
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < segment.length; i++) {
      signal += segment[i] * segment[i];
      noise += (segment[i] - gain * shifted[i]) ** 2;
    }
    const snrDb = 10 * Math.log10(signal / noise);
    if (snrDb > best.snrDb) best = { snrDb, lag: lag + tau, gain };
  }
  return best;
}

export type Convert = (input: Float32Array) => Float32Array;

/** Our resampler, fed in 128-sample quanta like a worklet would. */
export function viaResampler(inRate: number, outRate: number, options: ResamplerOptions = {}): Convert {
  return (input) => {
    const r = new Resampler(inRate, outRate, options);
    const out = new Float32Array(r.maxOutputLength(input.length) + 128);
    let n = 0;
    for (let i = 0; i < input.length; i += 128) n += r.process(input, i, Math.min(128, input.length - i), out, n);
    return out.subarray(0, n);
  };
}

/** The baseline most voice SDKs ship: linear interpolation, no filter. */
export function viaLinear(inRate: number, outRate: number): Convert {
  return (input) => {
    const n = Math.floor(((input.length - 1) * outRate) / inRate);
    const out = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const t = (j * inRate) / outRate;
      const i = Math.floor(t);
      out[j] = input[i] + (input[Math.min(i + 1, input.length - 1)] - input[i]) * (t - i);
    }
    return out;
  };
}

const FFT = 8192;

/** Output of `convert` for a full-scale tone at `freq` Hz: power spectrum of FFT samples after the start-up. */
function toneSpectrum(convert: Convert, inRate: number, outRate: number, freq: number): Float64Array {
  const skip = 2048;
  const inputLength = Math.ceil(((FFT + skip + 64) * inRate) / outRate) + 1024;
  const input = new Float32Array(inputLength);
  for (let i = 0; i < inputLength; i++) input[i] = Math.sin((2 * Math.PI * freq * i) / inRate);
  const out = convert(input);
  const segment = new Float64Array(FFT);
  for (let i = 0; i < FFT; i++) segment[i] = out[skip + i];
  return powerSpectrum(segment);
}

/** A tone frequency (Hz) on an output FFT bin, nearest to `fraction` of the output rate. */
function onBin(outRate: number, fraction: number): number {
  return (Math.round(fraction * FFT) * outRate) / FFT;
}

function db(ratio: number): number {
  return 10 * Math.log10(ratio);
}

export interface Quality {
  /** Worst level (dB below a full-scale passband tone) of anything above the lower Nyquist in the output. */
  aliasRejectionDb: number;
  /** Max minus min gain (dB) over tones up to `passband` of the lower Nyquist. */
  passbandRippleDb: number;
}

/**
 * Sweeps tones: below the lower Nyquist for gain (ripple) and images; above the output Nyquist (downsampling) for
 * what folds back. Rejection is the worst out-of-band component relative to a full-scale tone's power.
 */
export function measureQuality(convert: Convert, inRate: number, outRate: number, passband = 0.9, steps = 24): Quality {
  const nyq = Math.min(inRate, outRate) / 2;
  const fullScale = (FFT / 2) ** 2;
  let worst = -Infinity;
  let minGain = Infinity;
  let maxGain = -Infinity;
  const nyqBin = Math.floor((nyq / outRate) * FFT);
  for (let s = 0; s <= steps; s++) {
    // Passband tones: their gain, and anything they create above the lower Nyquist (images when upsampling).
    const f = onBin(outRate, ((20 + (s * (passband * nyq - 20)) / steps) / outRate));
    const p = toneSpectrum(convert, inRate, outRate, f);
    const bin = Math.round((f / outRate) * FFT);
    const gain = db(p[bin] / fullScale);
    minGain = Math.min(minGain, gain);
    maxGain = Math.max(maxGain, gain);
    for (let k = nyqBin + 1; k < p.length; k++) worst = Math.max(worst, db(p[k] / fullScale));
  }
  if (inRate > outRate) {
    // Tones the output cannot carry: everything that comes out of them is alias.
    for (let s = 0; s <= steps; s++) {
      const f = onBin(outRate, (outRate / 2 + (s * (0.98 * inRate / 2 - outRate / 2)) / steps) / outRate);
      const p = toneSpectrum(convert, inRate, outRate, f);
      let total = 0;
      for (let k = 1; k < p.length; k++) total = Math.max(total, p[k]);
      worst = Math.max(worst, db(total / fullScale));
    }
  }
  return { aliasRejectionDb: -worst, passbandRippleDb: maxGain - minGain };
}
