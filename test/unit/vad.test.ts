import { describe, expect, it } from 'vitest';
import { VoiceActivityDetector, type VadOptions } from '../../src/dsp/vad.js';
import { noise, sequence, speechLike, type NoiseColour } from '../support/speech-like.js';

const RATE = 24000;
const FRAME = 480; // 20 ms at the wire rate, as the session feeds it

/** Runs the detector over a signal in 20 ms frames; returns each transition with its time (ms, end of the frame). */
function run(signal: Float32Array, options: Partial<VadOptions> = {}, rate = RATE) {
  const vad = new VoiceActivityDetector({ sampleRate: rate, ...options });
  const frame = Math.round(rate / 50);
  const events: { state: string; atMs: number }[] = [];
  for (let at = 0; at + frame <= signal.length; at += frame) {
    const t = vad.push(signal.subarray(at, at + frame));
    if (t) events.push({ state: t, atMs: ((at + frame) * 1000) / rate });
  }
  return { events, vad };
}

const silence = (s: number, rate = RATE) => new Float32Array(Math.round(rate * s));

describe('VoiceActivityDetector (energy over a noise floor, periodicity gate, hysteresis, hangover)', () => {
  it('finds each of three words in quiet background noise: onset within 120 ms, end within hangover + 100 ms', () => {
    const bed = noise(RATE, 1, 'pink', 0.001); // −60 dBFS room noise
    const words = [1.2, 0.8, 1.5];
    const parts: Float32Array[] = [silence(1)];
    const onsets: number[] = [];
    const ends: number[] = [];
    let t = 1;
    words.forEach((len, i) => {
      onsets.push(t * 1000);
      parts.push(speechLike(RATE, len, i + 1), silence(1));
      ends.push((t + len) * 1000);
      t += len + 1;
    });
    const { events } = run(sequence(parts, bed));
    expect(events.map((e) => e.state)).toEqual(['started', 'stopped', 'started', 'stopped', 'started', 'stopped']);
    events.forEach((e, i) => {
      const truth = i % 2 === 0 ? onsets[i >> 1] : ends[i >> 1];
      const late = e.atMs - truth;
      expect(late, `${e.state} #${i >> 1}`).toBeGreaterThanOrEqual(0);
      expect(late, `${e.state} #${i >> 1}`).toBeLessThanOrEqual(i % 2 === 0 ? 120 : 300 + 100);
    });
  });

  it('keeps speech going through the gaps between syllables (one started/stopped per word)', () => {
    // speechLike's syllables dip to 35 % amplitude 4 times a second: never a stop in between.
    const { events } = run(sequence([silence(0.5), speechLike(RATE, 3, 7), silence(1)]));
    expect(events.map((e) => e.state)).toEqual(['started', 'stopped']);
  });

  for (const colour of ['white', 'pink', 'brown'] as NoiseColour[]) {
    it(`does not take ${colour} noise for speech, even as a sudden loud burst after silence (periodicity gate)`, () => {
      const signal = sequence([silence(1), noise(RATE, 3, colour, 0.1, 11), silence(1), noise(RATE, 2, colour, 0.3, 12)], noise(RATE, 1, 'white', 0.0005, 3));
      const { events } = run(signal);
      expect(events).toEqual([]);
    });
  }

  it('control: with the periodicity gate off, the same noise burst IS taken for speech (the gate is what rejects it)', () => {
    const signal = sequence([silence(1), noise(RATE, 2, 'pink', 0.1, 11)]);
    expect(run(signal, { minPeriodicity: 0 }).events.map((e) => e.state)).toContain('started');
  });

  it('hears speech over steady noise 20 dB below it, and not the noise alone', () => {
    const bed = noise(RATE, 2, 'white', 0.01, 5); // −40 dBFS
    const { events } = run(sequence([silence(2), speechLike(RATE, 1, 9, 0.3), silence(1.5)], bed));
    expect(events.map((e) => e.state)).toEqual(['started', 'stopped']);
    expect(events[0].atMs).toBeGreaterThan(2000);
  });

  it('hysteresis: a voice fading to 6 dB above the floor stays speech; below the stop margin it ends', () => {
    const voice = speechLike(RATE, 2, 4, 0.3);
    // Second half at −12 dB: above the 4 dB stop margin over a −60 dB floor, still far above it.
    for (let i = voice.length >> 1; i < voice.length; i++) voice[i] *= 0.25;
    const { events } = run(sequence([silence(1), voice, silence(1)]));
    expect(events.map((e) => e.state)).toEqual(['started', 'stopped']);
    expect(events[1].atMs).toBeGreaterThan(3000);
  });

  it('works at 16 and 48 kHz too (the analysis decimates to ~8 kHz)', () => {
    for (const rate of [16000, 48000]) {
      const { events } = run(sequence([silence(1, rate), speechLike(rate, 1, 3), silence(1, rate)]), {}, rate);
      expect(events.map((e) => e.state), `${rate} Hz`).toEqual(['started', 'stopped']);
    }
  });

  it('reports its level, floor and periodicity, and reset() forgets the floor', () => {
    const { vad } = run(sequence([silence(0.5), speechLike(RATE, 0.5, 2)]));
    expect(vad.speaking).toBe(true);
    expect(vad.periodicity).toBeGreaterThan(0.45);
    expect(vad.levelDb).toBeGreaterThan(-40);
    expect(vad.floorDb).toBeLessThan(vad.levelDb - 9);
    vad.reset();
    expect(vad.speaking).toBe(false);
    expect(vad.floorDb).toBeNaN();
  });
});
