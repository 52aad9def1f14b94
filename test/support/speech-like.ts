import { prng } from './prng.js';

/**
 * Test signals for voice-activity detection, deterministic from a seed. "Speech" is a source-filter vowel: a glottal
 * pulse train (pitch gliding 100–150 Hz with jitter) through three formant resonators (F1 700, F2 1220, F3 2600 Hz,
 * /a/), with a 4 Hz syllable envelope — the two cues a detector may use (energy, periodicity) as real voice has them.
 */
export function speechLike(rate: number, seconds: number, seed = 1, level = 0.3): Float32Array {
  const random = prng(seed);
  const n = Math.round(rate * seconds);
  const source = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f0 = 125 + 25 * Math.sin((2 * Math.PI * 0.7 * i) / rate) + 3 * (random() - 0.5);
    phase += f0 / rate;
    if (phase >= 1) {
      phase -= 1;
      source[i] = 1;
    }
  }
  let out: Float32Array = source;
  for (const [f, bw] of [[700, 110], [1220, 110], [2600, 160]]) out = resonator(out, rate, f, bw);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    // Syllables: 4 per second, never fully closed (a voice between syllables is quieter, not silent).
    out[i] *= 0.35 + 0.65 * Math.max(0, Math.sin((Math.PI * 4 * i) / rate)) ** 0.5;
    peak = Math.max(peak, Math.abs(out[i]));
  }
  const fade = Math.round(rate * 0.01);
  for (let i = 0; i < n; i++) out[i] *= (level / peak) * Math.min(1, i / fade, (n - 1 - i) / fade);
  return out;
}

/** A two-pole resonator (a formant) at `hz` with bandwidth `bw`, unity-ish gain. */
function resonator(x: Float32Array, rate: number, hz: number, bw: number): Float32Array {
  const r = Math.exp((-Math.PI * bw) / rate);
  const a1 = 2 * r * Math.cos((2 * Math.PI * hz) / rate);
  const a2 = -r * r;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = (1 - r) * x[i] + a1 * (y[i - 1] ?? 0) + a2 * (y[i - 2] ?? 0);
  return y;
}

export type NoiseColour = 'white' | 'pink' | 'brown';

/** Noise at RMS `rms`: white, pink (Paul Kellet's filter, −3 dB/octave) or brown (leaky integrated white). */
export function noise(rate: number, seconds: number, colour: NoiseColour, rms: number, seed = 2): Float32Array {
  const random = prng(seed);
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, brown = 0;
  for (let i = 0; i < n; i++) {
    const w = random() * 2 - 1;
    if (colour === 'white') out[i] = w;
    else if (colour === 'pink') {
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    } else {
      brown = 0.998 * brown + w * 0.05;
      out[i] = brown;
    }
  }
  let sum = 0;
  for (const v of out) sum += v * v;
  const gain = rms / Math.sqrt(sum / n);
  for (let i = 0; i < n; i++) out[i] *= gain;
  return out;
}

/** Concatenates parts, adding `bed` (a quiet background, looped) under everything. */
export function sequence(parts: Float32Array[], bed?: Float32Array): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (bed) for (let i = 0; i < out.length; i++) out[i] += bed[i % bed.length];
  return out;
}
