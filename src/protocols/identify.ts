import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { ProtocolEvent, WireMessage } from './protocol.js';

/**
 * Names the protocol a server speaks from its first message, to report a client pointed at the wrong endpoint at
 * once ("this endpoint speaks Moshi") instead of waiting for a hello that cannot come. Heuristic by design: it is
 * only consulted after the client's own protocol failed to read the message.
 */
export function identifyProtocol(message: WireMessage): string | null {
  if (typeof message === 'string') {
    let m: unknown;
    try {
      m = JSON.parse(message);
    } catch {
      return null;
    }
    if (typeof m !== 'object' || m === null || typeof (m as { type?: unknown }).type !== 'string') return null;
    const { type, protocol } = m as { type: string; protocol?: unknown };
    if (protocol === 'voicewire' || (type === 'error' && 'fatal' in (m as object))) return 'voicewire (JSON hello/control, PCM audio)';
    if (/^(session|response|conversation|input_audio_buffer|rate_limits)\./.test(type) || type === 'error') return 'Realtime JSON';
    return `a JSON protocol (first message type "${type}")`;
  }
  if (message.length === 0) return null;
  const first = message[0];
  // MessagePack fixmap (0x80–0x8f) whose first key is "type": Kyutai's moshi-server (STT/TTS).
  if ((first & 0xf0) === 0x80 && message[1] === 0xa4 && String.fromCharCode(...message.subarray(2, 6)) === 'type') return 'Kyutai MessagePack (STT/TTS)';
  // Moshi: a kind byte; a bare 0x00 (Python) or 0x00 + 8 bytes (Rust) handshake, or 0x04 JSON metadata before it.
  if ((first === 0x00 && (message.length === 1 || message.length === 9)) || (first === 0x04 && message[1] === 0x7b)) return 'Moshi (/api/chat, kind-byte frames)';
  return null;
}

/**
 * Before the hello: when the client's protocol could not read the server's message (non-fatal PROTOCOL_ERRORs only;
 * a fatal one is the protocol's own verdict) and the message is another protocol's, the error that names it.
 */
export function wrongEndpointError(protocol: string, message: WireMessage, events: readonly ProtocolEvent[], secrets: readonly string[]): VoicewireError | null {
  if (events.some((e) => e.type !== 'error' || e.fatal) || !events.some((e) => e.type === 'error' && e.error.code === ErrorCode.PROTOCOL_ERROR)) return null;
  const speaks = identifyProtocol(message);
  if (speaks === null || speaks.toLowerCase().startsWith(protocol.split('-')[0])) return null;
  return new VoicewireError({
    code: ErrorCode.PROTOCOL_ERROR,
    message: `The server at this URL speaks ${speaks}, not ${protocol}: its first message cannot be a ${protocol} greeting.`,
    remedy: `Point the client at the ${protocol} endpoint, or choose the protocol this endpoint speaks.`,
    details: { protocol, endpointSpeaks: speaks },
    secrets,
  });
}
