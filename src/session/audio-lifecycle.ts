import type { AutoplayVerdict } from '../audio/context.js';

/**
 * The session's audio as the browser lets it run: 'running'; 'blocked' by the autoplay policy (waits for a gesture);
 * 'interrupted' mid-call (the context left `running`: Safari's `interrupted` state during a phone call or Siri, a
 * suspend by the browser or the page); 'device-lost' (the microphone track ended: unplugged, permission revoked).
 */
export type AudioState = 'running' | 'blocked' | 'interrupted' | 'device-lost';

/** A change of the microphone: its track's `mute`/`unmute`/`ended` events, or the device list changed (`devicechange`). */
export interface MicrophoneChange {
  type: 'mute' | 'unmute' | 'ended' | 'devicechange';
  /** The track's label ('' where the browser hides it). */
  label: string;
}

export interface AudioLifecycleReport {
  state(state: AudioState): void;
  microphone(change: MicrophoneChange): void;
}

/** Gestures that grant user activation (HTML § "activation-triggering input event"). */
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Follows an AudioContext and a microphone through a call and says what changed, once per change. When the context
 * leaves `running` mid-call, resume is armed on the next gesture and on `visibilitychange` back to visible (a
 * resume() outside a gesture may be refused; Safari ends `interrupted` only when the call or Siri is over); frames
 * flow again once it runs. dispose() removes every listener.
 */
export class AudioLifecycle {
  #current: AudioState | null = null;
  readonly #cleanups: Array<() => void> = [];
  readonly #trackCleanups: Array<() => void> = [];
  #label = '';
  #armed: (() => void) | null = null;

  readonly #ctx: AudioContext;
  readonly #microphone: MediaStream | null;
  readonly #report: AudioLifecycleReport;
  readonly #gestureTarget: EventTarget;
  constructor(
    ctx: AudioContext,
    microphone: MediaStream | null,
    report: AudioLifecycleReport,
    gestureTarget: EventTarget = globalThis,
  ) {
    this.#ctx = ctx;
    this.#microphone = microphone;
    this.#report = report;
    this.#gestureTarget = gestureTarget;
  }

  get state(): AudioState | null {
    return this.#current;
  }

  /** Starts following; `verdict` is how start() found the context ('starting' reports `running` when it runs). */
  start(verdict: AutoplayVerdict | null): void {
    if (verdict === 'blocked') this.#set('blocked');
    this.#listen(this.#ctx, 'statechange', () => this.#onContextState());
    this.#onContextState();
    this.follow(this.#microphone);
    const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (devices) this.#listen(devices, 'devicechange', () => this.#report.microphone({ type: 'devicechange', label: this.#label }));
  }

  /**
   * Follows the microphone now in use (after a switch): its track's events from now on, not the old one's. A lost
   * microphone replaced this way is `running` again once the context runs.
   */
  follow(microphone: MediaStream | null): void {
    for (const cleanup of this.#trackCleanups.splice(0)) cleanup();
    const track = microphone?.getAudioTracks()[0];
    this.#label = track?.label ?? '';
    if (track) {
      for (const type of ['mute', 'unmute', 'ended'] as const) {
        this.#listen(track, type, () => {
          this.#report.microphone({ type, label: track.label });
          if (type === 'ended') this.deviceLost();
        }, this.#trackCleanups);
      }
    }
    if (this.#current !== 'device-lost' || !track || track.readyState === 'ended') return;
    if (this.#ctx.state === 'running') return this.#set('running');
    this.#set('interrupted');
    this.#arm();
  }

  /** The microphone in use is gone (its track ended, or `devicechange` removed it while the track lingers). */
  deviceLost(): void {
    this.#set('device-lost');
  }

  dispose(): void {
    this.#disarm();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const cleanup of this.#trackCleanups.splice(0)) cleanup();
  }

  #onContextState(): void {
    // 'interrupted' is Safari's (macOS 14.1/iOS 17+) and not in lib.dom's AudioContextState yet.
    const state = this.#ctx.state as AudioContextState | 'interrupted';
    if (state === 'running') {
      this.#disarm();
      if (this.#current !== 'device-lost') this.#set('running');
    } else if (state !== 'closed' && this.#current === 'running') {
      this.#set('interrupted');
      this.#arm();
    }
  }

  /** Resume from inside a gesture handler (a call outside one does not count) or when the page is visible again. */
  #arm(): void {
    if (this.#armed) return;
    const resume = () => void this.#ctx.resume().catch(() => undefined);
    const onVisible = () => {
      if (document.visibilityState === 'visible') resume();
    };
    // One abort removes them all (a listener added with capture is removed only with the same capture flag).
    const listening = new AbortController();
    const options = { capture: true, passive: true, signal: listening.signal };
    for (const type of GESTURES) this.#gestureTarget.addEventListener(type, resume, options);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisible, { signal: listening.signal });
    this.#armed = () => listening.abort();
  }

  #disarm(): void {
    this.#armed?.();
    this.#armed = null;
  }

  #set(state: AudioState): void {
    if (state === this.#current) return;
    this.#current = state;
    this.#report.state(state);
  }

  #listen(target: EventTarget, type: string, listener: () => void, cleanups = this.#cleanups): void {
    target.addEventListener(type, listener);
    cleanups.push(() => target.removeEventListener(type, listener));
  }
}
