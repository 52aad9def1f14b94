/**
 * A listener's jitter buffer without a speaker, for device-free sessions (load tests, bots): playout starts once
 * `targetMs` of audio arrived and then consumes in real time; an arrival that finds the buffer already dry is an
 * underrun (and playout waits for the target again). Feed it every block of server audio as it arrives.
 */
export class PlayoutClock {
  underruns = 0;
  /** Time between arrivals, ms, since the last reset. */
  readonly gapsMs: number[] = [];
  /** The deepest the buffer got, ms: audio that arrives in bursts (catching up after a stall) piles up as latency. */
  maxDepthMs = 0;
  /** Audio received since the last reset, ms. */
  receivedMs = 0;
  #depthMs = 0;
  #playing = false;
  #last = 0;
  readonly #targetMs: number;

  /** @param targetMs playout delay before playing starts (and restarts after an underrun), ms. Default 60. */
  constructor(targetMs = 60) {
    this.#targetMs = targetMs;
  }

  /** `ms` of audio arrived now. */
  arrive(ms: number): void {
    const now = performance.now();
    if (this.#last > 0) this.gapsMs.push(now - this.#last);
    if (this.#playing) {
      this.#depthMs -= now - this.#last;
      if (this.#depthMs < 0) {
        this.underruns++;
        this.#playing = false;
        this.#depthMs = 0;
      }
    }
    this.#last = now;
    this.#depthMs += ms;
    this.receivedMs += ms;
    if (this.#depthMs > this.maxDepthMs) this.maxDepthMs = this.#depthMs;
    if (!this.#playing && this.#depthMs >= this.#targetMs) this.#playing = true;
  }

  /** Starts a measured window afresh (empty buffer, waiting for the target): startup and its backlog do not count. */
  reset(): void {
    this.underruns = 0;
    this.gapsMs.length = 0;
    this.#depthMs = 0;
    this.maxDepthMs = 0;
    this.receivedMs = 0;
    this.#playing = false;
  }
}
