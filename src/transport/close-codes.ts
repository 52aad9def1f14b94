import { ErrorCode } from '../errors/errors.js';

/** What a session does when its socket closes with a given code. */
export interface CloseOutcome {
  /** IANA "WebSocket Close Code Number Registry" name, or how our servers use a private code. */
  name: string;
  /** `normal`: the session ends without an error. `retry`: a reconnectable protocol reopens. `fatal`: it ends with `error`. */
  outcome: 'normal' | 'retry' | 'fatal';
  /** The error the session reports (absent for `normal`). */
  error?: ErrorCode;
  /** A retry waits at least this long, whatever the reconnect policy says (the server asked for time). */
  minRetryDelayMs?: number;
}

/**
 * Every close code of the IANA registry (RFC 6455 §7.4.1, 1000–1015) and the registered/private ones the servers
 * we speak use (3000–4999), with what a session does. docs/close-codes.md is this table for people; one test
 * checks both agree. Codes a peer can never send (1004, 1005, 1006, 1015) describe what the client observed.
 */
export const CLOSE_CODES: Readonly<Record<number, CloseOutcome>> = {
  1000: { name: 'Normal Closure', outcome: 'normal' },
  1001: { name: 'Going Away (server shutting down or restarting)', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED },
  1002: { name: 'Protocol Error', outcome: 'fatal', error: ErrorCode.PROTOCOL_ERROR },
  1003: { name: 'Unsupported Data', outcome: 'fatal', error: ErrorCode.PROTOCOL_ERROR },
  1004: { name: 'Reserved', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED },
  1005: { name: 'No Status Received (an empty Close frame)', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED },
  1006: { name: 'Abnormal Closure (no Close frame)', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED },
  1007: { name: 'Invalid frame payload data', outcome: 'fatal', error: ErrorCode.PROTOCOL_ERROR },
  1008: { name: 'Policy Violation', outcome: 'fatal', error: ErrorCode.CONNECTION_CLOSED },
  1009: { name: 'Message Too Big', outcome: 'fatal', error: ErrorCode.PROTOCOL_ERROR },
  1010: { name: 'Mandatory Extension', outcome: 'fatal', error: ErrorCode.CONNECTION_FAILED },
  1011: { name: 'Internal Error', outcome: 'retry', error: ErrorCode.SERVER_ERROR },
  1012: { name: 'Service Restart', outcome: 'retry', error: ErrorCode.SERVER_ERROR, minRetryDelayMs: 1000 },
  1013: { name: 'Try Again Later', outcome: 'retry', error: ErrorCode.SERVER_BUSY, minRetryDelayMs: 5000 },
  1014: { name: 'Bad Gateway', outcome: 'retry', error: ErrorCode.SERVER_ERROR, minRetryDelayMs: 1000 },
  1015: { name: 'TLS handshake failure', outcome: 'fatal', error: ErrorCode.CONNECTION_FAILED },
  3000: { name: 'Unauthorized', outcome: 'fatal', error: ErrorCode.AUTH_REJECTED },
  3003: { name: 'Forbidden', outcome: 'fatal', error: ErrorCode.AUTH_REJECTED },
  3008: { name: 'Timeout', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED },
  4401: { name: 'voicewire: credentials refused', outcome: 'fatal', error: ErrorCode.AUTH_REJECTED },
  4403: { name: 'voicewire: forbidden', outcome: 'fatal', error: ErrorCode.AUTH_REJECTED },
  4406: { name: 'voicewire: hello not acceptable (version/format)', outcome: 'fatal', error: ErrorCode.PROTOCOL_ERROR },
  4429: { name: 'voicewire: no free session slot', outcome: 'retry', error: ErrorCode.SERVER_BUSY, minRetryDelayMs: 5000 },
};

/** Any other code (unregistered 1016–2999, other 3000–4999): the server ended the session for a reason of its own. */
const OTHER: CloseOutcome = { name: 'Other (unregistered or private)', outcome: 'retry', error: ErrorCode.CONNECTION_CLOSED };

/**
 * The outcome of `code` for a protocol whose own normal ends are `normalCodes` (Kyutai's moshi-server ends a TTS
 * stream with an empty Close frame, seen as 1005).
 */
export function closeOutcome(code: number, normalCodes: readonly number[] = []): CloseOutcome {
  const known = CLOSE_CODES[code] ?? OTHER;
  return normalCodes.includes(code) ? { name: known.name, outcome: 'normal' } : known;
}
