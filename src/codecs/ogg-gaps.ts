import { opusPacketSamples48k } from './opus-head.js';

/** Audio missing in front of a page's packets. */
export interface OggGap {
  /** Index (in the chunk's `packets`) of the first packet after the gap. */
  at: number;
  /** Duration of the missing audio, in 48 kHz samples (RFC 7845 §4: Opus durations are counted at 48 kHz). */
  samples48k: number;
  /** Pages lost (by page sequence number; 0 where only the granule position jumped). */
  pages: number;
}

/** Smallest granule jump taken as lost audio: one 2.5 ms Opus frame, the shortest that can go missing (RFC 7845 §4.1). */
const MIN_GAP_48K = 120;
/**
 * Largest jump concealed: 1 s, as voicewire's frame sequence numbers. A longer jump (a server restarting its stream,
 * or a corrupt granule position such as 2^50) is a new reference, not lost audio: concealing it would mean hours of
 * decoder packets.
 */
const MAX_GAP_48K = 48_000;

/**
 * Finds audio missing from an Ogg Opus stream between audio pages: from the jump of the granule position (RFC 7845
 * §4: the end time of the page's last packet), or, while its unit is not known yet, from lost page sequence numbers
 * times the last page's duration. Moshi's servers count granules at 24 kHz instead of 48 kHz (docs/ogg-opus-conformance.md, known deviation), so
 * the unit is learnt from pages in sequence: granule advance over the duration of their packets.
 */
export class OggGapDetector {
  private lastGranule = -1;
  /** Granule units per 48 kHz sample (1 by RFC 7845, 0.5 from Moshi); 0 until learnt. */
  private unit = 0;
  private lastPageSamples = 0;

  /** A new logical stream: nothing to compare with. */
  reset(): void {
    this.lastGranule = -1;
    this.unit = 0;
    this.lastPageSamples = 0;
  }

  /**
   * An audio page whose packets `packets` (those completed on it) were just read, `lostPages` pages after the
   * previous one. Returns the 48 kHz samples missing before these packets (0: none).
   */
  page(granule: number, lostPages: number, packets: readonly Uint8Array[]): number {
    let samples = 0;
    for (const p of packets) samples += opusPacketSamples48k(p);
    let missing = 0;
    if (granule >= 0 && this.lastGranule >= 0 && samples > 0) {
      const advance = granule - this.lastGranule;
      // In sequence, before the unit is known: learn it from a page whose advance matches one of the two units.
      if (lostPages === 0 && this.unit === 0 && (advance === samples || advance * 2 === samples)) this.unit = advance / samples;
      else if (this.unit > 0) missing = advance / this.unit - samples;
    }
    if (lostPages > 0 && this.unit === 0) missing = lostPages * this.lastPageSamples;
    if (granule >= 0 && samples > 0) {
      this.lastGranule = granule;
      this.lastPageSamples = samples;
    }
    return missing >= MIN_GAP_48K && missing <= MAX_GAP_48K ? Math.round(missing) : 0;
  }
}
