/** Opus frame length used everywhere in voicewire: 20 ms, what Moshi's own web client sends. */
export const OPUS_FRAME_MS = 20;

/**
 * Cuts PCM of any length into whole frames (Opus encoders, the Node audio path). The last partial frame waits in
 * `pending` for the next push, or comes out of rest(); frames are copies, safe to hand to a consumer that keeps them.
 */
export class FrameChunker {
  private readonly pending: Float32Array<ArrayBuffer>;
  private filled = 0;

  /** @param frameSize samples per frame (e.g. 480 for 20 ms at 24 kHz). */
  constructor(readonly frameSize: number) {
    this.pending = new Float32Array(frameSize);
  }

  /**
   * Appends samples; returns each frame of `frameSize` samples they completed (none, one or several), as copies. The
   * remainder waits for the next push.
   */
  push(pcm: Float32Array): Float32Array<ArrayBuffer>[] {
    const frames: Float32Array<ArrayBuffer>[] = [];
    let at = 0;
    while (at < pcm.length) {
      const n = Math.min(this.frameSize - this.filled, pcm.length - at);
      this.pending.set(pcm.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.frameSize) {
        frames.push(this.pending.slice());
        this.filled = 0;
      }
    }
    return frames;
  }

  /** The partial frame still pending (shorter than frameSize), or nothing; the chunker starts empty again. */
  rest(): Float32Array<ArrayBuffer>[] {
    const n = this.filled;
    this.filled = 0;
    return n > 0 ? [this.pending.slice(0, n)] : [];
  }
}

/** Cuts PCM of any length into frames of `frameSize` samples. */
export function createFrameChunker(frameSize: number): FrameChunker {
  return new FrameChunker(frameSize);
}
