import type { EventEmitter } from 'eventemitter3';
import type { Connection } from '../transport/connection.js';
import type { AudioPath } from './audio-path.js';
import { mouthToEarMs } from './mouth-to-ear.js';
import { sendPing } from './outgoing.js';
import type { VoiceSessionEvents } from './session-types.js';

/** What a tick reads: the session's parts now, and whether it is `connected` (only then does a ping go out). */
interface TickParts {
  audio: AudioPath | null;
  connection: Connection | null;
  connected: boolean;
}

/**
 * A session's `level` and `stats` events, every interval while someone listens, with the round trip of the
 * protocol's ping: the server echoes the ping's time `t` in a `pong` metadata message.
 */
export class StatsTicker {
  #timer: ReturnType<typeof setInterval> | undefined;
  #parts: (() => TickParts) | undefined;
  /** ms; NaN until a pong came back (or where the protocol has no ping). */
  #rttMs = Number.NaN;
  #pingId = 0;

  readonly #session: EventEmitter<VoiceSessionEvents>;
  readonly #wire: { frameMs: number; wireRate: number };
  constructor(session: EventEmitter<VoiceSessionEvents>, wire: { frameMs: number; wireRate: number }) {
    this.#session = session;
    this.#wire = wire;
  }

  start(intervalMs: number, parts: () => TickParts): void {
    this.#rttMs = Number.NaN;
    this.#parts = parts;
    this.#timer = setInterval(() => this.#tick(parts), intervalMs);
  }

  /**
   * Stops the tick after one last `stats`/`level` from the parts as they are now (no ping: the session is stopping),
   * so the final figures count everything that arrived, however the last interval fell.
   */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const parts = this.#parts;
    this.#parts = undefined;
    if (parts) this.#tick(parts);
  }

  /** Takes a ping's answer; false for any other metadata (the session hands that on). */
  pong(data: Readonly<Record<string, unknown>>): boolean {
    const pong = data.pong as { t?: number } | undefined;
    if (typeof pong?.t !== 'number') return false;
    this.#rttMs = performance.now() - pong.t;
    return true;
  }

  #tick(parts: () => TickParts): void {
    // Nobody reads them (a bot, a load generator): no ping on the wire, no analyser read, no objects.
    if (this.#session.listenerCount('stats') === 0 && this.#session.listenerCount('level') === 0) return;
    const { audio: path, connection, connected } = parts();
    const audio = path?.stats();
    if (!audio || !connection) return;
    if (connected) sendPing(connection, ++this.#pingId, performance.now());
    this.#session.emit('level', { micDb: audio.micDb, playbackDb: audio.playbackDb });
    const c = connection.stats;
    const { frameMs, wireRate } = this.#wire;
    this.#session.emit('stats', {
      rttMs: this.#rttMs,
      bufferMs: audio.bufferMs,
      underruns: audio.underruns,
      overruns: audio.overruns,
      droppedInMs: audio.droppedInMs,
      droppedOutMs: (c.audioDropped + c.audioDroppedNotConnected + audio.droppedCaptureFrames) * frameMs,
      framesSent: c.audioSent,
      handoff: audio.handoff,
      deviceRate: audio.deviceRate,
      wireRate,
      playout: audio.playout,
      mouthToEarMs: audio.playout ? mouthToEarMs({ frameMs, rttMs: this.#rttMs, playout: audio.playout }) : Number.NaN,
      incoming: { framesLost: c.framesLost, lostMs: c.lostMs, framesLate: c.framesLate, framesDuplicate: c.framesDuplicate },
    });
  }
}
