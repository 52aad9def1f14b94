// The 'voicewire-capture' processor: microphone → wire-rate frames → ring (shared) or pooled chunks (port).
import { ChunkPool } from '../src/dsp/chunk-pool.js';
import { CaptureCore } from './capture-core.js';
import { PortFrameWriter, SharedFrameWriter, type FrameWriter } from './frame-handoff.js';
import type { CaptureProcessorOptions, CaptureStatsMessage, ReturnMessage } from './messages.js';
import type { RingArray, RingArrayType } from '../src/dsp/ring.js';

/** Drops are reported at most this often (seconds of audio), never per quantum. */
const STATS_SECONDS = 1;

export class CaptureProcessor extends AudioWorkletProcessor {
  private readonly core: CaptureCore;
  private readonly stats: CaptureStatsMessage = { type: 'capture-stats', framesWritten: 0, framesDropped: 0 };
  private readonly noTransfer: Transferable[] = [];
  private sinceStats = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const o = options.processorOptions as CaptureProcessorOptions;
    const type: RingArrayType<RingArray> = o.format === 'int16' ? Int16Array : Float32Array;
    let writer: FrameWriter;
    if (o.handoff === 'shared') {
      writer = new SharedFrameWriter(o.samples!, o.levels!, type);
    } else {
      const length = (o.wireRate * o.frameMs) / 1000;
      const port = new PortFrameWriter(this.port, new ChunkPool(type, length, o.pool ?? 8, o.maxPool ?? 64));
      this.port.onmessage = (e: MessageEvent<ReturnMessage>) => port.receive(e.data.buffer);
      writer = port;
    }
    this.core = new CaptureCore({ inputRate: sampleRate, wireRate: o.wireRate, frameMs: o.frameMs, format: o.format }, writer);
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel !== undefined) this.core.process(channel, channel.length);
    this.sinceStats += channel?.length ?? 0;
    if (this.sinceStats >= STATS_SECONDS * sampleRate && this.core.framesDropped !== this.stats.framesDropped) {
      this.sinceStats = 0;
      this.stats.framesWritten = this.core.framesWritten;
      this.stats.framesDropped = this.core.framesDropped;
      this.port.postMessage(this.stats, this.noTransfer);
    }
    return true;
  }
}
