import { ErrorCode, VoicewireError } from '../errors/errors.js';

/** How samples cross between the main thread and the audio thread. */
export type Handoff = 'shared' | 'port';
/** 'auto' picks 'shared' when the page is cross-origin isolated (SharedArrayBuffer can be posted), else 'port'. */
export type HandoffChoice = Handoff | 'auto';

/** The globals chooseHandoff reads (`globalThis` by default). */
export type HandoffScope = { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };

/**
 * Picks how samples cross threads: 'shared' (a SharedArrayBuffer ring) only when asked or when 'auto' finds it
 * usable; 'port' (transferred chunks) otherwise.
 *
 * @throws VoicewireError INVALID_OPTION when 'shared' is asked for on a page without SharedArrayBuffer.
 */
export function chooseHandoff(choice: HandoffChoice = 'auto', scope: HandoffScope = globalThis as HandoffScope): Handoff {
  // Quirk Q4: WebKitGTK leaves SharedArrayBuffer undefined even when crossOriginIsolated is true, so isolation alone
  // does not mean 'shared'; both are checked and WebKit takes the port.
  const canShare = scope.crossOriginIsolated === true && typeof scope.SharedArrayBuffer === 'function';
  if (choice === 'auto') return canShare ? 'shared' : 'port';
  if (choice === 'shared' && !canShare) {
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: 'handoff "shared" needs SharedArrayBuffer, which this page does not have (it is not cross-origin isolated)',
      remedy: 'Serve the page with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp", or use handoff "auto".',
      details: { handoff: choice },
    });
  }
  return choice;
}

/** A setup-time option check: throws INVALID_OPTION naming the option, the value and what is allowed. */
export function requireOption(ok: boolean, option: string, value: unknown, allowed: string): void {
  if (ok) return;
  throw new VoicewireError({
    code: ErrorCode.INVALID_OPTION,
    message: `${option} = ${JSON.stringify(value)} is not allowed: ${allowed}`,
    remedy: `Pass ${option} as ${allowed}, or leave it out for the default.`,
    details: { option, value },
  });
}
