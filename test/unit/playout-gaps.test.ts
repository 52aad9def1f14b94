import { describe, expect, it } from 'vitest';
import { SharedPcmWriter } from '../../src/audio/pcm-handoff.js';
import { PlayoutInput } from '../../src/audio/playout-input.js';
import { RingBuffer } from '../../src/dsp/ring.js';
import { encodePcm } from '../../src/dsp/pcm.js';
import { withSequence } from '../../src/protocols/voicewire/frame-sequence.js';
import { VoicewireProtocol } from '../../src/protocols/voicewire/voicewire.js';
import { createControlStorage } from '../../worklets/pcm-handoff.js';
import { PlaybackCore } from '../../worklets/playback-core.js';

const WIRE = 24000;
const DEVICE = 48000;
const FRAME = 480; // 20 ms at the wire rate
const DEVICE_FRAME = 960;
const QUANTUM = 128;
/** The marker: a 2 ms 3 kHz burst 10 ms into each frame, silence around it. */
const MARK_AT = 240;

function markedFrame(): Float32Array {
  const f = new Float32Array(FRAME);
  for (let i = 0; i < 48; i++) f[MARK_AT + i] = 0.5 * Math.sin((2 * Math.PI * 3000 * i) / WIRE) * Math.sin((Math.PI * i) / 48);
  return f;
}

const hello = (version: number) => JSON.stringify({ type: 'hello', protocol: 'voicewire', version, role: 'server', audio: { sampleRate: WIRE, channels: 1, format: 's16le', frameMs: 20 } });

/**
 * Frames 0..frames−1 leave a server every 20 ms and arrive 20 ms later, without those in `lost`; the client
 * decodes them with the real codec and plays them through the real queue and jitter buffer, a quantum at a time,
 * as the worklet would. Returns the device-rate output and the buffer's counters.
 */
async function play(version: 1 | 2, frames: number, lost: ReadonlySet<number>) {
  const codec = new VoicewireProtocol({ versions: [version] });
  await codec.decode(hello(version));
  const ring = RingBuffer.createStorage(2 * DEVICE, Float32Array);
  const control = createControlStorage(true);
  const core = new PlaybackCore({ sampleRate: DEVICE, targetMs: 60, maxMs: 1000, statsIntervalMs: 100 }, new RingBuffer(ring, Float32Array), new Int32Array(control), () => {});
  const input = new PlayoutInput(WIRE, DEVICE, new SharedPcmWriter(ring, control));
  const pcm = encodePcm(markedFrame(), 'int16');
  const out = new Float32Array(Math.ceil(((frames + 8) * DEVICE_FRAME) / QUANTUM) * QUANTUM);
  let next = 0;
  for (let at = 0; at < out.length; at += QUANTUM) {
    while (next < frames && (next + 1) * DEVICE_FRAME <= at) {
      if (!lost.has(next)) {
        for (const e of await codec.decode(version === 2 ? withSequence(next, pcm) : pcm)) {
          if (e.type === 'gap') input.gap(e.durationMs);
          if (e.type === 'audio') input.push(e.pcm);
        }
      }
      next++;
      if (next === frames) input.end();
    }
    core.process(out.subarray(at, at + QUANTUM), QUANTUM);
  }
  return { out, counters: core.buffer.counters };
}

/** Output index of each marker burst: its first sample above 0.1 after 5 ms below. */
function markers(out: Float32Array): number[] {
  const found: number[] = [];
  let quiet = 0;
  for (let i = 0; i < out.length; i++) {
    if (Math.abs(out[i]) > 0.1 && quiet >= 240) found.push(i);
    quiet = Math.abs(out[i]) > 0.1 ? 0 : quiet + 1;
  }
  return found;
}

describe('lost frames are concealed in place (voicewire v2 sequence numbers → marked gaps → jitter buffer)', () => {
  const lost = new Set([10, 11, 25]);

  it('v2: the gap is concealed where the lost frames were, and every later frame plays at its original position', async () => {
    const { out, counters } = await play(2, 50, lost);
    const found = markers(out);
    const kept = Array.from({ length: 50 }, (_, k) => k).filter((k) => !lost.has(k));
    expect(found).toHaveLength(kept.length);
    // Frames before the gap play exactly a frame apart. After it, every frame plays at its original position plus
    // only what the buffer itself stretched (it expands a little while the missing frames look late, before the
    // next frame reveals the gap): the lost frames' duration is kept, not taken out of the timeline.
    const stretch = counters.expanded - counters.accelerated;
    expect(Math.abs(stretch)).toBeLessThan(DEVICE_FRAME / 4);
    const offsets = found.map((at) => at - found[0]);
    expect(offsets.slice(0, 10)).toEqual(kept.slice(0, 10).map((k) => k * DEVICE_FRAME));
    expect(offsets.slice(10)).toEqual(kept.slice(10).map((k) => k * DEVICE_FRAME + stretch));
    expect(counters.concealed).toBe(lost.size * DEVICE_FRAME);
    expect(counters.underruns).toBe(0);
    expect(counters.underrun).toBe(0);
    // Concealment never clicks: no step between output samples beyond the marker's own steepest slope.
    let step = 0;
    for (let i = 1; i < out.length; i++) step = Math.max(step, Math.abs(out[i] - out[i - 1]));
    expect(step).toBeLessThan(0.2);
  });

  it('v1 (no sequence numbers): the same loss shifts the frames after it earlier, so they play out of place', async () => {
    const { out, counters } = await play(1, 50, lost);
    const found = markers(out);
    expect(counters.concealed).toBe(0);
    // Frame 12 is the 11th marker; without the gap it plays right after frame 9, two frames early.
    expect(found[10] - found[0]).toBeLessThan(12 * DEVICE_FRAME - DEVICE_FRAME);
  });
});
