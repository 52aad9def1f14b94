import { ErrorCode, VoicewireError } from '../../errors/errors.js';
import type { ProtocolEvent } from '../protocol.js';

/** Moshi's audio rate, both ways (Hz). */
export const MOSHI_RATE = 24000;

/** Byte 0 of every Moshi `/api/chat` message (Kyutai's moshi repository, rust/protocol.md). */
export const MoshiKind = {
  HANDSHAKE: 0x00,
  AUDIO: 0x01,
  TEXT: 0x02,
  CONTROL: 0x03,
  METADATA: 0x04,
  ERROR: 0x05,
  PING: 0x06,
  COLORED_TEXT: 0x07,
  IMAGE: 0x08,
  CODES: 0x09,
} as const;

/** A Moshi control action: what a 0x03 control message asks the server to do. Full-duplex servers ignore all four. */
export type MoshiControlAction = 'start' | 'endTurn' | 'pause' | 'restart';
/** The payload byte of a 0x03 control message for each action. */
export const MoshiControl = { start: 0, endTurn: 1, pause: 2, restart: 3 } as const satisfies Record<MoshiControlAction, number>;

/** One 0x01 message carrying a piece of the client's Ogg Opus stream. */
export function moshiAudioMessage(ogg: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + ogg.length);
  out[0] = MoshiKind.AUDIO;
  out.set(ogg, 1);
  return out;
}

/** The two bytes of a 0x03 control message asking for `action`. */
export function moshiControlMessage(action: MoshiControlAction): Uint8Array {
  return new Uint8Array([MoshiKind.CONTROL, MoshiControl[action]]);
}

/** A PROTOCOL_ERROR for bytes from a Moshi server that we cannot read; the session goes on. */
export function moshiProtocolError(message: string, details: Record<string, unknown>): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.PROTOCOL_ERROR,
    message: `Moshi: ${message}`,
    remedy:
      'The server sent something that is not Moshi /api/chat data. Check the URL points at a Moshi server ' +
      '(path /api/chat) and that no proxy rewrites binary WebSocket frames; if it persists, report it with the server version.',
    details,
  });
}

/** The server's 0x05 message: it ends the session. */
export function moshiServerError(text: string): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.SERVER_ERROR,
    message: `The Moshi server reported an error: ${text || '(no message)'}`,
    remedy: 'Read the server log for the cause; then start a new session (a Moshi session cannot be resumed).',
    details: { kind: MoshiKind.ERROR },
  });
}

/** A bad message from the server as a non-fatal PROTOCOL_ERROR event. */
export function moshiErrorEvent(message: string, details: Record<string, unknown>): ProtocolEvent {
  return { type: 'error', fatal: false, error: moshiProtocolError(message, details) };
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** A 0x02 text payload (or 0x07's after its color byte): a piece of the response, UTF-8. */
export function moshiText(payload: Uint8Array, kind: number): ProtocolEvent[] {
  let piece: string;
  try {
    piece = textDecoder.decode(payload);
  } catch {
    return [moshiErrorEvent('text that is not valid UTF-8', { kind, length: payload.length })];
  }
  return [{ type: 'text', text: piece, source: 'response', final: false }];
}

/** A 0x04 metadata payload: one UTF-8 JSON object. */
export function moshiMetadata(payload: Uint8Array): ProtocolEvent[] {
  let data: unknown;
  try {
    data = JSON.parse(textDecoder.decode(payload));
  } catch {
    return [moshiErrorEvent('metadata (0x04) that is not UTF-8 JSON', { kind: MoshiKind.METADATA, length: payload.length })];
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [moshiErrorEvent('metadata (0x04) that is not a JSON object', { kind: MoshiKind.METADATA })];
  }
  return [{ type: 'metadata', data: data as Record<string, unknown> }];
}
