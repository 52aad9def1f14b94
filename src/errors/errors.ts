import { ERROR_CODES, type ErrorCode } from './codes.js';
import { redactText, redactValue } from './redact.js';

export { ErrorCode } from './codes.js';

/** Structured facts about a failure: plain JSON-able data, redacted like the message. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** What a {@link VoicewireError} is built from; secrets listed in `secrets` are scrubbed before anything is stored. */
export interface VoicewireErrorInit {
  /** The stable code (docs/errors.md lists each one, where it comes from and its fix). */
  code: ErrorCode;
  /** What happened, in a sentence for the app's developer. */
  message: string;
  /** What a person can do about it: concrete steps, commands, settings. */
  remedy: string;
  /** The underlying failure; an Error is kept as a scrubbed copy (name and message), a VoicewireError as it is. */
  cause?: unknown;
  /** Facts for scripts and logs (an option's name, a close code, a URL), redacted. */
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

  /** A short sentence to show an end user as it is (no jargon, no commands); `remedy` is for the app's developer. */
  get userMessage(): string {
    return ERROR_CODES[this.code].userMessage;
  }

  /** Whether an open session may reconnect after this failure (see docs/errors.md). */
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}\nRemedy: ${this.remedy}`;
  }

  /** The fields that survive `JSON.stringify` (an Error's own `message` would not): name, code, message, remedy, details. */
  toJSON(): { name: string; code: ErrorCode; message: string; remedy: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, remedy: this.remedy, details: this.details };
  }
}

/** True when `value` is a VoicewireError (of `code`, when given): `if (isVoicewireError(e, ErrorCode.MICROPHONE_DENIED))`. */
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
