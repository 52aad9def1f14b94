// Kaiser-window FIR design shared by the resampler's stages (J. F. Kaiser, "Nonrecursive digital filter design
// using the I0-sinh window function", 1974; the length and β formulas are his empirical fits).

/** Kaiser's β for a stopband attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb > 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/** Kaiser's estimate of the filter order for `attenuationDb` over a transition of `transition` radians/sample. */
export function kaiserOrder(attenuationDb: number, transition: number): number {
  return (attenuationDb - 7.95) / (2.285 * transition);
}

/** The window at `x` in [-1, 1] (0 outside), for a given β. */
export function kaiserWindow(x: number, beta: number): number {
  return Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / besselI0(beta);
}

/** Ideal low-pass impulse response at `t` samples from its centre, cutoff `cutoff` in cycles/sample (DC gain 1). */
export function lowPassSinc(t: number, cutoff: number): number {
  const arg = 2 * cutoff * t;
  return 2 * cutoff * (arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg));
}

/** Modified Bessel function of the first kind, order 0, by its power series. */
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
