import { ErrorCode, VoicewireError } from '../errors/errors.js';
import type { VoiceProtocol, WireMessage } from '../protocols/protocol.js';
import { socketCanSendHeaders, type VoiceSocket } from './socket.js';

/**
 * Notices a link that went silent without closing. A blackholed path (a NAT that forgot the flow, a pulled cable,
 * a suspended laptop's peer) delivers no FIN and no RST: TCP itself only gives up after minutes of retransmissions
 * (RFC 6298 backoff, Linux tcp_retries2 ≈ 15 min), so a socket stays `open` and a session `connected` forever.
 *
 * After half the timeout of silence it probes once (a WebSocket ping where the runtime can send one, RFC 6455
 * §5.5.2, or the protocol's own ping) so an idle but healthy server answers; after the full timeout of silence it
 * calls `onTimeout`. Anything heard resets it. One timer, re-armed only when it fires: `heard()` on every message
 * just stores a time.
 */
export class LivenessWatchdog {
  #lastHeard = 0;
  #probed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #timeoutMs: number;
  readonly #probe: () => void;
  readonly #onTimeout: (silentMs: number) => void;

  /**
   * @param timeoutMs silence after which the link counts as dead, ms (> 0)
   * @param probe asks the peer for an answer (called at most once per silence)
   * @param onTimeout called once, after `timeoutMs` without anything heard; the watchdog is stopped then
   */
  constructor(timeoutMs: number, probe: () => void, onTimeout: (silentMs: number) => void) {
    this.#timeoutMs = timeoutMs;
    this.#probe = probe;
    this.#onTimeout = onTimeout;
  }

  start(): void {
    this.stop();
    this.heard();
    this.#arm(this.#timeoutMs / 2);
  }

  /** Something arrived from the peer (a message, a pong). */
  heard(): void {
    this.#lastHeard = performance.now();
    this.#probed = false;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(1, ms));
  }

  #check(): void {
    const silent = performance.now() - this.#lastHeard;
    if (silent >= this.#timeoutMs) {
      this.#timer = undefined;
      this.#onTimeout(Math.round(silent));
      return;
    }
    const half = this.#timeoutMs / 2;
    if (silent >= half && !this.#probed) {
      this.#probed = true;
      this.#probe();
    }
    this.#arm(silent >= half ? this.#timeoutMs - silent : half - silent);
  }
}

/**
 * Watches an open socket (undefined when off): probes with a WebSocket ping where the runtime can send one (Node),
 * else with the protocol's own ping through `sendControl`. `livenessTimeoutMs` defaults to 20 s where either can
 * probe, else 0 (off: an idle server's silence would pass for a dead link). `onDead` gets CONNECTION_TIMEOUT.
 */
export function watchSocketLiveness(
  socket: VoiceSocket,
  codec: VoiceProtocol,
  livenessTimeoutMs: number | undefined,
  sendControl: (messages: readonly WireMessage[]) => void,
  onDead: (error: VoicewireError) => void,
): LivenessWatchdog | undefined {
  const canProbe = socketCanSendHeaders || codec.ping !== undefined;
  const ms = livenessTimeoutMs ?? (canProbe ? 20_000 : 0);
  if (!(ms > 0)) return undefined;
  const probe = () => {
    if (!socket.ping() && codec.ping) sendControl(codec.ping(0, Date.now()));
  };
  const watchdog = new LivenessWatchdog(ms, probe, (silentMs) => onDead(livenessTimeoutError(ms, silentMs, codec.name)));
  watchdog.start();
  return watchdog;
}

/** CONNECTION_TIMEOUT for a link that went silent while open; retryable, so a reconnect follows where allowed. */
function livenessTimeoutError(livenessTimeoutMs: number, silentMs: number, protocol: string): VoicewireError {
  return new VoicewireError({
    code: ErrorCode.CONNECTION_TIMEOUT,
    message: `Nothing arrived from the server for ${silentMs} ms (limit ${livenessTimeoutMs} ms), not even an answer to a ping: the connection is dead without having closed (a network path that drops everything, a server that hangs).`,
    remedy: 'voicewire reconnects where the protocol allows. If it keeps happening, check the network path (VPN, proxy, NAT timeouts) and the server; raise `livenessTimeoutMs` only for a server that is legitimately silent for longer.',
    details: { livenessTimeoutMs, silentMs, protocol },
  });
}
