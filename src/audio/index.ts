/**
 * The browser audio building blocks under a session, for apps that wire their own.
 *
 * @module voicewire/audio
 */
export { createAudioEngine } from './engine.js';
export type { AudioEngine, AudioEngineOptions, AudioEngineEvents } from './engine.js';
export { createAudioContext, resumeWithin, unlockOnGesture, closeAudioContext, DEFAULT_AUTOPLAY_WAIT_MS } from './context.js';
export type { AudioContextOptions, UnlockOptions, AutoplayVerdict } from './context.js';
export { loadWorklets } from './worklet-loader.js';
export type { WorkletLoadOptions, LoadedWorklets } from './worklet-loader.js';
export type { ServerReply } from '../environment/module-load.js';
export { createWorkletNode } from './worklet-node.js';
export { openMicrophone, microphoneConstraints, microphoneError, watchMicrophone } from './microphone.js';
export type { MicrophoneOptions } from './microphone.js';
export { installPlaybackPolyfill } from './insecure-playback.js';
export { createCapturePipeline } from './capture.js';
export type { CapturePipeline, CaptureOptions, CaptureFrame, CaptureStats, CaptureEvents } from './capture.js';
export { createPlaybackPipeline } from './playback.js';
export type { PlaybackPipeline, PlaybackOptions, PlaybackStats, PlaybackEvents } from './playback.js';
export { chooseHandoff } from './handoff.js';
export type { Handoff, HandoffChoice, HandoffScope } from './handoff.js';
export { listDevices, watchDevices } from './devices.js';
export type { AudioDevice, AudioDevices, DeviceChange, ListDevicesOptions, MicrophoneSettings } from './devices.js';
export { AudioOutput, outputDeviceSupported } from './output.js';
export type { AudioOutputOptions } from './output.js';
