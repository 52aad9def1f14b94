/**
 * Real-time pacing of a stream that is read faster than it plays: item n leaves at start + the media time before
 * it, so a late wake-up (a busy event loop) is caught up on the next item instead of adding up. 'asap' never waits.
 */
export class Pacer {
  readonly #started = Date.now();
  #mediaMs = 0;

  readonly #pace: 'realtime' | 'asap';
  constructor(pace: 'realtime' | 'asap' = 'realtime') {
    this.#pace = pace;
  }

  /**
   * Counts `ms` more media as sent. Returns a promise when the next item must wait, else null: the caller skips
   * the await (no promise, no timer per item when it is behind or in a hurry).
   */
  sent(ms: number): Promise<void> | null {
    this.#mediaMs += ms;
    if (this.#pace === 'asap') return null;
    const wait = this.#started + this.#mediaMs - Date.now();
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : null;
  }
}
