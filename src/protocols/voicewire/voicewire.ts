import { ErrorCode } from '../../errors/errors.js';
import { BYTES_PER_SAMPLE, decodePcm, encodePcm, type SampleFormat } from '../../dsp/pcm.js';
import type { ProtocolControl, ProtocolEvent, VoiceProtocol, WireMessage } from '../protocol.js';
import { preview, protocolError, serverError } from '../protocol-error.js';
import { isRecord, num } from '../values.js';
import { describeError } from '../../errors/describe.js';
import { FrameSequence, SEQUENCE_BYTES, sequenceOf, withSequence } from './frame-sequence.js';

/**
 * The voicewire PCM protocol, docs/protocol.md. The subprotocol names the protocol family for every version (a
 * version 1 server accepts it): the version itself is negotiated in the hello.
 */
export const VOICEWIRE_SUBPROTOCOL = 'voicewire.v1';
/** Version 2 adds a frame sequence number to audio frames (docs/protocol.md, "Audio, version 2"). */
const VERSIONS: readonly number[] = [1, 2];
/** A jump in sequence numbers longer than this is a new reference, not a gap to conceal (docs/protocol.md). */
const MAX_GAP_MS = 1000;
/** The hello's names for the sample formats (docs/protocol.md, "Audio"). */
const WIRE_FORMAT = { int16: 's16le', float32: 'f32le' } as const satisfies Record<SampleFormat, string>;

/** The audio format a hello announces for one direction (docs/protocol.md, "Hello"). */
export interface VoicewireAudioFormat {
  /** Samples per second, Hz. */
  sampleRate: number;
  /** Always 1: voice is mono on the wire. */
  channels: 1;
  /** Little-endian sample encoding: 'int16' (`s16le` on the wire) or 'float32' (`f32le`). */
  format: SampleFormat;
  /** Usual frame duration, ms (a hint for the peer's buffers; any frame length is valid). */
  frameMs: number;
}

/** What the client's hello offers (docs/protocol.md): its audio format and the protocol versions it speaks. */
export interface VoicewireProtocolOptions {
  /** Rate of the audio this client sends, Hz. Default 24000. */
  sampleRate?: number;
  /** Sample format this client sends. Default 'int16' (half the bytes of 'float32'). */
  format?: SampleFormat;
  /** Usual frame duration, ms, a hint for the server's buffers (and the session's frame length). Default 20. */
  frameMs?: number;
  /** Versions offered in the hello. Default [1, 2]: the server picks the highest it knows. */
  versions?: readonly number[];
}

/** Typed control messages the client may send (docs/protocol.md, "Control"). */
export type VoicewireClientMessage =
  | { type: 'ping' | 'pong'; id: number; t: number }
  | { type: 'control'; action: string; [field: string]: unknown }
  | { type: 'end' }
  | { type: 'error'; code: string; message: string; fatal: boolean };

/** The voicewire PCM protocol as a codec. Text JSON for control, raw little-endian PCM for audio. */
export class VoicewireProtocol implements VoiceProtocol {
  readonly name = 'voicewire';
  readonly frameMs: number;
  readonly subprotocols: readonly string[] = [VOICEWIRE_SUBPROTOCOL];
  /** The session lives in the audio only: a new socket with a new hello is a new, equivalent session. */
  readonly reconnectable = true;
  readonly sampleRate: number;
  readonly audio: Readonly<VoicewireAudioFormat>;
  readonly versions: readonly number[];
  #serverAudio: VoicewireAudioFormat | undefined;
  #replies: WireMessage[] = [];
  /** The version the server picked; 0 before its hello. */
  #version = 0;
  /** Version 2: the next outgoing frame's sequence number, and the incoming stream's. */
  #nextSequence = 0;
  #incoming: FrameSequence | null = null;

  constructor(options: VoicewireProtocolOptions = {}) {
    this.sampleRate = options.sampleRate ?? 24000;
    this.frameMs = options.frameMs ?? 20;
    this.audio = { sampleRate: this.sampleRate, channels: 1, format: options.format ?? 'int16', frameMs: this.frameMs };
    this.versions = options.versions ?? VERSIONS;
  }

  get ready(): boolean {
    return this.#serverAudio !== undefined;
  }

  /** The protocol version the server picked (1 or 2); 0 before its hello. */
  get negotiatedVersion(): number {
    return this.#version;
  }

  /** The format of the audio the server announced it sends; undefined before its hello. */
  get serverFormat(): Readonly<VoicewireAudioFormat> | undefined {
    return this.#serverAudio;
  }

  open(): WireMessage[] {
    const audio = { ...this.audio, format: WIRE_FORMAT[this.audio.format] };
    return [JSON.stringify({ type: 'hello', protocol: 'voicewire', versions: this.versions, role: 'client', audio })];
  }

  async encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    // docs/protocol.md: audio before the hello exchange is a protocol error, so none leaves before it.
    if (!this.ready) return [];
    const bytes = encodePcm(pcm, this.audio.format);
    return [this.#version >= 2 ? withSequence(this.#nextSequence++, bytes) : bytes];
  }

  /** Tells the server no more audio follows. */
  flush(): WireMessage[] {
    return [this.message({ type: 'end' })];
  }

  /** An application control message, e.g. `{ action: 'tone', frequency: 440, durationMs: 1000 }` for the local server. */
  control(control: ProtocolControl): WireMessage[] {
    return [this.message({ type: 'control', ...control })];
  }

  /** A ping the server answers with a pong carrying `t` back (round-trip time). */
  ping(id: number, t: number): WireMessage[] {
    return [this.message({ type: 'ping', id, t })];
  }

  /** Encodes one client control message. */
  message(message: VoicewireClientMessage): string {
    return JSON.stringify(message);
  }

  takeReplies(): WireMessage[] {
    const out = this.#replies;
    this.#replies = [];
    return out;
  }

  close(): void {
    this.#replies = [];
  }

  async decode(message: WireMessage): Promise<ProtocolEvent[]> {
    return typeof message === 'string' ? this.#decodeText(message) : this.#decodeAudio(message);
  }

  #decodeAudio(bytes: Uint8Array): ProtocolEvent[] {
    const audio = this.#serverAudio;
    if (audio === undefined) return [protocolError('voicewire', 'audio arrived before the server hello', { bytes: bytes.length })];
    const size = BYTES_PER_SAMPLE[audio.format];
    const header = this.#incoming ? SEQUENCE_BYTES : 0;
    if (bytes.length < header) return [protocolError('voicewire', `an audio frame of ${bytes.length} bytes is shorter than the version 2 header (${header} bytes)`, { bytes: bytes.length })];
    const pcm = bytes.subarray(header);
    if (pcm.length % size !== 0) {
      return [protocolError('voicewire', `an audio frame of ${bytes.length} bytes is not a whole number of ${audio.format} samples`,
        { bytes: bytes.length, position: bytes.length - (pcm.length % size) })];
    }
    const events: ProtocolEvent[] = [];
    if (this.#incoming) {
      const verdict = this.#incoming.accept(sequenceOf(bytes));
      if (!verdict.play) return [{ type: 'discarded', reason: verdict.reason }];
      if (verdict.missing > 0) events.push({ type: 'gap', durationMs: verdict.missing * audio.frameMs, frames: verdict.missing, filled: false });
    }
    events.push({ type: 'audio', pcm: decodePcm(pcm, audio.format), sampleRate: audio.sampleRate });
    return events;
  }

  #decodeText(text: string): ProtocolEvent[] {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      return [protocolError('voicewire', 'a text frame is not JSON', { parser: describeError(cause), text: preview(text) })];
    }
    if (!isRecord(value) || typeof value.type !== 'string') {
      return [protocolError('voicewire', 'a text frame is not a JSON object with a string "type"', { text: preview(text) })];
    }
    return this.#decodeControl(value, text);
  }

  #decodeControl(m: Record<string, unknown>, text: string): ProtocolEvent[] {
    switch (m.type) {
      case 'hello':
        return this.#decodeHello(m, text);
      case 'text':
        if (typeof m.text !== 'string') return [protocolError('voicewire', '"text" message without a string "text"', { text: preview(text) })];
        return [{ type: 'text', text: m.text, source: m.source === 'transcript' ? 'transcript' : 'response', final: m.final === true }];
      case 'speech':
        if (m.state !== 'started' && m.state !== 'stopped') return [protocolError('voicewire', '"speech" message with a bad "state"', { text: preview(text) })];
        return [{ type: 'speech', state: m.state, ...(typeof m.atMs === 'number' ? { atS: m.atMs / 1000 } : {}), ...(typeof m.durationMs === 'number' ? { durationS: m.durationMs / 1000 } : {}) }];
      case 'ping':
        this.#replies.push(this.message({ type: 'pong', id: num(m.id), t: num(m.t) }));
        return [];
      case 'pong':
        return [{ type: 'metadata', data: { pong: { id: num(m.id), t: num(m.t) } } }];
      case 'end':
        return [{ type: 'end' }];
      case 'error':
        return [serverError('voicewire', `${typeof m.code === 'string' ? `${m.code}: ` : ''}${typeof m.message === 'string' ? m.message : '(no message)'}`,
          m.fatal === true, errorCodeOf(m.code))];
      default:
        return []; // forward compatibility: unknown types are ignored
    }
  }

  #decodeHello(m: Record<string, unknown>, text: string): ProtocolEvent[] {
    if (this.#serverAudio !== undefined) return [protocolError('voicewire', 'a second hello', { text: preview(text) })];
    if (m.protocol !== 'voicewire' || typeof m.version !== 'number' || !this.versions.includes(m.version)) {
      return [protocolError('voicewire', `the server hello picks version ${preview(m.version)} of ${preview(m.protocol)}, this client offered voicewire ${this.versions.join(', ')}`,
        { text: preview(text), closeCode: 1002 }, true)];
    }
    const a = m.audio;
    const format = isRecord(a) ? formatOf(a.format) : undefined;
    if (!isRecord(a) || typeof a.sampleRate !== 'number' || a.sampleRate < 8000 || a.sampleRate > 96000 || a.channels !== 1 || format === undefined) {
      return [protocolError('voicewire', 'the server hello announces an audio format outside version 1 (8000–96000 Hz, 1 channel, s16le|f32le)',
        { text: preview(text), closeCode: 1002 }, true)];
    }
    const frameMs = typeof a.frameMs === 'number' && a.frameMs > 0 ? a.frameMs : 20;
    this.#serverAudio = { sampleRate: a.sampleRate, channels: 1, format, frameMs };
    this.#version = m.version;
    if (m.version >= 2) this.#incoming = new FrameSequence(Math.floor(MAX_GAP_MS / frameMs));
    return [{ type: 'ready', info: { protocol: 'voicewire', version: m.version, audio: { ...this.#serverAudio } } }];
  }
}

/**
 * The voicewire PCM protocol for a session: `createVoiceSession({ url, protocol: voicewire({ sampleRate: 16000 }) })`.
 * It is the default, so pass it only to change its options. Returns a factory (one codec per socket).
 */
export function voicewire(options: VoicewireProtocolOptions = {}): () => VoicewireProtocol {
  return () => new VoicewireProtocol(options);
}

function formatOf(wire: unknown): SampleFormat | undefined {
  return wire === WIRE_FORMAT.int16 ? 'int16' : wire === WIRE_FORMAT.float32 ? 'float32' : undefined;
}

function errorCodeOf(code: unknown): ErrorCode {
  if (code === 'VERSION_UNSUPPORTED') return ErrorCode.PROTOCOL_ERROR;
  if (code === 'AUTH_REJECTED' || code === 'UNAUTHORIZED') return ErrorCode.AUTH_REJECTED;
  if (code === 'SERVER_BUSY' || code === 'BUSY') return ErrorCode.SERVER_BUSY;
  return ErrorCode.SERVER_ERROR;
}
