import { OggOpusWriter, concat } from '../../codecs/ogg-writer.js';
import type { OpusPacketDecoder } from '../../codecs/opus-decoder.js';
import { createOpusEncoder, type OpusEncoder, type OpusEncoderFactory } from '../../codecs/opus-encoder.js';
import { opusPacketSamples48k } from '../../codecs/opus-head.js';
import {
  MOSHI_RATE,
  MoshiControl,
  MoshiKind,
  moshiAudioMessage,
  moshiControlMessage,
  moshiErrorEvent,
  moshiMetadata,
  moshiProtocolError,
  moshiServerError,
  moshiText,
  type MoshiControlAction,
} from './moshi-messages.js';
import { MoshiServerAudio } from './moshi-server-audio.js';
import { OPUS_FRAME_MS } from '../../dsp/frame-chunker.js';
import type { ProtocolControl, ProtocolEvent, VoiceProtocol, WireMessage } from '../protocol.js';
import { describeError } from '../../errors/describe.js';

/** The Opus encoder and decoder, bitrate and Ogg stream of {@link moshi} (the rate is fixed: 24 kHz, 20 ms frames). */
export interface MoshiProtocolOptions {
  /** Opus encoder for the microphone stream. Default: WebCodecs in browsers that have it, opusscript elsewhere. */
  encoder?: OpusEncoderFactory;
  /** Opus decoder for the server's stream. Default: opus-decoder (wasm), loaded on first use. */
  decoder?: (options: { sampleRate: 24000; preSkip: number }) => Promise<OpusPacketDecoder>;
  /** Encoder bitrate in bits/s; default the codec's own choice (about 27 kbit/s for voice at 24 kHz). */
  bitrate?: number;
  /** Serial number of the outgoing Ogg stream; random by default (fix it only for reproducible recordings/tests). */
  oggSerial?: number;
  /**
   * Decode the server's Opus into PCM `audio` events (default true). False: `encoded-audio` events with the packets
   * and their duration instead, for clients that only time the audio (load generators): no decoder runs.
   */
  decodeAudio?: boolean;
  /** Also send 0x03 endTurn from `flush()`: for turn-based Moshi variants; full-duplex servers ignore it. */
  endTurnOnFlush?: boolean;
}

/** Counters: real-time paths count instead of throwing. */
export interface MoshiStats {
  /** Samples passed to encodeAudio before the handshake, dropped (see encodeAudio). */
  samplesDroppedBeforeReady: number;
  /** Samples passed to encodeAudio after endInput() ended the upload's Ogg stream, dropped. */
  samplesDroppedAfterEnd: number;
  /** 0x06 ping messages received from the server (never answered: Moshi's servers expect no reply). */
  pings: number;
  /** Messages of kinds we do not handle (images, codes, future kinds), discarded as the protocol says. */
  ignoredMessages: number;
}

/**
 * Moshi `/api/chat` (Kyutai) as a pure codec: one byte of kind, then the payload. The client sends ONE Ogg Opus
 * stream (0x01) and, when asked, 0x03 control, and nothing before the server's 0x00 handshake: Moshi's Rust servers
 * end the session on any other kind, so pings are answered by nobody and nothing else ever goes out.
 */
export class MoshiProtocol implements VoiceProtocol {
  readonly name = 'moshi';
  readonly sampleRate = MOSHI_RATE;
  readonly frameMs = OPUS_FRAME_MS;
  readonly subprotocols: readonly string[] = [];
  /** A Moshi conversation lives in the server's model state: a new socket is a new conversation. */
  readonly reconnectable = false;
  /** The model steps once per 80 ms of input: without input it stops answering. */
  readonly continuousAudio = true;
  readonly stats: MoshiStats = { samplesDroppedBeforeReady: 0, samplesDroppedAfterEnd: 0, pings: 0, ignoredMessages: 0 };

  private readonly options: MoshiProtocolOptions;
  private isReady = false;
  private closed = false;
  /** The upload's Ogg stream got its EOS page: it takes no more packets (RFC 3533 §6). */
  private inputEnded = false;
  private encoder: Promise<OpusEncoder> | null = null;
  private writer: OggOpusWriter | null = null;
  /** OpusHead + OpusTags pages, held until the first audio page goes out. */
  private headerPages: Uint8Array | null = null;
  private readonly serverAudio: MoshiServerAudio;
  /** Serialises codec work: callers may fire encodeAudio/decode without awaiting, order must hold. */
  private encodeChain: Promise<unknown> = Promise.resolve();
  /** Only audio waits for audio (the Ogg stream, the decoder); text, metadata and errors never wait behind it. */
  private audioChain: Promise<unknown> = Promise.resolve();

  constructor(options: MoshiProtocolOptions = {}) {
    this.options = options;
    this.serverAudio = new MoshiServerAudio(options.decodeAudio !== false, options.decoder);
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** The server speaks first; the client has nothing to say until the handshake. */
  open(): WireMessage[] {
    return [];
  }

  /**
   * Encodes mono 24 kHz PCM into 0x01 messages, one per Ogg page (2 × 20 ms); the first carries the stream's
   * OpusHead and OpusTags pages too. Before the handshake the PCM is DROPPED (and counted), not buffered: the
   * Python server may keep a socket waiting minutes for a free slot, and a backlog replayed at the handshake would
   * reach a real-time model as stale speech and an ever-growing delay, while buffering would grow memory unbounded.
   */
  encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    if (!this.isReady || this.closed || this.inputEnded) {
      if (this.inputEnded) this.stats.samplesDroppedAfterEnd += pcm.length;
      else if (!this.closed) this.stats.samplesDroppedBeforeReady += pcm.length;
      return Promise.resolve([]);
    }
    const copy = pcm.slice(); // the caller may reuse its buffer before the chain reaches this frame
    const run = this.encodeChain.then(() => this.encodeNow(copy));
    this.encodeChain = run.catch(() => undefined);
    return run;
  }

  /** Sends what the encoder holds (a half-filled page) and, if configured, an endTurn control. */
  flush(): WireMessage[] {
    if (!this.isReady || !this.writer || this.inputEnded) return [];
    const out: WireMessage[] = [];
    const page = this.writer.flush();
    if (page) out.push(this.audioMessage(page));
    if (this.options.endTurnOnFlush) out.push(moshiControlMessage('endTurn'));
    return out;
  }

  /**
   * Ends the upload: the packets held and the end-of-stream page (RFC 3533 §4, RFC 7845 §5: a stream ends with
   * an EOS page), so a server or a recorder sees a finished stream. Call after every encodeAudio promise settled
   * (the transport's send chain does). Nothing was uploaded → nothing to end. Later audio is dropped and counted.
   */
  endInput(): WireMessage[] {
    if (this.inputEnded || !this.writer) return [];
    this.inputEnded = true;
    const page = this.writer.flush(true);
    return page ? [this.audioMessage(page)] : [];
  }

  /** A client-initiated close ends the upload's Ogg stream first, unless endInput() already did. */
  goodbye(): WireMessage[] {
    return this.endInput();
  }

  /**
   * A 0x03 control message (`start`, `endTurn`, `pause`, `restart`, as a name or `{ action }`), or nothing before
   * the handshake (the client must not speak first) or for another action (the Rust servers end the session on
   * anything they do not know).
   */
  control(control: MoshiControlAction | ProtocolControl): WireMessage[] {
    const action = typeof control === 'string' ? control : control.action;
    if (!this.isReady || !Object.hasOwn(MoshiControl, action)) return [];
    return [moshiControlMessage(action as MoshiControlAction)];
  }

  /**
   * Audio (0x01) is decoded in arrival order behind the decoder's load (bounded: createOpusDecoder fails within its
   * timeout); every other kind is read at once, so the server's text and its 0x05 error arrive even while the
   * decoder is still loading or failing.
   */
  decode(message: WireMessage): Promise<ProtocolEvent[]> {
    if (this.decodeLane(message) === 'main') return this.decodeNow(message);
    const run = this.audioChain.then(() => this.decodeNow(message));
    this.audioChain = run;
    return run;
  }

  /** Audio in a lane of its own (see VoiceProtocol.decodeLane). */
  decodeLane(message: WireMessage): 'audio' | 'main' {
    return typeof message !== 'string' && message[0] === MoshiKind.AUDIO ? 'audio' : 'main';
  }

  close(): void {
    this.closed = true;
    void this.encoder?.then((e) => e.close(), () => undefined);
    this.serverAudio.close();
  }

  /**
   * Pre-encoded Opus packets into 0x01 messages, paged exactly as encodeAudio pages what it encodes (the first
   * carries the header pages). One session sends either these or encodeAudio's, never both: one Ogg stream has one
   * pre-skip. Dropped (and counted) before the handshake, as encodeAudio's PCM is.
   */
  encodePackets(packets: readonly Uint8Array[], preSkip: number): WireMessage[] {
    if (!this.isReady || this.closed) {
      if (!this.closed) for (const p of packets) this.stats.samplesDroppedBeforeReady += opusPacketSamples48k(p) / (48000 / MOSHI_RATE);
      return [];
    }
    return this.page(packets, preSkip, 'pre-encoded');
  }

  private async encodeNow(pcm: Float32Array): Promise<WireMessage[]> {
    const encoder = await this.startEncoder();
    const packets = await encoder.encode(pcm);
    return packets.length === 0 ? [] : this.page(packets, encoder.preSkip, encoder.implementation);
  }

  private page(packets: readonly Uint8Array[], preSkip: number, source: string): WireMessage[] {
    if (!this.writer) {
      this.writer = new OggOpusWriter({ inputSampleRate: MOSHI_RATE, preSkip, serial: this.options.oggSerial, vendor: `voicewire (${source})` });
      this.headerPages = this.writer.headers();
    }
    const out: WireMessage[] = [];
    for (const packet of packets) {
      const page = this.writer.writePacket(packet);
      if (page) out.push(this.audioMessage(page));
    }
    return out;
  }

  /** The stream's header pages ride on its first audio page, as Moshi's Rust backend sends its own. */
  private audioMessage(page: Uint8Array): Uint8Array {
    const message = moshiAudioMessage(this.headerPages ? concat([this.headerPages, page]) : page);
    this.headerPages = null;
    return message;
  }

  private startEncoder(): Promise<OpusEncoder> {
    if (!this.encoder) {
      const factory = this.options.encoder ?? createOpusEncoder;
      this.encoder = factory({ sampleRate: MOSHI_RATE, bitrate: this.options.bitrate });
      this.encoder.catch(() => undefined); // reported by the encodeAudio call that awaits it
    }
    return this.encoder;
  }

  private async decodeNow(message: WireMessage): Promise<ProtocolEvent[]> {
    try {
      if (typeof message === 'string') return [moshiErrorEvent('a text frame arrived; Moshi sends binary frames only', { length: message.length })];
      if (message.length === 0) return [moshiErrorEvent('an empty message (no kind byte)', {})];
      return await this.decodeKind(message[0], message.subarray(1));
    } catch (cause) {
      // Never reject: an unexpected failure is still just a bad message.
      return [{ type: 'error', fatal: false, error: moshiProtocolError(`could not read a message (${describeError(cause)})`, {}) }];
    }
  }

  private async decodeKind(kind: number, payload: Uint8Array): Promise<ProtocolEvent[]> {
    switch (kind) {
      case MoshiKind.HANDSHAKE:
        return this.handshake(payload);
      case MoshiKind.AUDIO:
        return this.serverAudio.read(payload);
      case MoshiKind.TEXT:
        return moshiText(payload, kind);
      case MoshiKind.COLORED_TEXT:
        return payload.length === 0 ? [moshiErrorEvent('colored text without its color byte', { kind })] : moshiText(payload.subarray(1), kind);
      case MoshiKind.METADATA:
        return moshiMetadata(payload);
      case MoshiKind.ERROR:
        return [{ type: 'error', fatal: true, error: moshiServerError(new TextDecoder().decode(payload)) }];
      case MoshiKind.PING:
        this.stats.pings++;
        return [];
      default:
        this.stats.ignoredMessages++;
        return [];
    }
  }

  /** Python servers send the bare kind byte, Rust ones 8 bytes (u32 version, u32 model); any payload is accepted. */
  private handshake(payload: Uint8Array): ProtocolEvent[] {
    if (this.isReady) return [];
    this.isReady = true;
    // No encoder is started here: a session with pre-encoded input never needs one (in Node it is a worker thread).
    const info: Record<string, unknown> = { payloadBytes: payload.length };
    if (payload.length >= 8) {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      info.protocolVersion = view.getUint32(0, true);
      info.model = view.getUint32(4, true);
    }
    return [{ type: 'ready', info }];
  }
}

/**
 * Moshi `/api/chat` for a session: `createVoiceSession({ url, protocol: moshi() })`. Fixed at 24 kHz, 20 ms Opus
 * frames. The Opus decoder (wasm) loads on first use. Returns a factory (one codec per socket).
 */
export function moshi(options: MoshiProtocolOptions = {}): () => MoshiProtocol {
  return () => new MoshiProtocol(options);
}
