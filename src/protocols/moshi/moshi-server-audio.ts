import { ErrorCode, VoicewireError } from '../../errors/errors.js';
import { OggOpusReader, type OggOpusChunk } from '../../codecs/ogg-opus-reader.js';
import { concealmentPackets } from '../../codecs/opus-plc.js';
import { createOpusDecoder, type OpusPacketDecoder } from '../../codecs/opus-decoder.js';
import { opusPacketSamples48k, type OpusHead } from '../../codecs/opus-head.js';
import { MOSHI_RATE, MoshiKind, moshiErrorEvent } from './moshi-messages.js';
import type { ProtocolEvent } from '../protocol.js';

/**
 * The server's Ogg Opus stream (the payloads of its 0x01 messages, in arrival order) into `audio`, `gap` and
 * `encoded-audio` events: one decoder per logical stream, gaps concealed by the decoder where it can.
 */
export class MoshiServerAudio {
  private readonly reader = new OggOpusReader();
  private decoder: Promise<OpusPacketDecoder> | null = null;
  /** The last audio packet of the server's stream, whose configuration concealment repeats; null at a stream's start. */
  private lastPacket: Uint8Array | null = null;

  /** `decodeAudio` false: `encoded-audio` events (packets and their duration) instead of `audio`; no decoder runs. */
  constructor(
    private readonly decodeAudio: boolean,
    private readonly createDecoder: (options: { sampleRate: typeof MOSHI_RATE; preSkip: number }) => Promise<OpusPacketDecoder> = createOpusDecoder,
  ) {}

  /** One 0x01 payload; call in arrival order, one at a time (MoshiProtocol's audio lane does). */
  async read(payload: Uint8Array): Promise<ProtocolEvent[]> {
    const chunk = this.reader.push(payload);
    const events: ProtocolEvent[] = chunk.issues.map((i) => moshiErrorEvent(`audio stream: ${i.reason}`, { kind: MoshiKind.AUDIO, offset: i.offset }));
    if (!this.decodeAudio) {
      for (const g of chunk.gaps) events.push({ type: 'gap', durationMs: g.samples48k / 48, frames: g.pages, filled: false });
      if (chunk.packets.length > 0) events.push({ type: 'encoded-audio', packets: chunk.packets, durationMs: durationMs(chunk.packets) });
      return events;
    }
    if (chunk.head) this.restartDecoder(chunk.head);
    if ((chunk.packets.length === 0 && chunk.gaps.length === 0) || !this.decoder) return events;
    let decoder: OpusPacketDecoder;
    try {
      decoder = await this.decoder;
    } catch (cause) {
      const fatal = cause instanceof VoicewireError ? cause : codecError(cause);
      return [...events, { type: 'error', fatal: true, error: fatal }];
    }
    return this.decodeWithGaps(decoder, chunk, events);
  }

  close(): void {
    void this.decoder?.then((d) => d.close(), () => undefined);
  }

  /**
   * Decodes the chunk's packets in order with its gaps in place: the decoder's own concealment fills each gap
   * (`filled` gap events, the concealment in the audio), what it cannot fill (a gap before any packet, a remainder
   * shorter than a frame) is a gap event for the playback path, between the audio before and after it.
   */
  private decodeWithGaps(decoder: OpusPacketDecoder, chunk: OggOpusChunk, events: ProtocolEvent[]): ProtocolEvent[] {
    const decode = (packets: readonly Uint8Array[], from: number) => {
      const { pcm, issues } = decoder.decode(packets);
      for (const issue of issues) events.push(moshiErrorEvent(`undecodable Opus packet: ${issue.reason}`, { kind: MoshiKind.AUDIO, packet: from + issue.packet }));
      if (pcm.length > 0) events.push({ type: 'audio', pcm, sampleRate: MOSHI_RATE });
      for (const p of packets) if (p.length > 0) this.lastPacket = p;
    };
    let from = 0;
    for (const gap of chunk.gaps) {
      decode(chunk.packets.slice(from, gap.at), from);
      from = gap.at;
      const plc = this.lastPacket ? concealmentPackets(this.lastPacket, gap.samples48k) : { packets: [], covered: 0 };
      const rest = gap.samples48k - plc.covered;
      if (plc.covered > 0) {
        events.push({ type: 'gap', durationMs: plc.covered / 48, frames: rest > 0 ? 0 : gap.pages, filled: true });
        const { pcm } = decoder.decode(plc.packets);
        if (pcm.length > 0) events.push({ type: 'audio', pcm, sampleRate: MOSHI_RATE });
      }
      if (rest > 0) events.push({ type: 'gap', durationMs: rest / 48, frames: gap.pages, filled: false });
    }
    decode(chunk.packets.slice(from), from);
    return events;
  }

  /**
   * A new logical stream (BOS) gets a fresh decoder: pre-skip and decoder state belong to one stream. Moshi sends
   * mono; a stereo stream would still play, as libopus downmixes it in a mono decoder.
   */
  private restartDecoder(head: OpusHead): void {
    void this.decoder?.then((d) => d.close(), () => undefined);
    this.lastPacket = null;
    this.decoder = this.createDecoder({ sampleRate: MOSHI_RATE, preSkip: head.preSkip });
    this.decoder.catch(() => undefined);
  }
}

function durationMs(packets: readonly Uint8Array[]): number {
  let samples = 0;
  for (const p of packets) samples += opusPacketSamples48k(p);
  return samples / 48;
}

function codecError(cause: unknown): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.CODEC_UNSUPPORTED,
    message: 'The Opus decoder for the Moshi stream failed to start',
    remedy: 'Check that WebAssembly is allowed on this page and that the opus-decoder package is installed.',
    cause,
  });
}
