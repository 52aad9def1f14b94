import { describeError } from '../errors/describe.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';

/** The speaker side of a session: volume and output device. */
export interface AudioOutputOptions {
  /** Output volume, 0–1 (a gain, linear). Default 1. Throws INVALID_OPTION outside 0–1. */
  volume?: number;
  /**
   * Speaker to play on: a `deviceId` from `listDevices().speakers`; `''` or absent = the system default. Needs
   * `AudioContext.setSinkId` (Chromium 110+): elsewhere start() fails with OUTPUT_DEVICE_UNSUPPORTED.
   */
  outputDeviceId?: string;
}

/**
 * Time constant of volume changes, in seconds as setTargetAtTime takes it (internal: the public surface speaks ms).
 * setTargetAtTime approaches the new gain exponentially (95 % after 3τ = 30 ms):
 * a step in gain is a step in the waveform, heard as a click; this spreads it over ~1 400 samples at 48 kHz, and
 * unlike a linear ramp it starts from wherever a previous change had got to (Web Audio §1.6.3, setTargetAtTime).
 */
const VOLUME_TIME_CONSTANT_S = 0.01;

/** Whether this browser can route an AudioContext to a chosen speaker (`AudioContext.prototype.setSinkId`). */
export function outputDeviceSupported(): boolean {
  return typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;
}

type SinkContext = AudioContext & { setSinkId(id: string): Promise<void>; readonly sinkId: string };

/**
 * The last stage before the speakers: one GainNode (volume, output mute) and the context's sink (output device).
 * Holds the wanted volume, mute and device across contexts: a session applies them to each AudioContext it opens.
 */
export class AudioOutput {
  #gainNode: GainNode | null = null;
  #level: number;
  #silenced = false;
  #device: string;

  constructor(options: AudioOutputOptions = {}) {
    this.#level = checkVolume(options.volume ?? 1);
    this.#device = options.outputDeviceId ?? '';
  }

  /** 0–1, as set (output mute does not change it). */
  get volume(): number {
    return this.#level;
  }

  /** True while output is muted: the speakers get silence, playback (and the agent's turn) goes on. */
  get muted(): boolean {
    return this.#silenced;
  }

  /** The chosen speaker's deviceId; '' = system default. */
  get deviceId(): string {
    return this.#device;
  }

  /** The node to connect playback into; null when not attached. */
  get input(): AudioNode | null {
    return this.#gainNode;
  }

  /** Builds the gain stage on `context` at the current volume, routed to the chosen device. Throws OUTPUT_DEVICE_*. */
  async attach(context: AudioContext): Promise<AudioNode> {
    this.detach();
    const gain = new GainNode(context, { gain: this.#target() });
    gain.connect(context.destination);
    this.#gainNode = gain;
    if (this.#device !== '') await routeTo(context, this.#device);
    return gain;
  }

  /** Disconnects the gain stage from its context (the wanted volume, mute and device are kept for the next attach). */
  detach(): void {
    this.#gainNode?.disconnect();
    this.#gainNode = null;
  }

  /** Sets the volume (0–1), ramped without clicks. Throws INVALID_OPTION outside 0–1. */
  setVolume(volume: number): void {
    this.#level = checkVolume(volume);
    this.#apply();
  }

  /** Mutes or unmutes the speakers, ramped. */
  setMuted(muted: boolean): void {
    this.#silenced = muted;
    this.#apply();
  }

  /** Chooses the speaker; applied at once if attached. Throws OUTPUT_DEVICE_UNSUPPORTED or OUTPUT_DEVICE_NOT_FOUND. */
  async setDevice(deviceId: string): Promise<void> {
    const context = this.#gainNode?.context as AudioContext | undefined;
    if (context) await routeTo(context, deviceId);
    else if (deviceId !== '' && !outputDeviceSupported()) throw unsupported(deviceId);
    this.#device = deviceId;
  }

  #target(): number {
    return this.#silenced ? 0 : this.#level;
  }

  #apply(): void {
    const gain = this.#gainNode;
    if (!gain) return;
    const now = gain.context.currentTime;
    gain.gain.cancelScheduledValues(now);
    gain.gain.setTargetAtTime(this.#target(), now, VOLUME_TIME_CONSTANT_S);
  }
}

async function routeTo(context: AudioContext, deviceId: string): Promise<void> {
  if (!('setSinkId' in context)) {
    if (deviceId === '') return;
    throw unsupported(deviceId);
  }
  try {
    await (context as SinkContext).setSinkId(deviceId);
  } catch (e) {
    throw new VoicewireError({
      code: ErrorCode.OUTPUT_DEVICE_NOT_FOUND,
      message: `The speaker "${deviceId}" could not be used: ${describeError(e)}`,
      remedy: "Pick a device from listDevices().speakers again (it may have been unplugged); '' plays on the system default.",
      details: { deviceId },
      cause: e,
    });
  }
}

function unsupported(deviceId: string): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.OUTPUT_DEVICE_UNSUPPORTED,
    message: 'This browser cannot choose the speaker of an AudioContext (no AudioContext.setSinkId).',
    remedy: 'Leave outputDeviceId out so the system default plays; offer a speaker picker only where outputDeviceSupported() is true (Chromium 110+).',
    details: { deviceId },
  });
}

function checkVolume(volume: number): number {
  if (Number.isFinite(volume) && volume >= 0 && volume <= 1) return volume;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `volume = ${JSON.stringify(volume)} is not allowed: a number from 0 (silent) to 1 (full).`,
    remedy: 'Pass a volume between 0 and 1, e.g. a slider value / 100.',
    details: { option: 'volume', value: volume },
  });
}
