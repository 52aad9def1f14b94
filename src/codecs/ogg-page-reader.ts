import { oggCrc32 } from './crc32.js';

/** One Ogg page (RFC 3533 §6). `body` and `lacing` are copies: safe to keep. */
export interface OggPage {
  /** Header flag 0x01: the first packet on this page continues one begun on the previous page. */
  continued: boolean;
  /** Header flag 0x02: the first page of a logical stream. */
  bos: boolean;
  /** Header flag 0x04: the last page of a logical stream. */
  eos: boolean;
  /** -1 when no packet ends on this page; a plain number (exact up to 2^53, i.e. 5,900 years at 48 kHz). */
  granule: number;
  /** Bitstream serial number: which logical stream the page belongs to. */
  serial: number;
  /** Page sequence number within its logical stream; a jump means lost pages. */
  sequence: number;
  /** The segment table: one lacing value (0–255) per segment; a value below 255 ends a packet. */
  lacing: Uint8Array;
  /** The page's packet data, segments concatenated. */
  body: Uint8Array;
  /** Offset of the page in the whole byte stream fed to the reader. */
  offset: number;
}

/** Something in the stream that was not a valid page; the reader skipped it and went on. */
export interface OggIssue {
  /** Byte offset in the whole stream fed to the reader. */
  offset: number;
  /** What was wrong, in words (e.g. a CRC mismatch). */
  reason: string;
}

const HEADER = 27;

/**
 * Splits a byte stream into Ogg pages, whatever the chunking: a page split across several pushes, several pages in
 * one push, garbage between pages. Bad bytes (no capture pattern, wrong version, CRC mismatch) are skipped up to the
 * next "OggS" and reported as issues; they never throw. Memory is bounded by one maximal page (~64 KB).
 */
export class OggPageReader {
  private buffer = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  /** Stream offset of buffer[0]. */
  private base = 0;
  private resyncing = false;
  /** Stream offset where validPageAfter resumes its search. */
  private probe = 0;

  /**
   * Feeds the next bytes of the stream (any chunking); returns the pages completed by them, in order, and what was
   * skipped. A page still incomplete stays buffered for the next push. Never throws.
   */
  push(bytes: Uint8Array): { pages: OggPage[]; issues: OggIssue[] } {
    this.append(bytes);
    const pages: OggPage[] = [];
    const issues: OggIssue[] = [];
    for (;;) {
      const skipped = this.syncToCapture();
      // Bytes skipped right after a corrupt page belong to it: it was reported once already.
      if (skipped > 0 && !this.resyncing) issues.push({ offset: this.base + this.start - skipped, reason: `${skipped} bytes before an Ogg page were not a page ("OggS" expected)` });
      if (this.end - this.start < HEADER) break;
      const b = this.buffer;
      const s = this.start;
      if (b[s + 4] !== 0) {
        issues.push({ offset: this.base + s, reason: `unsupported Ogg version ${b[s + 4]} (only 0 exists)` });
        this.start += 1;
        continue;
      }
      const segments = b[s + 26];
      const total = this.pageLength(s);
      if (total === 0) {
        // A corrupt header can claim up to 64 KB and swallow the good pages behind it: a whole valid page inside
        // the bytes it claims proves it false (a real Opus page never carries another Ogg page).
        if (!this.validPageAfter(s)) break;
        issues.push({ offset: this.base + s, reason: 'corrupt Ogg page header: a valid page begins inside the body it claims' });
        this.resyncing = true;
        this.start += 1;
        continue;
      }
      const page = this.readPage(s, segments, total);
      this.resyncing = page === null;
      if (page) pages.push(page);
      else issues.push({ offset: this.base + s, reason: 'Ogg page CRC mismatch: the page is corrupt' });
      // A bad page may be a false "OggS" inside data: resync from the next byte, not after its claimed length.
      this.start += page ? total : 1;
    }
    return { pages, issues };
  }

  /** Length of the page whose header starts at `s`, or 0 while it is not all buffered yet. */
  private pageLength(s: number): number {
    const b = this.buffer;
    if (this.end - s < HEADER) return 0;
    const segments = b[s + 26];
    if (this.end - s < HEADER + segments) return 0;
    let total = HEADER + segments;
    for (let i = 0; i < segments; i++) total += b[s + HEADER + i];
    return this.end - s < total ? 0 : total;
  }

  private crcMatches(s: number, total: number): boolean {
    const b = this.buffer;
    let crc = oggCrc32(b, s, s + 22);
    crc = oggCrc32(ZERO4, 0, 4, crc);
    crc = oggCrc32(b, s + 26, s + total, crc);
    return crc === new DataView(b.buffer, b.byteOffset + s + 22, 4).getUint32(0, true);
  }

  /**
   * Whether a complete, CRC-valid page begins after `s` in the buffered bytes. Resumes at the first candidate still
   * incomplete (`probe`, a stream offset), so a large page arriving in small pieces is scanned about once.
   */
  private validPageAfter(s: number): boolean {
    const b = this.buffer;
    let pending = -1;
    let i = Math.max(s + 1, this.probe - this.base);
    for (; i + 4 <= this.end; i++) {
      if (b[i] !== 0x4f || b[i + 1] !== 0x67 || b[i + 2] !== 0x67 || b[i + 3] !== 0x53) continue;
      const total = this.pageLength(i);
      if (total > 0 && b[i + 4] === 0 && this.crcMatches(i, total)) return true;
      if (total === 0 && pending < 0) pending = i;
    }
    this.probe = this.base + (pending >= 0 ? pending : i);
    return false;
  }

  private readPage(s: number, segments: number, total: number): OggPage | null {
    const b = this.buffer;
    if (!this.crcMatches(s, total)) return null;
    const view = new DataView(b.buffer, b.byteOffset + s, total);
    const flags = b[s + 5];
    const lo = view.getUint32(6, true);
    const hi = view.getUint32(10, true);
    return {
      continued: (flags & 1) !== 0,
      bos: (flags & 2) !== 0,
      eos: (flags & 4) !== 0,
      granule: lo === 0xffffffff && hi === 0xffffffff ? -1 : hi * 0x100000000 + lo,
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      lacing: b.slice(s + HEADER, s + HEADER + segments),
      body: b.slice(s + HEADER + segments, s + total),
      offset: this.base + s,
    };
  }

  /** Moves `start` to the next "OggS" (or to the last 3 bytes, which may begin one); returns bytes skipped. */
  private syncToCapture(): number {
    const b = this.buffer;
    const from = this.start;
    let i = from;
    for (; i + 4 <= this.end; i++) {
      if (b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53) break;
    }
    if (i + 4 > this.end) i = Math.max(from, this.end - 3);
    this.start = i;
    return i - from;
  }

  private append(bytes: Uint8Array): void {
    if (this.start > 0 && this.end + bytes.length > this.buffer.length) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end + bytes.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.end + bytes.length));
      grown.set(this.buffer.subarray(0, this.end));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }
}

const ZERO4 = new Uint8Array(4);

/** An Ogg page reader (RFC 3533): bytes in any cut → pages, resyncing past damage. */
export function createOggPageReader(): OggPageReader {
  return new OggPageReader();
}
