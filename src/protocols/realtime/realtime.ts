import { ErrorCode } from '../../errors/errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { ProtocolEvent, VoiceProtocol, WireMessage } from '../protocol.js';
import { fixedWireRate, preview, protocolError, serverError } from '../protocol-error.js';
import { pcm16RealtimeAudio, type RealtimeAudioCodec } from './realtime-audio.js';
import { isRecord, optNum } from '../values.js';
import { describeError } from '../../errors/describe.js';

/** Wire rate, frame length, audio encoding and session settings of {@link realtime}. */
export interface RealtimeProtocolOptions {
  /**
   * Audio rate both ways, Hz. Default 24000 (what OpenAI's pcm16 and unmute use). With the default pcm16 codec only
   * 24000 is possible: another value throws VoicewireError `INVALID_OPTION` when the protocol is built.
   */
  sampleRate?: number;
  /** Duration of each `input_audio_buffer.append`, ms. Default 20. */
  frameMs?: number;
  /** How audio rides in the base64 strings. Default {@link pcm16RealtimeAudio}. */
  audio?: RealtimeAudioCodec;
  /** The `session` object of the first `session.update` (instructions, voice, turn detection…). */
  session?: Readonly<Record<string, unknown>>;
}

/**
 * Realtime JSON (OpenAI Realtime / unmute style) at `/v1/realtime`, subprotocol `realtime`. The client speaks
 * first with `session.update`; the server answers `session.created` or `session.updated`, which counts as ready.
 */
export class RealtimeProtocol implements VoiceProtocol {
  readonly name = 'realtime';
  readonly subprotocols: readonly string[] = ['realtime'];
  /** The conversation lives on the server: a new socket is a new conversation. */
  readonly reconnectable = false;
  readonly sampleRate: number;
  readonly frameMs: number;
  private readonly codec: RealtimeAudioCodec;
  private readonly session: Readonly<Record<string, unknown>>;
  private isReady = false;

  constructor(options: RealtimeProtocolOptions = {}) {
    // pcm16 is 24 kHz by definition; a plugged codec (unmute's Ogg Opus, …) knows its own rates.
    this.sampleRate = options.audio ? options.sampleRate ?? 24000 : fixedWireRate('realtime pcm16', options.sampleRate, 24000);
    this.frameMs = options.frameMs ?? 20;
    this.codec = options.audio ?? pcm16RealtimeAudio();
    this.session = options.session ?? {};
  }

  get ready(): boolean {
    return this.isReady;
  }

  open(): WireMessage[] {
    return [JSON.stringify({ type: 'session.update', session: { ...this.codec.sessionFields, ...this.session } })];
  }

  async encodeAudio(pcm: Float32Array): Promise<WireMessage[]> {
    const chunks = await this.codec.encode(pcm);
    return chunks.map((bytes) => JSON.stringify({ type: 'input_audio_buffer.append', audio: encodeBase64(bytes) }));
  }

  /** Commits the input buffer: the server treats what was sent as a finished user turn. */
  flush(): WireMessage[] {
    return [JSON.stringify({ type: 'input_audio_buffer.commit' })];
  }

  close(): void {
    this.codec.close();
  }

  async decode(message: WireMessage): Promise<ProtocolEvent[]> {
    if (typeof message !== 'string') return [protocolError('realtime', `a ${message.length}-byte binary frame (Realtime is JSON text only)`, { bytes: message.length })];
    let m: unknown;
    try {
      m = JSON.parse(message);
    } catch (cause) {
      return [protocolError('realtime', 'a text frame is not JSON', { parser: describeError(cause), text: preview(message) })];
    }
    if (!isRecord(m) || typeof m.type !== 'string') return [protocolError('realtime', 'a message without a string "type"', { text: preview(message) })];
    try {
      return await this.decodeEvent(m, message);
    } catch (cause) {
      // A pluggable audio codec is outside our control: its failure is still just a bad message.
      return [protocolError('realtime', `the ${this.codec.name} audio codec failed: ${describeError(cause)}`, { type: m.type })];
    }
  }

  private async decodeEvent(m: Record<string, unknown>, text: string): Promise<ProtocolEvent[]> {
    switch (m.type) {
      case 'session.created':
      case 'session.updated':
        if (this.isReady) return [];
        this.isReady = true;
        return [{ type: 'ready', info: { protocol: 'realtime', event: m.type, session: isRecord(m.session) ? m.session : {} } }];
      case 'response.audio.delta':
      case 'response.output_audio.delta':
        return this.decodeAudio(m.delta, text);
      case 'response.text.delta':
      case 'response.audio_transcript.delta':
      case 'response.output_audio_transcript.delta':
        return typeof m.delta === 'string' ? [{ type: 'text', text: m.delta, source: 'response', final: false }] : [missing('delta', text)];
      case 'conversation.item.input_audio_transcription.delta':
        return typeof m.delta === 'string' ? [{ type: 'text', text: m.delta, source: 'transcript', final: false }] : [missing('delta', text)];
      case 'conversation.item.input_audio_transcription.completed':
        return typeof m.transcript === 'string' ? [{ type: 'text', text: m.transcript, source: 'transcript', final: true }] : [missing('transcript', text)];
      case 'input_audio_buffer.speech_started':
      case 'input_audio_buffer.speech_stopped': {
        const ms = optNum(m.type === 'input_audio_buffer.speech_started' ? m.audio_start_ms : m.audio_end_ms);
        return [{ type: 'speech', state: m.type === 'input_audio_buffer.speech_started' ? 'started' : 'stopped', ...(ms === undefined ? {} : { atS: ms / 1000 }) }];
      }
      case 'response.done':
        return [{ type: 'metadata', data: { event: 'response.done', response: isRecord(m.response) ? m.response : {} } }];
      case 'error': {
        const e = isRecord(m.error) ? m.error : {};
        const kind = typeof e.type === 'string' ? e.type : 'error';
        const msg = typeof e.message === 'string' ? e.message : '(no message)';
        // Realtime errors are per request; the server closes the socket itself when the session cannot go on.
        return [serverError('realtime', `${kind}: ${msg}`, false, /auth|api.key|unauthori[sz]ed/i.test(`${kind} ${String(e.code)}`) ? ErrorCode.AUTH_REJECTED : ErrorCode.SERVER_ERROR)];
      }
      default:
        return []; // the Realtime API has many events a voice client does not need
    }
  }

  private async decodeAudio(delta: unknown, text: string): Promise<ProtocolEvent[]> {
    if (typeof delta !== 'string') return [missing('delta', text)];
    const bytes = decodeBase64(delta);
    if (!(bytes instanceof Uint8Array)) return [protocolError('realtime', 'an audio delta is not base64', { position: bytes.badAt })];
    const pcm = await this.codec.decode(bytes);
    if (typeof pcm === 'string') return [protocolError('realtime', `an audio delta is not ${this.codec.name}: ${pcm}`, { bytes: bytes.length })];
    return pcm.length === 0 ? [] : [{ type: 'audio', pcm, sampleRate: this.sampleRate }];
  }
}

/**
 * The Realtime JSON protocol for a session: `createVoiceSession({ url, protocol: realtime({ session }) })`. Returns a
 * factory.
 *
 * @throws VoicewireError `INVALID_OPTION` from the factory for a `sampleRate` other than 24000 with the pcm16 codec.
 */
export function realtime(options: RealtimeProtocolOptions = {}): () => RealtimeProtocol {
  return () => new RealtimeProtocol(options);
}

function missing(field: string, text: string): ProtocolEvent {
  return protocolError('realtime', `a message without a string "${field}"`, { text: preview(text) });
}
