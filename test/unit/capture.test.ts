import { describe, expect, it } from 'vitest';
import { CaptureCore, frameLengthOf } from '../../worklets/capture-core.js';
import { SharedFrameReader } from '../../src/audio/frame-handoff.js';
import { SharedFrameWriter, type FrameWriter } from '../../worklets/frame-handoff.js';
import { RingBuffer, type RingArray } from '../../src/dsp/ring.js';

/** Records what the core hands over; refuses when told to. */
class Recorder implements FrameWriter {
  lengths = new Set<number>();
  count = 0;
  frames: RingArray[] = [];
  levels: number[] = [];
  refuse = false;
  constructor(private readonly keep = false) {}
  write(frame: RingArray, level: number): boolean {
    if (this.refuse) return false;
    this.lengths.add(frame.length);
    this.count++;
    if (this.keep) {
      this.frames.push(frame.slice());
      this.levels.push(level);
    }
    return true;
  }
}

function drive(core: CaptureCore, rate: number, seconds: number, quantum: number, signal = (t: number) => 0.5 * Math.sin(2 * Math.PI * 440 * t)): number {
  const input = new Float32Array(quantum);
  const total = Math.round(rate * seconds);
  for (let n = 0; n < total; n += quantum) {
    const length = Math.min(quantum, total - n);
    for (let i = 0; i < length; i++) input[i] = signal((n + i) / rate);
    core.process(input, length);
  }
  return total;
}

describe('CaptureCore frame sizes and counts', () => {
  const deviceRates = [8000, 16000, 22050, 32000, 44100, 48000, 96000];
  const wireRates = [16000, 24000];
  const frameMs = [20, 40, 80];
  const quanta = [128, 2048, 100];
  let combo = 0;
  for (const inputRate of deviceRates) {
    for (const wireRate of wireRates) {
      it(`${inputRate} Hz device → ${wireRate} Hz wire: every frame duration and quantum size, exact`, () => {
        for (const ms of frameMs) {
          for (const quantum of quanta) {
            const recorder = new Recorder();
            const core = new CaptureCore({ inputRate, wireRate, frameMs: ms, format: combo++ % 2 ? 'int16' : 'float32' }, recorder);
            const fed = drive(core, inputRate, 1.3, quantum);
            const length = (wireRate * ms) / 1000;
            const produced = Math.ceil((fed * wireRate) / inputRate);
            expect(core.frameLength).toBe(length);
            expect([...recorder.lengths]).toEqual([length]);
            expect(recorder.count).toBe(Math.floor(produced / length));
            expect(core.framesWritten).toBe(recorder.count);
          }
        }
      });
    }
  }

  it('rejects a frame duration that is not a whole number of samples', () => {
    expect(() => frameLengthOf(22050, 15)).toThrow(/whole number of samples/);
    expect(frameLengthOf(16000, 80)).toBe(1280);
  });
});

describe('CaptureCore samples and levels', () => {
  it('Int16 frames are the Float32 frames scaled and rounded, clipped at full scale; the level is the RMS', () => {
    const f32 = new Recorder(true);
    const i16 = new Recorder(true);
    const loud = (t: number) => 1.5 * Math.sin(2 * Math.PI * 300 * t);
    drive(new CaptureCore({ inputRate: 48000, wireRate: 24000, frameMs: 20, format: 'float32' }, f32), 48000, 0.5, 128, loud);
    drive(new CaptureCore({ inputRate: 48000, wireRate: 24000, frameMs: 20, format: 'int16' }, i16), 48000, 0.5, 128, loud);
    expect(i16.count).toBe(f32.count);
    let clipped = 0;
    for (let f = 0; f < f32.count; f++) {
      const a = f32.frames[f] as Float32Array;
      const b = i16.frames[f] as Int16Array;
      expect(b).toBeInstanceOf(Int16Array);
      for (let i = 0; i < a.length; i++) {
        const x = Math.max(-1, Math.min(1, a[i]));
        expect(b[i]).toBe(Math.round(x < 0 ? x * 32768 : x * 32767) + 0);
        if (Math.abs(a[i]) > 1) clipped++;
      }
      expect(i16.levels[f]).toBeCloseTo(f32.levels[f], 6);
    }
    expect(clipped).toBeGreaterThan(0);
    // A 300 Hz sine of amplitude 1.5 has RMS 1.5/√2, once the filter's start-up has passed.
    expect(f32.levels[10]).toBeCloseTo(1.5 / Math.SQRT2, 2);
    expect(f32.levels[0]).toBeLessThan(f32.levels[10]);
  });

  it('counts frames the writer refuses instead of throwing', () => {
    const recorder = new Recorder();
    const core = new CaptureCore({ inputRate: 44100, wireRate: 16000, frameMs: 40, format: 'int16' }, recorder);
    drive(core, 44100, 0.5, 128);
    recorder.refuse = true;
    drive(core, 44100, 0.5, 128);
    expect(core.framesWritten).toBe(recorder.count);
    expect(core.framesWritten + core.framesDropped).toBe(Math.floor(16000 / 640));
    expect(core.framesDropped).toBeGreaterThan(0);
  });

  it('through the shared ring: the reader gets the same frames and levels, and a full ring drops whole frames', () => {
    const samples = RingBuffer.createStorage(3 * 480, Int16Array);
    const levels = RingBuffer.createStorage(3, Float32Array);
    const reference = new Recorder(true);
    const core = new CaptureCore({ inputRate: 48000, wireRate: 24000, frameMs: 20, format: 'int16' }, new SharedFrameWriter(samples, levels, Int16Array));
    const twin = new CaptureCore({ inputRate: 48000, wireRate: 24000, frameMs: 20, format: 'int16' }, reference);
    const reader = new SharedFrameReader(samples, levels, Int16Array, 480);
    const got: { frame: Int16Array; level: number }[] = [];
    const input = new Float32Array(128);
    for (let q = 0; q < 750; q++) {
      for (let i = 0; i < 128; i++) input[i] = 0.3 * Math.sin((q * 128 + i) / 9);
      core.process(input, 128);
      twin.process(input, 128);
      if (q % 8 === 7) reader.read((frame, level) => got.push({ frame, level }));
    }
    reader.read((frame, level) => got.push({ frame, level }));
    expect(core.framesDropped).toBe(0);
    expect(got.map((g) => g.frame)).toEqual(reference.frames);
    expect(got.map((g) => g.level)).toEqual(reference.levels.map((l) => Math.fround(l)));
    // Nobody reads for a while: the ring holds 3 frames, the rest are dropped whole and counted.
    for (let q = 0; q < 150; q++) core.process(input, 128);
    const stalled: Int16Array[] = [];
    reader.read((frame) => stalled.push(frame));
    expect(stalled.length).toBe(3);
    expect(core.framesWritten).toBe(got.length + 3);
    expect(core.framesDropped).toBeGreaterThan(0);
    expect(core.framesWritten + core.framesDropped).toBe(Math.floor((900 * 64) / 480));
  });
});
