/**
 * Voicewire version 2's frame sequence number (docs/protocol.md, "Audio, version 2"): a u32 little-endian in front
 * of each audio frame's PCM, compared in serial-number arithmetic (RFC 1982, SERIAL_BITS = 32) so it may wrap.
 */

/** Bytes of the version 2 audio frame header: the sequence number. Four keep f32le samples 4-byte aligned. */
export const SEQUENCE_BYTES = 4;

/** Prepends `sequence` (taken mod 2^32) to one frame of PCM bytes. */
export function withSequence(sequence: number, pcm: Uint8Array): Uint8Array {
  const out = new Uint8Array(SEQUENCE_BYTES + pcm.length);
  new DataView(out.buffer).setUint32(0, sequence >>> 0, true);
  out.set(pcm, SEQUENCE_BYTES);
  return out;
}

/** The sequence number of a version 2 frame (the caller checked it has at least SEQUENCE_BYTES). */
export function sequenceOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, SEQUENCE_BYTES).getUint32(0, true);
}

/** Frames below the newest one whose arrival is remembered, to tell a duplicate from a late frame. */
const WINDOW = 32;

/** What the receiver does with one arriving frame. */
export type SequenceVerdict =
  /** Play it; `missing` frames (0 when in order) never arrived before it and are concealed in its place. */
  | { play: true; missing: number }
  /** Drop it: its slot already played (`late`), or it arrived before (`duplicate`). */
  | { play: false; reason: 'late' | 'duplicate' };

/** Counters of a {@link FrameSequence}, in frames. */
export interface FrameSequenceCounters {
  /** Frames that never arrived (concealed as gaps). */
  lost: number;
  /** Frames that arrived after a later one and were dropped (their slot was already concealed). */
  late: number;
  /** Frames that arrived twice; the copies were dropped. */
  duplicate: number;
  /** Jumps of more than `maxGap` frames: the receiver took the new number as its reference, no gap was inserted. */
  resyncs: number;
}

/**
 * The receiver's view of a sequence-numbered stream. A WebSocket delivers in order, so loss, duplication and
 * reordering come from what is behind the server (a relay, a model that skipped a step): a frame behind the newest
 * is dropped rather than held back for reordering, because holding every frame to wait for stragglers would add
 * delay to all audio on a transport that never reorders. Its slot was concealed when the newer frame arrived.
 */
export class FrameSequence {
  readonly counters: FrameSequenceCounters = { lost: 0, late: 0, duplicate: 0, resyncs: 0 };
  /** The number the next in-order frame carries; null before the first frame. */
  #expected: number | null = null;
  /** Bit i: frame `expected − 1 − i` arrived. */
  #seen = 0;

  /** `maxGap`: the most frames one jump may conceal; a longer jump is a new reference (a sender restart). */
  readonly #maxGap: number;

  constructor(maxGap: number) {
    this.#maxGap = maxGap;
  }

  accept(sequence: number): SequenceVerdict {
    const s = sequence >>> 0;
    if (this.#expected === null) return this.#advance(s, 0);
    // RFC 1982 §3.2: the signed 32-bit difference; −2^31 (undefined there) counts as behind.
    const ahead = (s - this.#expected) | 0;
    if (ahead >= 0) {
      if (ahead > this.#maxGap) {
        this.counters.resyncs++;
        return this.#advance(s, 0, true);
      }
      this.counters.lost += ahead;
      return this.#advance(s, ahead);
    }
    const bit = -ahead - 1;
    if (bit < WINDOW && (this.#seen & (1 << bit)) !== 0) {
      this.counters.duplicate++;
      return { play: false, reason: 'duplicate' };
    }
    if (bit < WINDOW) this.#seen |= 1 << bit;
    this.counters.late++;
    return { play: false, reason: 'late' };
  }

  #advance(s: number, missing: number, restart = this.#expected === null): SequenceVerdict {
    const shift = missing + 1;
    this.#seen = restart || shift >= WINDOW ? 1 : ((this.#seen << shift) | 1) >>> 0;
    this.#expected = (s + 1) >>> 0;
    return { play: true, missing };
  }
}
