import type { DeviceChange } from '../audio/devices.js';
import { microphoneError } from '../audio/microphone.js';
import { isVoicewireError, type VoicewireError } from '../errors/errors.js';

/** What a browser session does when its microphone goes away mid-session. */
export interface MicrophoneFallbackOptions {
  /**
   * What happens when the microphone in use goes away mid-session (its track `ended`: unplugged, a Bluetooth headset
   * switched off, permission revoked; or a `devicechange` that no longer lists its deviceId). The audio state goes
   * `device-lost` either way, then:
   * - 'default' (the default): the session opens the system default microphone in its place, through the same path
   *   as `switchMicrophone()` (same socket, same capture node), emits `microphoneFallback` ({ from, to, lostFrames,
   *   lostMs }) and the audio state goes back to `running`. If no microphone can be opened it emits the error of
   *   that attempt instead (MICROPHONE_NOT_FOUND when none is left; _DENIED, _IN_USE), not fatal, stays
   *   `device-lost`, and tries again when a microphone is plugged in.
   * - 'none': stays `device-lost` and emits MICROPHONE_ENDED (not fatal); the app offers the device list
   *   (`switchMicrophone()` brings it back to `running`).
   * 'default' because a voice conversation should keep hearing the user (the operating system moves its own default
   * the same way; livekit-client follows the default device on `devicechange` too).
   */
  microphoneFallback?: 'default' | 'none';
}

/** A microphone as the session used it: the track's `getSettings().deviceId` and its label ('' where hidden). */
export interface MicrophoneInUse {
  /** The device's id for this origin (`MediaTrackSettings.deviceId`); '' where the browser hides it. */
  deviceId: string;
  /** Its human-readable name; '' before microphone permission or where hidden. */
  label: string;
}

/** The `microphoneFallback` event: the lost microphone, the default one now in use, and what the gap cost. */
export interface MicrophoneFallbackChange {
  /** The microphone that went away. */
  from: MicrophoneInUse;
  /** The default microphone now in use. */
  to: MicrophoneInUse;
  /**
   * Capture frames (of the protocol's frame duration) made while no microphone fed the capture node: they were
   * sent as silence in place of the user's voice.
   */
  lostFrames: number;
  /** From the loss being noticed to the default microphone feeding capture, ms. */
  lostMs: number;
}

/** What the fallback needs from the browser audio path. */
export interface MicrophoneFallbackHost {
  /** The microphone in use now; null without one. */
  current(): MicrophoneInUse | null;
  /** Opens the default microphone into the running capture (switchMicrophone's path). Throws MICROPHONE_*. */
  openDefault(): Promise<void>;
  /** The audio state goes `device-lost`. */
  lost(): void;
  switched(change: MicrophoneFallbackChange): void;
  error(error: VoicewireError): void;
}

/** True when a `devicechange` removed the microphone in use (matched by deviceId; an unknown '' id never matches). */
export function removesMicrophone(inUse: MicrophoneInUse | null, change: DeviceChange): boolean {
  if (!inUse?.deviceId) return false;
  const id = inUse.deviceId;
  return change.removed.some((d) => d.deviceId === id) && !change.devices.microphones.some((d) => d.deviceId === id);
}

/**
 * Decides what a lost microphone leads to (see MicrophoneFallbackOptions) and counts the frames the gap cost. One
 * loss leads to one attempt at a time: Chromium fires the track's `ended` and then a `devicechange` for one unplug.
 */
export class MicrophoneFallback {
  /** The microphone that was lost, while no other has replaced it. */
  private from: MicrophoneInUse | null = null;
  private lostAt = 0;
  private lostFrames = 0;
  private switching = false;
  private disposed = false;
  /** Kept while it works: an ended track may no longer report its deviceId. */
  private inUse: MicrophoneInUse | null;

  constructor(
    private readonly mode: 'default' | 'none',
    private readonly host: MicrophoneFallbackHost,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.inUse = host.current();
  }

  /** The microphone was switched on purpose (switchMicrophone()): that one is in use now, nothing is lost. */
  replaced(): void {
    this.inUse = this.host.current();
    this.from = null;
  }

  /** The track of the microphone in use ended; `error` is its MICROPHONE_ENDED. */
  ended(error: VoicewireError): void {
    if (this.mode === 'none') {
      this.host.lost();
      this.host.error(error);
    } else this.lose();
  }

  devices(change: DeviceChange): void {
    if (this.from) {
      // Still without a microphone: a newly plugged one is worth another try.
      const added = change.added.some((d) => change.devices.microphones.includes(d));
      if (added && this.mode === 'default') void this.openDefault();
    } else if (removesMicrophone(this.inUse, change)) {
      // Some browsers keep the track of a vanished device live (no `ended`): the list is then the only sign.
      if (this.mode === 'none') this.host.lost();
      else this.lose();
    }
  }

  /** Counts one capture frame; while the microphone is lost it carried no voice. */
  frame(): void {
    if (this.from) this.lostFrames++;
  }

  dispose(): void {
    this.disposed = true;
  }

  private lose(): void {
    if (this.from) return;
    this.from = this.inUse ?? { deviceId: '', label: '' };
    this.lostAt = this.now();
    this.lostFrames = 0;
    this.host.lost();
    void this.openDefault();
  }

  private async openDefault(): Promise<void> {
    if (this.switching) return;
    this.switching = true;
    try {
      await this.host.openDefault();
      if (this.disposed || !this.from) return;
      const to = this.host.current() ?? { deviceId: '', label: '' };
      const change = { from: this.from, to, lostFrames: this.lostFrames, lostMs: this.now() - this.lostAt };
      this.inUse = to;
      this.from = null;
      this.host.switched(change);
    } catch (e) {
      // The attempt's own error: MICROPHONE_NOT_FOUND when none is left (the `microphone` event named the lost one).
      if (!this.disposed && this.from) this.host.error(isVoicewireError(e) ? e : microphoneError(e));
    } finally {
      this.switching = false;
    }
  }
}
