/**
 * After the input ended, some servers only finish once more audio pushes the model past its delay: Kyutai's STT
 * lags the audio by 0.5–2.6 s, and its Marker comes back only after that much more audio (Kyutai's own file client
 * keeps sending silence until the Marker returns). This sends silence, one frame per frame duration, until stopped
 * or until `maxMs` of it went out, when `onExhausted` runs.
 */
export class SilenceTail {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sentMs = 0;

  constructor(private readonly options: {
    /** Samples per frame at the wire rate. */
    frameSamples: number;
    /** Duration of one frame, ms: also the pace. */
    frameMs: number;
    /** The most silence to send, ms. */
    maxMs: number;
    send: (pcm: Float32Array) => void;
    onExhausted: (sentMs: number) => void;
  }) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const o = this.options;
    const silence = new Float32Array(o.frameSamples); // sent as-is each time: encoders copy what they keep
    const tick = () => {
      if (this.sentMs >= o.maxMs) {
        this.stop();
        o.onExhausted(this.sentMs);
        return;
      }
      o.send(silence);
      this.sentMs += o.frameMs;
    };
    this.timer = setInterval(tick, o.frameMs);
    tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
