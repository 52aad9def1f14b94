// The 'voicewire-playback' processor: a jitter buffer of device-rate samples, fed through a shared ring or the port.
import { PortPcmReceiver, createControlStorage } from './pcm-handoff.js';
import type { ControlMessage, PcmMessage, PlaybackProcessorOptions, PlaybackStatsMessage } from './messages.js';
import { PlaybackCore } from './playback-core.js';
import { RingBuffer } from '../src/dsp/ring.js';

export class PlaybackProcessor extends AudioWorkletProcessor {
  private readonly core: PlaybackCore;
  private readonly noTransfer: Transferable[] = [];
  /** Samples the port handler could not queue (the queue was full), in total; added to droppedSamples. */
  private refused = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const o = options.processorOptions as PlaybackProcessorOptions;
    const shared = o.handoff === 'shared';
    const capacity = Math.ceil(((o.capacityMs ?? o.maxMs + 1000) * sampleRate) / 1000);
    const ring = new RingBuffer(shared ? o.ring! : RingBuffer.createStorage(capacity, Float32Array, false), Float32Array);
    const control = new Int32Array(shared ? o.control! : createControlStorage(false));
    if (!shared) {
      const receiver = new PortPcmReceiver(this.port, ring, control);
      this.port.onmessage = (e: MessageEvent<PcmMessage | ControlMessage>) => {
        this.refused += receiver.receive(e.data);
      };
    }
    this.core = new PlaybackCore({ sampleRate, targetMs: o.targetMs, minMs: o.minMs, maxMs: o.maxMs, statsIntervalMs: o.statsIntervalMs }, ring, control, (stats) => this.post(stats));
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    const first = output[0];
    if (first === undefined) return true;
    this.core.process(first, first.length);
    for (let c = 1; c < output.length; c++) output[c].set(first);
    return true;
  }

  private post(stats: PlaybackStatsMessage): void {
    // The core rewrites its counters every quantum, so the running total is added each time.
    stats.droppedSamples += this.refused;
    this.port.postMessage(stats, this.noTransfer);
  }
}
