import { oggCrc32 } from './crc32.js';
import { buildOpusHead, buildOpusTags, opusPacketSamples48k } from './opus-head.js';

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
const MAX_SEGMENTS = 255;

/** How {@link OggOpusWriter} fills OpusHead and cuts pages. */
export interface OggOpusWriterOptions {
  /** Rate the encoder was fed, Hz, written into OpusHead (informational for decoders). */
  inputSampleRate: number;
  /** Encoder lookahead in 48 kHz samples (RFC 7845 §4.2): decoders drop this many samples at the start. */
  preSkip: number;
  /** Channel count written into OpusHead. Default 1. */
  channels?: number;
  /** Opus packets per Ogg page (at least 1; default 2). Moshi's own web client sends 2 × 20 ms. */
  packetsPerPage?: number;
  /** Stream serial number; a fresh random one by default, so each session is a new logical stream. */
  serial?: number;
  /** Vendor string of the OpusTags page (RFC 7845 §5.2). Default `'voicewire'`. */
  vendor?: string;
}

/**
 * Muxes Opus packets into ONE Ogg Opus logical stream (RFC 7845): a BOS page holding only OpusHead, a page holding
 * only OpusTags, then audio pages of `packetsPerPage` packets.
 *
 * Granule positions are standard RFC 7845 ones (48 kHz samples, pre-skip included), not the 24 kHz count Moshi
 * servers write: those servers read packets and ignore granules, while opusdec, ffmpeg and browsers use them to trim
 * the end and to compute duration, so the standard value is the one that makes the stream valid for both.
 */
export class OggOpusWriter {
  /** The logical stream's serial number, written on every page (the option, or a random one). */
  readonly serial: number;
  private readonly packetsPerPage: number;
  private readonly options: OggOpusWriterOptions;
  private sequence = 0;
  private granule = 0;
  private pending: Uint8Array[] = [];
  private headersWritten = false;

  constructor(options: OggOpusWriterOptions) {
    this.options = options;
    this.serial = options.serial ?? randomSerial();
    this.packetsPerPage = Math.max(1, options.packetsPerPage ?? 2);
  }

  /**
   * The BOS page (OpusHead) and the OpusTags page, concatenated. Call once, before any audio page.
   *
   * @throws Error when called a second time for this stream.
   */
  headers(): Uint8Array {
    if (this.headersWritten) throw new Error('OggOpusWriter.headers() was already called for this stream');
    this.headersWritten = true;
    const head = buildOpusHead({
      channels: this.options.channels ?? 1,
      preSkip: this.options.preSkip,
      inputSampleRate: this.options.inputSampleRate,
    });
    const tags = buildOpusTags(this.options.vendor ?? 'voicewire');
    return concat([this.page([head], FLAG_BOS, 0), this.page([tags], 0, 0)]);
  }

  /**
   * Adds one Opus packet; returns a finished page when the page is full, else null.
   *
   * @throws Error before {@link OggOpusWriter.headers}; RangeError for a packet of 65,025 bytes or more (over 255 lacing values, one page).
   */
  writePacket(packet: Uint8Array): Uint8Array | null {
    if (!this.headersWritten) throw new Error('OggOpusWriter: write headers() before audio packets');
    const segments = segmentCount(packet.length);
    if (segments > MAX_SEGMENTS) throw new RangeError(`Opus packet of ${packet.length} bytes does not fit an Ogg page`);
    // A page holds at most 255 lacing values: close the current one early rather than split a packet. (With one
    // packet per page nothing is ever pending here, so the early page never coincides with a full one.)
    const early = this.pendingSegments() + segments > MAX_SEGMENTS ? this.flush() : null;
    this.pending.push(packet);
    this.granule += opusPacketSamples48k(packet);
    if (early) return early;
    return this.pending.length >= this.packetsPerPage ? this.flush() : null;
  }

  /** Emits the packets held so far as a page (with the EOS flag when `end`); null when nothing is held. */
  flush(end = false): Uint8Array | null {
    if (this.pending.length === 0 && !end) return null;
    // RFC 3533: a page on which no packet ends carries granule -1 (an empty EOS page, here).
    const page = this.page(this.pending, end ? FLAG_EOS : 0, this.pending.length > 0 ? this.granule : -1);
    this.pending = [];
    return page;
  }

  private pendingSegments(): number {
    let n = 0;
    for (const p of this.pending) n += segmentCount(p.length);
    return n;
  }

  private page(packets: readonly Uint8Array[], flags: number, granule: number): Uint8Array {
    const lacing: number[] = [];
    let bodyLength = 0;
    for (const p of packets) {
      for (let left = p.length; ; left -= 255) {
        lacing.push(Math.min(left, 255));
        if (left < 255) break;
      }
      bodyLength += p.length;
    }
    const headerLength = 27 + lacing.length;
    const out = new Uint8Array(headerLength + bodyLength);
    const view = new DataView(out.buffer);
    out.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
    out[4] = 0;
    out[5] = flags;
    view.setUint32(6, granule < 0 ? 0xffffffff : granule % 0x100000000, true);
    view.setUint32(10, granule < 0 ? 0xffffffff : Math.floor(granule / 0x100000000), true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    out[26] = lacing.length;
    out.set(lacing, 27);
    let at = headerLength;
    for (const p of packets) {
      out.set(p, at);
      at += p.length;
    }
    view.setUint32(22, oggCrc32(out), true);
    return out;
  }
}

/** Lacing values for a packet: one per full 255 bytes, plus a final one (< 255, possibly 0). */
function segmentCount(length: number): number {
  return Math.floor(length / 255) + 1;
}

function randomSerial(): number {
  const c = globalThis.crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0];
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An Ogg Opus stream writer (RFC 7845); see OggOpusWriterOptions. */
export function createOggOpusWriter(options: OggOpusWriterOptions): OggOpusWriter {
  return new OggOpusWriter(options);
}
