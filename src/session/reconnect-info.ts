import type { VoicewireError } from '../errors/errors.js';
import type { Connection } from '../transport/connection.js';

/**
 * Where automatic reconnection stands, as `VoiceSession.reconnect` and the `reconnect` event give it.
 * - `attempt`: the retry now scheduled or running, from 1 since the last good connection; 0 when connected.
 * - `delayMs`: the wait before that retry (the policy's answer, ms); `nextAtMs` when it starts (`performance.now()` clock).
 * - `error`: what dropped the connection (or made the last retry fail).
 * - `gaveUp`: set once, when the session stops retrying: the policy said no more, or the failure was not retryable.
 */
export interface ReconnectInfo {
  attempt: number;
  delayMs: number | null;
  nextAtMs: number | null;
  error: VoicewireError | null;
  gaveUp: { attempts: number; error: VoicewireError } | null;
}

export const NOT_RECONNECTING: ReconnectInfo = Object.freeze({ attempt: 0, delayMs: null, nextAtMs: null, error: null, gaveUp: null });

/**
 * Follows one Connection's states and reports its reconnection as ReconnectInfo: on each scheduled retry, on the
 * connection coming back (all fields reset), and when it gives up. `onChange` gets a fresh frozen object each time.
 */
export function trackReconnects(connection: Connection, onChange: (info: ReconnectInfo) => void): void {
  let current: ReconnectInfo = NOT_RECONNECTING;
  const set = (info: ReconnectInfo) => {
    current = Object.freeze(info);
    onChange(current);
  };
  connection.on('state', (change) => {
    if (change.state === 'reconnecting') {
      const delayMs = change.delayMs ?? 0;
      set({ attempt: change.attempt, delayMs, nextAtMs: performance.now() + delayMs, error: change.error ?? null, gaveUp: null });
    } else if (change.state === 'connected' && current.attempt > 0) {
      set(NOT_RECONNECTING);
    }
  });
  connection.on('close', ({ error }) => {
    // Only an end after retrying is "giving up"; a first connection that fails is start()'s rejection.
    if (error === null || current.attempt === 0) return;
    const attempts = typeof error.details.attempts === 'number' ? error.details.attempts : current.attempt;
    set({ attempt: current.attempt, delayMs: null, nextAtMs: null, error, gaveUp: { attempts, error } });
  });
}
