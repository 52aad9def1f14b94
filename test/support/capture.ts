import { inspect } from 'node:util';

/**
 * The one test credential. Fault and transport tests connect with it (in the query string, where it is most
 * exposed), push everything they observed into `captured`, and `expectNoToken` proves it never leaked.
 */
export const TEST_TOKEN = 'vw-test-SECRET-7f3a9c2e4b1d';

/** Everything a test observed: errors (with causes), events, states, log lines, server output. */
export class CaptureSink {
  readonly entries: string[] = [];

  /** Records values as a person would see them logged: full depth, causes and non-enumerable fields included. */
  push(...values: unknown[]): void {
    for (const v of values) this.entries.push(typeof v === 'string' ? v : inspect(v, { depth: 8, showHidden: false, getters: true }));
  }

  /** A listener that records its arguments, for `emitter.on(name, sink.listener(name))`. */
  listener(name: string): (...args: unknown[]) => void {
    return (...args) => this.push(`${name}:`, ...args);
  }

  /** The entries that contain `secret` in any form a log could show (plain, URL-encoded, base64). */
  leaks(secret = TEST_TOKEN): string[] {
    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
    return this.entries.filter((e) => forms.some((f) => e.includes(f)));
  }
}
