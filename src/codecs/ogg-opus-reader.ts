import { OggPageReader, type OggIssue, type OggPage } from './ogg-page-reader.js';
import { concat } from './ogg-writer.js';
import { isOpusTags, parseOpusHead, type OpusHead } from './opus-head.js';
import { OggGapDetector, type OggGap } from './ogg-gaps.js';

/** Largest Opus packet we reassemble: 120 ms of 48 frames at the 1275-byte maximum is 61,200 bytes. */
const MAX_PACKET = 65_536;

/** What one {@link OggOpusReader.push} yielded: a new stream's head, audio packets, gaps and skipped bytes. */
export interface OggOpusChunk {
  /** Set when a new logical stream began in this chunk (its BOS page carried a valid OpusHead). */
  head: OpusHead | null;
  /** Audio packets, in order, headers excluded. */
  packets: Uint8Array[];
  /** Audio lost between pages (lost pages, a granule position jump), in order, each before packet `at`. */
  gaps: OggGap[];
  /** What was skipped (bad pages, pages of another stream, cut packets), with byte offsets; never thrown. */
  issues: OggIssue[];
}

/**
 * Demuxes an Ogg Opus byte stream that arrives in arbitrary pieces: pages → packets (reassembled across page
 * boundaries) → OpusHead, OpusTags, audio. A new BOS page starts a new stream. Pages before the first BOS, of another
 * serial, or after a sequence gap are skipped and reported; nothing throws.
 */
export class OggOpusReader {
  private readonly pages = new OggPageReader();
  private serial: number | null = null;
  private expectedSequence = 0;
  private state: 'head' | 'tags' | 'audio' | 'broken' = 'head';
  private partial: Uint8Array[] = [];
  private partialLength = 0;
  /** Skip the continuation of a packet whose start we never saw. */
  private skipContinuation = false;
  private readonly gapDetector = new OggGapDetector();

  /** The current stream's identification header, once read. */
  head: OpusHead | null = null;

  /**
   * Feeds the next bytes of the stream (any chunking); returns the audio packets completed by them (a packet split
   * across pages is returned once whole), gaps and issues. Never throws.
   */
  push(bytes: Uint8Array): OggOpusChunk {
    const { pages, issues } = this.pages.push(bytes);
    const out: OggOpusChunk = { head: null, packets: [], gaps: [], issues };
    for (const page of pages) this.page(page, out);
    return out;
  }

  private page(page: OggPage, out: OggOpusChunk): void {
    const issue = (reason: string): void => void out.issues.push({ offset: page.offset, reason });
    let lostPages = 0;
    if (page.bos) {
      this.serial = page.serial;
      this.state = 'head';
      this.head = null;
      this.dropPartial();
      this.skipContinuation = false;
      this.gapDetector.reset();
    } else if (this.serial === null) {
      return issue('Ogg page before the stream began: the first page of an Ogg Opus stream must be its BOS page');
    } else if (page.serial !== this.serial) {
      return issue(`Ogg page of another logical stream (serial ${page.serial}, expected ${this.serial}) skipped`);
    } else if (page.sequence !== this.expectedSequence) {
      lostPages = (page.sequence - this.expectedSequence) >>> 0;
      issue(`Ogg page sequence jumped from ${this.expectedSequence} to ${page.sequence}: pages were lost`);
      this.dropPartial();
      this.skipContinuation = page.continued;
    } else if (page.continued !== (this.partialLength > 0 || this.skipContinuation)) {
      if (page.continued) issue('Ogg page continues a packet that never began');
      else if (this.partialLength > 0) issue('Ogg packet cut short by a page that does not continue it');
      this.dropPartial();
      this.skipContinuation = page.continued;
    }
    this.expectedSequence = (page.sequence + 1) >>> 0;

    const first = out.packets.length;
    let at = 0;
    for (let i = 0; i < page.lacing.length; i++) {
      const size = page.lacing[i];
      if (!this.skipContinuation) this.addPiece(page.body.subarray(at, at + size), issue);
      at += size;
      if (size < 255) {
        if (this.skipContinuation) this.skipContinuation = false;
        else this.packet(this.takePartial(), page, out, issue);
      }
    }
    if (this.state !== 'audio') return;
    const missing = this.gapDetector.page(page.granule, lostPages, out.packets.slice(first));
    if (missing > 0) out.gaps.push({ at: first, samples48k: missing, pages: lostPages });
  }

  private packet(packet: Uint8Array, page: OggPage, out: OggOpusChunk, issue: (r: string) => void): void {
    if (this.state === 'head') {
      const head = parseOpusHead(packet);
      if (!head) {
        this.state = 'broken';
        return issue('the first packet of the Ogg stream is not a valid OpusHead: the stream is not Ogg Opus');
      }
      if (!page.bos) issue('OpusHead was not alone on the BOS page');
      this.head = out.head = head;
      this.state = 'tags';
    } else if (this.state === 'tags') {
      this.state = 'audio';
      if (!isOpusTags(packet)) issue('the second packet of the Ogg Opus stream is not OpusTags');
    } else if (this.state === 'audio') {
      out.packets.push(packet);
    }
  }

  private addPiece(piece: Uint8Array, issue: (r: string) => void): void {
    if (this.state === 'tags') {
      // OpusTags is only checked for its magic: its comments (cover art can be megabytes) are not kept.
      if (this.partialLength < 16) this.partial.push(piece);
      this.partialLength += piece.length;
      return;
    }
    if (this.partialLength + piece.length > MAX_PACKET) {
      issue(`Ogg packet longer than ${MAX_PACKET} bytes: not an Opus packet; skipped`);
      this.dropPartial();
      this.skipContinuation = true;
      return;
    }
    this.partial.push(piece);
    this.partialLength += piece.length;
  }

  /** The finished packet (possibly zero-length: RFC 7845 allows it, the decoder skips it). */
  private takePartial(): Uint8Array {
    const packet = this.partial.length === 1 ? this.partial[0] : concat(this.partial);
    this.dropPartial();
    return packet;
  }

  private dropPartial(): void {
    this.partial = [];
    this.partialLength = 0;
  }
}

/** An Ogg Opus stream reader: bytes in any cut → OpusHead and packets with their issues. */
export function createOggOpusReader(): OggOpusReader {
  return new OggOpusReader();
}
