import { describe, expect, it } from 'vitest';
import { EnergyVad, testTone } from '../../demo/server/vad.js';

const RATE = 24000;
const block = (ms: number, loud: boolean) => new Float32Array((RATE * ms) / 1000).fill(loud ? 0.3 : 0);

describe('EnergyVad', () => {
  it('reports speech start after the onset and stop after the hangover, with its duration', () => {
    const vad = new EnergyVad({ sampleRate: RATE, onsetMs: 60, hangoverMs: 400 });
    const events = [];
    const script = [...Array(10).fill(false), ...Array(50).fill(true), ...Array(5).fill(false), ...Array(10).fill(true), ...Array(30).fill(false)];
    for (const loud of script) {
      const e = vad.push(block(20, loud));
      if (e) events.push(e);
    }
    // 200 ms of silence, then speech from 200 ms to 1400 ms with a 100 ms gap bridged by the hangover.
    expect(events).toEqual([
      { state: 'started', atMs: 200 },
      { state: 'stopped', atMs: 1500, durationMs: 1300 },
    ]);
  });

  it('ignores a click shorter than the onset', () => {
    const vad = new EnergyVad({ sampleRate: RATE });
    expect([block(20, true), block(20, false), block(20, false)].map((b) => vad.push(b))).toEqual([null, null, null]);
  });

  it('makes a faded tone of the asked length', () => {
    const tone = testTone(RATE, 440, 100);
    expect(tone.length).toBe(2400);
    expect(tone[0]).toBe(0);
    expect(Math.max(...tone)).toBeCloseTo(0.5, 2);
  });
});
