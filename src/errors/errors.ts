import { redactText, redactValue } from './redact.js';

/**
 * Every failure voicewire reports has one of these codes. They are stable: switch on them, log them, link them.
 * docs/errors.md has the table of what each means and what produces it.
 */
export const ErrorCode = {
  INSECURE_CONTEXT: 'INSECURE_CONTEXT',
  MIXED_CONTENT: 'MIXED_CONTENT',
  INVALID_URL: 'INVALID_URL',
  INVALID_OPTION: 'INVALID_OPTION',
  WORKLET_UNSUPPORTED: 'WORKLET_UNSUPPORTED',
  WORKLET_NOT_FOUND: 'WORKLET_NOT_FOUND',
  WORKLET_NOT_JAVASCRIPT: 'WORKLET_NOT_JAVASCRIPT',
  WORKLET_BLOCKED_BY_CSP: 'WORKLET_BLOCKED_BY_CSP',
  WORKLET_SYNTAX_ERROR: 'WORKLET_SYNTAX_ERROR',
  WORKLET_PROCESSOR_NOT_REGISTERED: 'WORKLET_PROCESSOR_NOT_REGISTERED',
  AUDIO_CONTEXT_UNSUPPORTED: 'AUDIO_CONTEXT_UNSUPPORTED',
  AUDIO_CONTEXT_BLOCKED: 'AUDIO_CONTEXT_BLOCKED',
  MICROPHONE_UNAVAILABLE: 'MICROPHONE_UNAVAILABLE',
  MICROPHONE_DENIED: 'MICROPHONE_DENIED',
  MICROPHONE_NOT_FOUND: 'MICROPHONE_NOT_FOUND',
  MICROPHONE_IN_USE: 'MICROPHONE_IN_USE',
  MICROPHONE_ENDED: 'MICROPHONE_ENDED',
  OUTPUT_DEVICE_UNSUPPORTED: 'OUTPUT_DEVICE_UNSUPPORTED',
  OUTPUT_DEVICE_NOT_FOUND: 'OUTPUT_DEVICE_NOT_FOUND',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  CONNECTION_TIMEOUT: 'CONNECTION_TIMEOUT',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  AUTH_REJECTED: 'AUTH_REJECTED',
  SERVER_BUSY: 'SERVER_BUSY',
  SERVER_ERROR: 'SERVER_ERROR',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  CODEC_UNSUPPORTED: 'CODEC_UNSUPPORTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Structured facts about a failure: plain JSON-able data, redacted like the message. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface VoicewireErrorInit {
  code: ErrorCode;
  message: string;
  /** What a person can do about it: concrete steps, commands, settings. */
  remedy: string;
  cause?: unknown;
  details?: ErrorDetails;
  /** Literal secrets (tokens) known to the caller, scrubbed from message, remedy, details and cause. */
  secrets?: readonly string[];
}

/**
 * The one error type voicewire throws or emits. `code` is stable; `message` says what happened; `remedy` says
 * what to do. Secrets are scrubbed at construction, so anything reachable from the object is safe to log.
 */
export class VoicewireError extends Error {
  override readonly name = 'VoicewireError';
  readonly code: ErrorCode;
  readonly remedy: string;
  readonly details: ErrorDetails;

  constructor(init: VoicewireErrorInit) {
    const secrets = init.secrets ?? [];
    super(redactText(init.message, secrets), init.cause === undefined ? undefined : { cause: sanitizeCause(init.cause, secrets) });
    this.code = init.code;
    this.remedy = redactText(init.remedy, secrets);
    this.details = Object.freeze(redactValue({ ...(init.details ?? {}) }, secrets));
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}\nRemedy: ${this.remedy}`;
  }

  toJSON(): { name: string; code: ErrorCode; message: string; remedy: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, remedy: this.remedy, details: this.details };
  }
}

export function isVoicewireError(value: unknown, code?: ErrorCode): value is VoicewireError {
  return value instanceof VoicewireError && (code === undefined || value.code === code);
}

/**
 * A cause from a browser or a socket library often quotes the URL it failed on, token included. We keep its name
 * and a scrubbed message, not the original object.
 */
function sanitizeCause(cause: unknown, secrets: readonly string[]): unknown {
  if (cause instanceof VoicewireError) return cause;
  if (cause instanceof Error || isErrorLike(cause)) {
    const copy = new Error(redactText(String(cause.message), secrets));
    copy.name = String(cause.name);
    return copy;
  }
  return typeof cause === 'string' ? redactText(cause, secrets) : redactValue(cause, secrets);
}

function isErrorLike(v: unknown): v is { name: unknown; message: unknown } {
  return typeof v === 'object' && v !== null && 'name' in v && 'message' in v;
}
