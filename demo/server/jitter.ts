// Network-like delay for the local server's outgoing audio, seeded so a failing test run can be replayed.

/** Options of {@link frameScheduler}; durations in ms. */
export interface JitterOptions {
  /** Each frame waits a further uniform 0–jitterMs (0 = none). */
  jitterMs: number;
  /** Seed of the delay sequence: the same seed gives the same delays. */
  seed: number;
  /** Every stallEveryMs, frames are held for stallMs and then sent at once (a stall and its burst); 0 = never. */
  stallMs: number;
  stallEveryMs: number;
}

/**
 * mulberry32: a small seeded generator (uniform in [0, 1)); enough for test delays, not for anything secret. The tests'
 * own generator (test/support/prng.ts) is this one, so a seed means the same sequence on both sides.
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * When each outgoing frame of one socket is sent: `base` ms after it was ready, plus the jitter, plus the rest of a
 * stall it falls into. A WebSocket is one ordered stream, so a frame never leaves before the one ahead of it (a late
 * frame holds back the next, as TCP's head-of-line blocking does). Returns a function from "ready at" (ms, any clock,
 * non-decreasing) to "send at" on the same clock; the stall pattern is measured from the first frame.
 */
export function frameScheduler(base: number, options: JitterOptions): (readyAt: number) => number {
  const random = seeded(options.seed);
  let first = Number.NaN;
  let last = -Infinity;
  return (readyAt) => {
    if (first !== first) first = readyAt;
    let at = readyAt + base + random() * options.jitterMs;
    if (options.stallMs > 0 && options.stallEveryMs > 0) {
      const into = (at - first) % options.stallEveryMs;
      // The first stall comes one period in, so a session starts calm.
      if (at - first >= options.stallEveryMs && into < options.stallMs) at += options.stallMs - into;
    }
    last = Math.max(last, at);
    return last;
  };
}
