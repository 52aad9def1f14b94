import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol } from '../protocols/protocol.js';
import { closeOutcome } from './close-codes.js';
import type { ConnectionOptions } from './connection-options.js';
import type { ReconnectContext, ReconnectPolicy } from './reconnect.js';
import type { SocketCloseInfo } from './socket.js';

/**
 * What a lost socket means for the connection: it ends (with the error to report, none for a clean end; `normalEnd`
 * when the protocol's own normal close code other than 1000 ended it, e.g. Kyutai TTS's 1005), or it reconnects.
 */
export type SocketLoss =
  | { retry: false; error: VoicewireError | null; normalEnd: boolean }
  | { retry: true; error: VoicewireError; minRetryDelayMs: number };

export interface LossContext {
  /** connect() still waits for the server's hello. */
  awaitingHello: boolean;
  /** The connection was `connected` at least once since connect(): only then is a reconnect a resumption. */
  everOpen: boolean;
  reconnect: ConnectionOptions['reconnect'];
}

/** Judges a socket's end by its close code (docs/close-codes.md), its error, the protocol and the options. */
export function judgeSocketLoss(info: SocketCloseInfo, codec: Pick<VoiceProtocol, 'normalCloseCodes' | 'reconnectable'>, c: LossContext): SocketLoss {
  const error = info.error ?? (c.awaitingHello && info.wasOpen ? closedBeforeHelloError(info.code) : null);
  const table = closeOutcome(info.code, codec.normalCloseCodes);
  if (error === null) return { retry: false, error, normalEnd: table.outcome === 'normal' && info.code !== 1000 && c.everOpen };
  // A close code chosen after the socket opened decides by the table; other failures (timeout, refused upgrade, a
  // close before the hello) by their error code.
  const retryable = info.wasOpen && table.error === error.code ? table.outcome === 'retry' : error.retryable;
  const allowed = c.reconnect === 'always' || ((c.reconnect ?? 'auto') === 'auto' && codec.reconnectable);
  if (!retryable || !c.everOpen || !allowed) return { retry: false, error, normalEnd: false };
  return { retry: true, error, minRetryDelayMs: table.minRetryDelayMs ?? 0 };
}

/**
 * The policy's delay before the next attempt, never sooner than the server asked for (1012, 1013, 4429: the
 * table's minimum), or the error to end with when the policy gives up.
 */
export function nextAttempt(policy: ReconnectPolicy, context: ReconnectContext, minRetryDelayMs: number, secrets: readonly string[]): { delayMs: number } | { gaveUp: VoicewireError } {
  const delayMs = policy.nextRetryDelayMs(context);
  if (delayMs !== null) return { delayMs: Math.max(delayMs, minRetryDelayMs) };
  const { lastError: error } = context;
  const attempts = context.attempt - 1;
  return {
    gaveUp: new VoicewireError({
      code: error.code, message: `Gave up reconnecting after ${attempts} attempts. Last failure: ${error.message}`,
      remedy: error.remedy, details: { ...error.details, attempts }, cause: error, secrets,
    }),
  };
}

function closedBeforeHelloError(closeCode: number): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.CONNECTION_CLOSED, message: `The server closed the connection (${closeCode}) before its hello.`,
    remedy: 'Check the server logs: it may have refused the client hello or the requested session.', details: { closeCode },
  });
}
