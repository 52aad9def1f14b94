/**
 * The one owner of outgoing order for a connection: audio (after its encode), flush, end of input, control, text
 * and the close run as steps, each after every step given before it, whatever each takes. Per-protocol chains
 * could not order a flush against audio still being encoded (`input_audio_buffer.commit` overtook its `append`s).
 */
export class SendChain {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  /** `onError` receives what a step threw; the chain goes on. */
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** No step is waiting or running. */
  get idle(): boolean {
    return this.#pending === 0;
  }

  add(step: () => Promise<void> | void): void {
    this.#pending++;
    this.#tail = this.#tail
      .then(step)
      .catch(this.#onError)
      .finally(() => {
        this.#pending--;
      });
  }

  /** Resolves once every step given so far ran, or after `maxMs` (an encode that never settles must not hold a close). */
  settled(maxMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((done) => { timer = setTimeout(done, maxMs); });
    return Promise.race([this.#tail, timeout]).then(() => clearTimeout(timer));
  }
}
