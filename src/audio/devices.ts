import { assertAudioCapable } from '../environment/diagnose.js';
import { microphoneError } from './microphone.js';
import type { MicrophoneOptions } from './microphone.js';

/** One microphone or speaker as `enumerateDevices()` gives it. */
export interface AudioDevice {
  /** Pass as `inputDeviceId` / `outputDeviceId`; '' stands for the default in some browsers before permission. */
  deviceId: string;
  /** Empty until the page has been granted the microphone once (Media Capture and Streams §9.2, privacy). */
  label: string;
  /** Same for the microphone and speaker of one headset. */
  groupId: string;
}

/** The audio devices {@link listDevices} found, by kind. */
export interface AudioDevices {
  /** `audioinput` devices. */
  microphones: AudioDevice[];
  /** `audiooutput` devices (empty where the browser does not list speakers). */
  speakers: AudioDevice[];
  /** False while labels are hidden (no microphone permission yet): show "Microphone 1, 2…" or ask first. */
  labelled: boolean;
}

/** Whether {@link listDevices} asks for microphone permission to get labels. */
export interface ListDevicesOptions {
  /**
   * Open (and at once close) the microphone first when labels are hidden, so the user is asked now and the names
   * show. Call it from a click: the permission prompt needs a user gesture in Safari. Default false.
   */
  askPermission?: boolean;
}

/**
 * The microphones and speakers, labelled once permission was granted. Throws INSECURE_CONTEXT / MICROPHONE_* (with
 * `askPermission`, getUserMedia's refusal mapped by `microphoneError`).
 */
export async function listDevices(options: ListDevicesOptions = {}): Promise<AudioDevices> {
  assertAudioCapable({ microphone: true });
  let devices = await readDevices();
  if (!devices.labelled && options.askPermission) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true }).catch((e: unknown) => {
      throw microphoneError(e);
    });
    for (const track of stream.getTracks()) track.stop();
    devices = await readDevices();
  }
  return devices;
}

async function readDevices(): Promise<AudioDevices> {
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) => all.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
  const microphones = pick('audioinput');
  const speakers = pick('audiooutput');
  return { microphones, speakers, labelled: [...microphones, ...speakers].some((d) => d.label !== '') };
}

/** What changed in a `devicechange`: devices now present that were not, and the reverse (matched by deviceId). */
export interface DeviceChange {
  devices: AudioDevices;
  added: AudioDevice[];
  removed: AudioDevice[];
}

/**
 * Calls `onChange` after each `devicechange` (a headset plugged in or out) with the new lists and the difference.
 * Returns the unwatch function. Where there is no `mediaDevices` it watches nothing.
 */
export function watchDevices(onChange: (change: DeviceChange) => void): () => void {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media) return () => {};
  let stopped = false;
  let known: Promise<AudioDevices> = readDevices();
  const listener = () => {
    const before = known;
    known = readDevices();
    void Promise.all([before, known]).then(([old, now]) => {
      if (stopped) return;
      const ids = (d: AudioDevices) => [...d.microphones, ...d.speakers];
      const had = new Set(ids(old).map(key));
      const has = new Set(ids(now).map(key));
      onChange({ devices: now, added: ids(now).filter((d) => !had.has(key(d))), removed: ids(old).filter((d) => !has.has(key(d))) });
    }, () => {});
  };
  media.addEventListener('devicechange', listener);
  return () => {
    stopped = true;
    media.removeEventListener('devicechange', listener);
  };
}

const key = (d: AudioDevice) => `${d.groupId}/${d.deviceId}`;

/**
 * Microphone capture options, top level on the session. Each is a constraint of Media Capture and Streams §4.3.8;
 * the browser may not apply them all: read what it did with `VoiceSession.microphoneSettings` (track.getSettings()).
 */
export interface MicrophoneSettings {
  /** A microphone from `listDevices().microphones`; absent = the default. A missing one fails as MICROPHONE_NOT_FOUND. */
  inputDeviceId?: string;
  /** Browser echo cancellation. Default true, so the agent does not hear itself through the speakers. */
  echoCancellation?: boolean;
  /** Default true. */
  noiseSuppression?: boolean;
  /** Default true. */
  autoGainControl?: boolean;
  /** Channels asked of the device (ideal). Default 1: voicewire downmixes to mono anyway. */
  channelCount?: number;
}

/** The top-level settings over the older `engine.microphone` ones (which still work). */
export function microphoneOptionsOf(settings: MicrophoneSettings, engine?: boolean | MicrophoneOptions): MicrophoneOptions | false {
  if (engine === false) return false;
  const base = typeof engine === 'object' ? engine : {};
  const picked: MicrophoneOptions = {
    echoCancellation: settings.echoCancellation, noiseSuppression: settings.noiseSuppression, autoGainControl: settings.autoGainControl,
    channelCount: settings.channelCount, deviceId: settings.inputDeviceId,
  };
  const out: MicrophoneOptions = { ...base };
  for (const [k, v] of Object.entries(picked)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
