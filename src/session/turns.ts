/**
 * Who speaks when, and barge-in, for a session that asks for it (its `turns` option: {@link turnDetection}), so a
 * session without it carries no voice-activity detector.
 *
 * @module voicewire/turns
 */
import { VoiceActivityDetector, type VadOptions } from '../dsp/vad.js';

export type { VadOptions } from '../dsp/vad.js';

/** What {@link turnDetection} detects: the user's voice activity and its tuning, barge-in, the agent's idle bound. */
export interface TurnOptions {
  /**
   * Detect the user's speech on the audio sent (after input mute): `true` (default), `false` (agent turns only), or
   * the detector's tuning (VadOptions without `sampleRate`). Drives `turn` events and barge-in.
   */
  voiceActivity?: boolean | Omit<VadOptions, 'sampleRate'>;
  /** Barge-in: the user starting to speak while the agent is speaking calls `interrupt()`. Default false. */
  bargeIn?: boolean;
  /** Playback idle this long ends the agent's turn, ms; bridges jitter-buffer underruns. Default 250. */
  agentIdleMs?: number;
}

/** Who is speaking now. `user` from the voice-activity detector, `agent` from the jitter buffer playing. */
export interface TurnState {
  /** The voice-activity detector hears the user on the audio sent (false with `voiceActivity: false`). */
  userSpeaking: boolean;
  /** The agent's audio is playing (idle for less than `agentIdleMs` counts as still playing). */
  agentSpeaking: boolean;
}

/** A `turn` event: the state after the change, which side changed, and when. */
export interface TurnChange extends TurnState {
  /** Which side changed. */
  changed: 'user' | 'agent';
  /** `performance.now()` of the change, ms (for the user: the end of the frame that decided it). */
  atMs: number;
}

/** What a session asks of its turn detection (see turnDetection()). */
export interface TurnDetector {
  /** Who is speaking now (what `session.turn` returns). */
  readonly current: TurnState;
  /** One frame as sent (silence when muted), at the wire rate. */
  frame(pcm: Float32Array): void;
  /** A playback report: the jitter buffer is playing (true) or idle. */
  playing(playing: boolean): void;
  /** Playback was flushed: the agent's turn ends now. */
  interrupted(): void;
  /** Both sides silent (the session stopped, or the microphone changed). */
  reset(): void;
}

/** Makes a session's turn detector for the wire rate (Hz); the session passes its handlers. */
export type TurnDetection = (wireRate: number, handlers: TurnHandlers) => TurnDetector;

/**
 * Turn events and barge-in for a session: `createVoiceSession({ url, turns: turnDetection({ bargeIn: true }) })`.
 * The session then emits `turn` (user: voice activity on the audio sent; agent: the jitter buffer playing) and,
 * with `bargeIn`, interrupts playback when the user speaks over the agent (`bargeIn` event). Without it, no `turn`
 * events and `session.turn` stays silent on both sides.
 */
export function turnDetection(options: TurnOptions = {}): TurnDetection {
  return (wireRate, handlers) => new TurnTracker(options, wireRate, handlers);
}

/** How a turn detector reports to its session. */
export interface TurnHandlers {
  /** One side started or stopped speaking: the session emits it as `turn`. */
  change(change: TurnChange): void;
  /** User speech began while the agent spoke and barge-in is on: the session interrupts playback. */
  bargeIn(atMs: number): void;
}

const STALE_REPORT_MS = 150;

/**
 * Turn state of one session: feeds sent frames to a VoiceActivityDetector and playback reports to an idle timer,
 * and says when either side starts or stops, and when the user barges in.
 */
class TurnTracker implements TurnDetector {
  readonly #vad: VoiceActivityDetector | null;
  readonly #idleMs: number;
  #state: TurnState = { userSpeaking: false, agentSpeaking: false };
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #interruptedAt = -Infinity;

  readonly #options: TurnOptions;
  readonly #handlers: TurnHandlers;
  constructor(options: TurnOptions, wireRate: number, handlers: TurnHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    const vad = options.voiceActivity ?? true;
    this.#vad = vad === false ? null : new VoiceActivityDetector({ ...(vad === true ? {} : vad), sampleRate: wireRate });
    this.#idleMs = options.agentIdleMs ?? 250;
  }

  get current(): TurnState {
    return this.#state;
  }

  /** One frame as sent (silence when muted). */
  frame(pcm: Float32Array): void {
    const transition = this.#vad?.push(pcm);
    if (!transition) return;
    const at = performance.now();
    const speaking = transition === 'started';
    const bargeIn = speaking && this.#state.agentSpeaking && this.#options.bargeIn === true;
    this.#set('user', speaking, at);
    if (bargeIn) this.#handlers.bargeIn(at);
  }

  /** A playback report: the jitter buffer is playing (true) or idle. */
  playing(playing: boolean): void {
    if (playing) {
      // A report posted before the flush reached the audio thread still says "playing": one stats interval (100 ms)
      // plus delivery is ignored after an interrupt, so the agent's turn does not flicker back on.
      if (performance.now() - this.#interruptedAt < STALE_REPORT_MS) return;
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
      this.#set('agent', true, performance.now());
    } else if (this.#state.agentSpeaking && this.#idleTimer === undefined) {
      this.#idleTimer = setTimeout(() => {
        this.#idleTimer = undefined;
        this.#set('agent', false, performance.now());
      }, this.#idleMs);
    }
  }

  /** Playback was flushed: the agent's turn ends now. */
  interrupted(): void {
    this.#interruptedAt = performance.now();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#set('agent', false, performance.now());
  }

  /** Both sides silent, detector reset (the session stopped, or the microphone changed). */
  reset(): void {
    this.interrupted();
    this.#interruptedAt = -Infinity;
    this.#vad?.reset();
    this.#set('user', false, performance.now());
  }

  #set(side: 'user' | 'agent', speaking: boolean, atMs: number): void {
    const key = side === 'user' ? 'userSpeaking' : 'agentSpeaking';
    if (this.#state[key] === speaking) return;
    this.#state = { ...this.#state, [key]: speaking };
    this.#handlers.change({ ...this.#state, changed: side, atMs });
  }
}
