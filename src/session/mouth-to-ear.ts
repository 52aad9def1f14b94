/** The playout figures of a session, all in ms (from the jitter buffer and the AudioContext). */
export interface PlayoutStats {
  /** The delay the jitter buffer aims for, estimated from arrival statistics. */
  targetDelayMs: number;
  /** The jitter buffer's playout delay now (compared with the target). */
  delayMs: number;
  /** Totals since start: concealment for a queue that ran dry, for lost frames; audio removed / inserted by time stretching; dropped. */
  underrunMs: number;
  concealedMs: number;
  acceleratedMs: number;
  expandedMs: number;
  droppedMs: number;
  /** `AudioContext.baseLatency` + `outputLatency` (0 where the browser does not report them). */
  outputLatencyMs: number;
}

export interface MouthToEarInput {
  /** Audio captured before a frame leaves: one frame. */
  frameMs: number;
  /** Ping round trip; NaN where the protocol has no ping (then the network is left out). */
  rttMs: number;
  playout: PlayoutStats;
}

/**
 * Estimated delay from the remote speaker's mouth to this listener's ear for an echo-like path, in ms: one capture
 * frame + half the ping round trip + the playout delay + the output latency of the AudioContext. The server's own
 * processing is not included (it cannot be seen from here).
 */
export function mouthToEarMs({ frameMs, rttMs, playout }: MouthToEarInput): number {
  const network = Number.isFinite(rttMs) ? rttMs / 2 : 0;
  return frameMs + network + playout.delayMs + playout.outputLatencyMs;
}
