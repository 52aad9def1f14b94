import { EventEmitter } from 'eventemitter3';
import { ChunkPool } from '../dsp/chunk-pool.js';
import type { PlaybackProcessorOptions, PlaybackStatsMessage, ReturnMessage } from '../../worklets/messages.js';
import { createControlStorage } from '../../worklets/pcm-handoff.js';
import { PortPcmWriter, SharedPcmWriter, type PcmWriter } from './pcm-handoff.js';
import { PlayoutInput } from './playout-input.js';
import { RingBuffer } from '../dsp/ring.js';
import { createWorkletNode } from '../audio/worklet-node.js';
import { chooseHandoff, requireOption, type Handoff, type HandoffChoice } from './handoff.js';

/** The jitter buffer of {@link createPlaybackPipeline}: its input rate and delays, in ms. Invalid values throw VoicewireError `INVALID_OPTION`. */
export interface PlaybackOptions {
  /** The rate of the PCM you push (the server's), Hz (8000–192000). Default 24000. */
  inputRate?: number;
  /** The jitter buffer's target delay until it has measured the network (it then adapts). Default 60 ms. */
  targetMs?: number;
  /** The adaptive target delay never goes below this. Default 0 ms. */
  minMs?: number;
  /** Above this the oldest audio is dropped back to the target. Default 1000 ms: raise it for servers that send faster than real time. */
  maxMs?: number;
  /** How often `stats` is emitted. Default 100 ms. */
  statsIntervalMs?: number;
  /** How audio crosses to the audio thread: 'auto' (default), 'shared' (needs SharedArrayBuffer) or 'port'. */
  handoff?: HandoffChoice;
}

/** What the jitter buffer reports (the adaptive figures are documented on PlaybackStatsMessage). */
export interface PlaybackStats extends Pick<PlaybackStatsMessage, 'targetDelayMs' | 'delayMs' | 'underrunMs' | 'concealedMs' | 'acceleratedMs' | 'expandedMs'> {
  /** How samples cross to the audio thread. */
  handoff: Handoff;
  /** Audio queued in front of the speaker, ms. */
  depthMs: number;
  /** Times the queue ran dry while playing (not counting the tail after end()). */
  underruns: number;
  /** Times the queue went over maxMs. */
  overruns: number;
  /** Audio dropped by overruns or because the queue was full, ms. */
  droppedMs: number;
  /** Audio dropped by flush(), ms. */
  flushedMs: number;
  /** True while the jitter buffer plays (after it reached its target delay), false while it waits or ran dry. */
  playing: boolean;
}

/** What a {@link PlaybackPipeline} emits. */
export interface PlaybackEvents {
  /** The jitter buffer's figures, every `statsIntervalMs`. */
  stats: (stats: PlaybackStats) => void;
}

/** Samples per port chunk: about 20 ms at 48 kHz. */
const CHUNK = 1024;

/**
 * Server PCM → speaker. Creates the 'voicewire-playback' node (connect `node` where it should play) and queues
 * what you push. Resampling to the device rate happens here, on the main thread, before the queue: the jitter
 * buffer then counts and plays device-rate samples (one quantum = one pop, no fractional bookkeeping on the audio
 * thread), and flush() resets the resampler right where it drops the queue.
 */
export class PlaybackPipeline extends EventEmitter<PlaybackEvents> {
  readonly node: AudioWorkletNode;
  readonly handoff: Handoff;
  readonly inputRate: number;
  readonly #deviceRate: number;
  readonly #writer: PcmWriter;
  readonly #input: PlayoutInput;

  constructor(context: BaseAudioContext, options: PlaybackOptions = {}) {
    super();
    this.inputRate = options.inputRate ?? 24000;
    const targetMs = options.targetMs ?? 60;
    const maxMs = options.maxMs ?? 1000;
    const statsIntervalMs = options.statsIntervalMs ?? 100;
    requireOption(Number.isInteger(this.inputRate) && this.inputRate >= 8000 && this.inputRate <= 192000, 'inputRate', this.inputRate, 'an integer rate in Hz between 8000 and 192000');
    requireOption(targetMs >= 0, 'targetMs', targetMs, 'a duration ≥ 0 ms');
    requireOption(maxMs >= targetMs && maxMs > 0, 'maxMs', maxMs, `a duration ≥ targetMs (${targetMs} ms)`);
    requireOption(statsIntervalMs >= 10, 'statsIntervalMs', statsIntervalMs, 'at least 10 ms');
    this.handoff = chooseHandoff(options.handoff);
    this.#deviceRate = context.sampleRate;
    const minMs = options.minMs ?? 0;
    requireOption(minMs >= 0 && minMs <= maxMs, 'minMs', minMs, `a duration between 0 and maxMs (${maxMs} ms)`);
    const processorOptions: PlaybackProcessorOptions = { targetMs, minMs, maxMs, statsIntervalMs, handoff: this.handoff };
    // Room beyond maxMs for a burst that arrives within one quantum, before the audio thread trims it.
    const capacity = Math.ceil(((maxMs + 1000) * context.sampleRate) / 1000);
    if (this.handoff === 'shared') {
      processorOptions.ring = RingBuffer.createStorage(capacity, Float32Array) as SharedArrayBuffer;
      processorOptions.control = createControlStorage(true) as SharedArrayBuffer;
    } else {
      processorOptions.capacityMs = maxMs + 1000;
    }
    this.node = createWorkletNode(context, 'voicewire-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions });
    let port: PortPcmWriter | undefined;
    if (this.handoff === 'shared') {
      this.#writer = new SharedPcmWriter(processorOptions.ring!, processorOptions.control!);
    } else {
      port = new PortPcmWriter(this.node.port, new ChunkPool(Float32Array, CHUNK, 16, Math.ceil(capacity / CHUNK)));
      this.#writer = port;
    }
    this.#input = new PlayoutInput(this.inputRate, this.#deviceRate, this.#writer);
    this.node.port.onmessage = (e: MessageEvent<PlaybackStatsMessage | ReturnMessage>) => {
      if (e.data.type === 'return') port?.receive(e.data.buffer);
      else this.#report(e.data);
    };
  }

  /**
   * Queues server PCM (mono, at `inputRate`; Int16 or Float32 in [-1, 1]). Returns the device-rate samples
   * queued; anything refused (the queue is full: the context is suspended or the server far ahead) is counted
   * in `droppedMs`.
   */
  push(pcm: Float32Array | Int16Array): number {
    return this.#input.push(pcm);
  }

  /**
   * Marks `durationMs` of server audio as lost (a sequence gap), before the next push: the jitter buffer conceals
   * it in place (fade out, fade back in) and counts it in `concealedMs`, and later audio keeps its place. Returns the
   * device-rate samples queued.
   */
  gap(durationMs: number): number {
    return this.#input.gap(durationMs);
  }

  /** Drops everything queued so far, at once (barge-in). Audio pushed afterwards plays after the target refills. */
  flush(): void {
    this.#input.reset();
    this.#writer.flush();
  }

  /** The utterance is complete: play out what is queued even below the target, without counting an underrun. */
  end(): void {
    this.#writer.end();
  }

  /** Disconnects the node and closes its port; queued audio is discarded and no more `stats` come. */
  close(): void {
    this.node.port.onmessage = null;
    this.node.port.close();
    this.node.disconnect();
  }

  #report(s: PlaybackStatsMessage): void {
    const { type: _type, droppedSamples: _dropped, flushedSamples: _flushed, ...fields } = s;
    const stats: PlaybackStats = {
      ...fields,
      handoff: this.handoff,
      droppedMs: ((s.droppedSamples + this.#input.refused) * 1000) / this.#deviceRate,
      flushedMs: (s.flushedSamples * 1000) / this.#deviceRate,
    };
    this.emit('stats', stats);
  }
}

/** Server PCM → a jitter-buffered playback node on `context` (its voicewire worklets loaded); see PlaybackOptions. */
export function createPlaybackPipeline(context: BaseAudioContext, options: PlaybackOptions = {}): PlaybackPipeline {
  return new PlaybackPipeline(context, options);
}
