import { describeError } from '../errors/describe.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';

/** Any thrown value as a VoicewireError with this connection's secrets scrubbed. */
export function toError(e: unknown, secrets: readonly string[], code: ErrorCode = ErrorCode.CONNECTION_FAILED): VoicewireError {
  if (isVoicewireError(e)) return scrub(e, secrets);
  return new VoicewireError({ code, message: `Unexpected failure: ${describeError(e)}`, remedy: 'Check the URL and options; report this if it persists.', cause: e, secrets });
}

/** Errors made by codecs don't know the token; a server may still echo it. Rebuilt so construction scrubs it. */
export function scrub(error: VoicewireError, secrets: readonly string[]): VoicewireError {
  if (secrets.length === 0) return error;
  return new VoicewireError({ code: error.code, message: error.message, remedy: error.remedy, details: error.details, cause: error.cause, secrets });
}
