/**
 * The shapes `voicewire doctor` returns. Every check answers the same questions: what was checked (`title`), what
 * was seen (`detail`), and when it failed, what to change (`remedy`).
 */

/** `warn`: works, but worse than it could (e.g. no cross-origin isolation). `skip`: an earlier failure made it moot. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One check of the report: what was checked, what was seen, and the fix when it failed or warned. */
export interface CheckResult {
  /** Stable identifier, e.g. `tls.expired`, `upgrade.proxy`, `page.asset`: what scripts switch on. */
  id: string;
  /** False only for `fail`; a warning or a skipped check is not a failure. */
  ok: boolean;
  /** Pass, fail, warn, or skip (moot after an earlier failure). */
  status: CheckStatus;
  /** One line: what was checked. */
  title: string;
  /** What was seen (redacted). */
  detail: string;
  /** What to change; present on every `fail` and `warn`. */
  remedy?: string;
  /** Measured facts (status codes, addresses, round-trip ms), redacted; shape depends on `id`. */
  data?: Record<string, unknown>;
}

/** The protocols the doctor recognises on the wire; `unknown` when the first message matches none. */
export type SniffedProtocol = 'voicewire' | 'moshi' | 'kyutai' | 'realtime' | 'unknown';

/** What {@link doctor} checks besides the socket URL: the page, the expected protocol, headers, and time bounds. */
export interface DoctorOptions {
  /** The page that will open the socket: its scheme, host, assets and headers are checked too. */
  page?: string;
  /** The protocol the page expects: `voicewire`, `moshi`, `kyutai` (STT or TTS) or `realtime`. Default: guessed. */
  protocol?: Exclude<SniffedProtocol, 'unknown'>;
  /** The Origin header the upgrade carries, as a browser would send it. Default: the page's origin, else none. */
  origin?: string;
  /** Extra request headers for the upgrade (Node clients can send `Authorization`; browsers cannot). */
  headers?: Record<string, string>;
  /**
   * Subprotocols to offer. Default: the expected protocol's own (`voicewire.v1`, `realtime`, none for Moshi and
   * Kyutai); when the protocol is neither given nor guessed, voicewire's, as a session without `protocol` offers.
   */
  subprotocols?: string[];
  /** Extra CA certificates (PEM) to trust, like NODE_EXTRA_CA_CERTS: a local CA (mkcert's rootCA.pem) the devices trust. */
  ca?: string;
  /** Budget of each network step, in ms. Default 5000. */
  timeoutMs?: number;
  /** Told before each step starts (the CLI's progress line). */
  onProgress?: (step: string) => void;
}

/** What {@link doctor} resolves with: every check in the order run, and whether none failed. */
export interface DoctorReport {
  /** The socket URL, redacted. */
  url: string;
  /** The page URL, redacted, when one was checked. */
  page?: string;
  /** True when no check has status `fail` (warnings and skips allowed). */
  ok: boolean;
  /** Every check, in the order it ran: the socket's (DNS, TCP, TLS, upgrade, first message, ping), then the page's. */
  checks: CheckResult[];
  /** The protocol the server's first message looked like, when one arrived. */
  detectedProtocol?: SniffedProtocol;
}

/** Builders so each check file states only its facts. */
export function pass(id: string, title: string, detail: string, data?: Record<string, unknown>): CheckResult {
  return { id, ok: true, status: 'pass', title, detail, ...(data ? { data } : {}) };
}

export function fail(id: string, title: string, detail: string, remedy: string, data?: Record<string, unknown>): CheckResult {
  return { id, ok: false, status: 'fail', title, detail, remedy, ...(data ? { data } : {}) };
}

export function warn(id: string, title: string, detail: string, remedy: string, data?: Record<string, unknown>): CheckResult {
  return { id, ok: true, status: 'warn', title, detail, remedy, ...(data ? { data } : {}) };
}

export function skip(id: string, title: string, detail: string): CheckResult {
  return { id, ok: true, status: 'skip', title, detail };
}
