/**
 * The globals of AudioWorkletGlobalScope (Web Audio API §1.32), which TypeScript's DOM lib does not declare.
 * Processors are plain classes: these are only used where a processor file registers itself.
 */
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}
declare function registerProcessor(name: string, ctor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;
declare const sampleRate: number;
declare const currentFrame: number;
declare const currentTime: number;
