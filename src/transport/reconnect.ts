import type { VoicewireError } from '../errors/errors.js';

/** What a reconnect policy knows when it decides (after livekit's ReconnectContext). */
export interface ReconnectContext {
  /** 1 for the first retry since the connection was last open, then 2, 3, … */
  attempt: number;
  /** Time since the connection was lost, ms. */
  elapsedMs: number;
  /** The failure that ended the last socket (CONNECTION_CLOSED, CONNECTION_FAILED, …). */
  lastError: VoicewireError;
}

/** When to try again after a connection drops: the delay in ms, or null to give up. */
export interface ReconnectPolicy {
  /** The wait before retry number `context.attempt`, ms; null to give up (the connection closes with `lastError`). */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

/** The numbers of {@link exponentialBackoff}: delay `initialDelayMs × factor^(attempt−1)`, capped, jittered. */
export interface BackoffOptions {
  /** First delay. Default 500 ms. */
  initialDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Longest delay. Default 15 000 ms. */
  maxDelayMs?: number;
  /** Attempts before giving up. Default 8. */
  maxAttempts?: number;
  /** Fraction of the delay randomised away ("equal jitter"), so many clients don't retry in lockstep. Default 0.5. */
  jitter?: number;
  /** Source of randomness in [0, 1); tests pass a seeded one. */
  random?: () => number;
}

/** Exponential backoff with jitter, a cap and a give-up. */
export class ExponentialBackoff implements ReconnectPolicy {
  readonly #initial: number;
  readonly #factor: number;
  readonly #max: number;
  readonly #attempts: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialDelayMs ?? 500;
    this.#factor = options.factor ?? 2;
    this.#max = options.maxDelayMs ?? 15_000;
    this.#attempts = options.maxAttempts ?? 8;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.#random = options.random ?? Math.random;
  }

  nextRetryDelayMs({ attempt }: Pick<ReconnectContext, 'attempt'>): number | null {
    if (attempt > this.#attempts) return null;
    const base = Math.min(this.#max, this.#initial * this.#factor ** (attempt - 1));
    return Math.round(base * (1 - this.#jitter) + base * this.#jitter * this.#random());
  }
}

/** The default reconnect policy, with other numbers: `createVoiceSession({ url, reconnectPolicy: exponentialBackoff({ maxAttempts: 3 }) })`. */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectPolicy {
  return new ExponentialBackoff(options);
}
