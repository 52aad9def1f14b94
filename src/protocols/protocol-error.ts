import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { ProtocolEvent } from './protocol.js';

/**
 * Bytes or text from the network that a codec cannot read. Data, not a crash: the codec returns this as an event
 * and the session goes on unless `fatal`.
 */
export function protocolError(protocol: string, reason: string, details: Record<string, unknown> = {}, fatal = false): ProtocolEvent {
  const error = new VoicewireError({
    code: ErrorCode.PROTOCOL_ERROR,
    message: `The server sent a ${protocol} message this client cannot read: ${reason}.`,
    remedy: `Check that the server speaks the ${protocol} protocol at this URL and that client and server versions match.`,
    details: { protocol, ...details, reason },
  });
  return { type: 'error', error, fatal };
}

/** An error the server itself reported (its words, redacted like any text). */
export function serverError(protocol: string, message: string, fatal: boolean, code: ErrorCode = ErrorCode.SERVER_ERROR): ProtocolEvent {
  const remedy = code === ErrorCode.SERVER_BUSY
    ? 'The server has no free session slot: wait and try again, or start more server capacity.'
    : code === ErrorCode.AUTH_REJECTED
      ? 'Check the credentials (token, API key) passed to the connection.'
      : 'Read the server\'s message and its logs; the request may be malformed or the server may be failing.';
  const error = new VoicewireError({
    code,
    message: `The ${protocol} server reported an error: ${message}`,
    remedy,
    details: { protocol, serverMessage: message },
  });
  return { type: 'error', error, fatal };
}

/** Short, printable form of a value for an error's details (never the whole message). */
export function preview(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array) text = Array.from(value.subarray(0, max / 2), (b) => b.toString(16).padStart(2, '0')).join('');
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The wire rate of a protocol whose server runs at one rate (Kyutai's models, OpenAI's pcm16 at 24 kHz): another
 * rate would be sent labelled as this one and play at the wrong pitch, so it is refused at construction.
 * @throws VoicewireError INVALID_OPTION naming the protocol and the rate it runs at.
 */
export function fixedWireRate(protocol: string, requested: number | undefined, rate: number): number {
  if (requested === undefined || requested === rate) return rate;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `${protocol} runs at ${rate} Hz on the wire; sampleRate ${JSON.stringify(requested)} is not possible.`,
    remedy: `Leave sampleRate out (or pass ${rate}): the session resamples the microphone to the protocol's rate.`,
    details: { option: 'sampleRate', value: requested, protocol, rate },
  });
}
