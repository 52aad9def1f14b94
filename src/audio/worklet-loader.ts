import { WORKLET_SOURCE } from 'virtual:voicewire-worklets';
import { assertAudioCapable } from '../environment/diagnose.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import { redactUrl } from '../errors/redact.js';
import { preflight } from '../environment/module-load.js';
import { classifyBlobFailure, classifyUrlFailure } from './worklet-failure.js';

/** What {@link loadWorklets} loads: the processor sources (as one Blob module) and the self-hosted fallback files. */
export interface WorkletLoadOptions {
  /**
   * Processor scripts by name, joined into ONE module loaded from a Blob URL. Default: voicewire's own, one script
   * that registers both 'voicewire-capture' and 'voicewire-playback'.
   */
  sources?: Readonly<Record<string, string>>;
  /**
   * The self-hosted processor module for a CSP without `blob:`: `dist/worklets/voicewire.processor.js` of this
   * version (one file registers both processors; with Vite, `import moduleUrl from
   * 'voicewire/worklets/voicewire.processor.js?url'`). Used when the Blob load is refused, or alone when `sources` is
   * empty. Throws INVALID_OPTION for anything but one string or URL: the `[captureUrl, playbackUrl]` pair of
   * versions before 0.2 names files that no longer exist.
   */
  moduleUrl?: string | URL;
  /** Told when the Blob URL was refused and the self-hosted file is tried instead. */
  onFallback?: (refused: VoicewireError, moduleUrl: string) => void;
}

/** How the processors got into the context. */
export interface LoadedWorklets {
  /** 'blob': the sources as one Blob URL module; 'url': the self-hosted files (`moduleUrl`). */
  via: 'blob' | 'url';
  /** The module URL that loaded (redacted); a Blob URL is already revoked. */
  url: string;
}

/**
 * Loads the processors into `ctx.audioWorklet`, checking the environment first so an insecure page gets
 * INSECURE_CONTEXT instead of "Cannot read properties of undefined (reading 'addModule')". Every failure is a
 * classified VoicewireError; nothing is left to revoke.
 * @throws VoicewireError INVALID_OPTION (a bad moduleUrl, nothing to load), INSECURE_CONTEXT, WORKLET_UNSUPPORTED,
 *   WORKLET_BLOCKED_BY_CSP, WORKLET_NOT_FOUND, WORKLET_NOT_JAVASCRIPT, WORKLET_SYNTAX_ERROR.
 */
export async function loadWorklets(ctx: BaseAudioContext, options: WorkletLoadOptions = {}): Promise<LoadedWorklets> {
  const url = toUrl(options.moduleUrl);
  const worklet = workletOf(ctx);
  const sources = options.sources ?? { voicewire: WORKLET_SOURCE };
  if (Object.keys(sources).length === 0) {
    if (url === null) {
      throw new VoicewireError({
        code: ErrorCode.INVALID_OPTION,
        message: 'There are no AudioWorklet processors to load: `sources` is empty and no moduleUrl is set.',
        remedy: 'Pass the processor sources, or moduleUrl pointing at the self-hosted dist/worklets/voicewire.processor.js.',
      });
    }
    return loadFromUrl(worklet, url);
  }
  try {
    return await loadFromBlob(worklet, sources);
  } catch (e) {
    if (!isVoicewireError(e, ErrorCode.WORKLET_BLOCKED_BY_CSP) || url === null) throw e;
    options.onFallback?.(e, redactUrl(url));
    return loadFromUrl(worklet, url, true);
  }
}

/**
 * Each source is a standalone script (no imports); a block around each keeps two bundles' top-level names from
 * colliding in the one module.
 */
export function joinWorkletSources(sources: Readonly<Record<string, string>>): string {
  return Object.entries(sources).map(([name, code]) => `// ${name}\n{\n${code}\n}\n`).join('');
}

async function loadFromBlob(worklet: AudioWorklet, sources: Readonly<Record<string, string>>): Promise<LoadedWorklets> {
  const url = URL.createObjectURL(new Blob([joinWorkletSources(sources)], { type: 'text/javascript' }));
  try {
    await worklet.addModule(url);
    return { via: 'blob', url };
  } catch (e) {
    throw classifyBlobFailure(e);
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function loadFromUrl(worklet: AudioWorklet, url: string, blobRefused = false): Promise<LoadedWorklets> {
  const violations = watchCspViolations(url);
  try {
    await worklet.addModule(url);
    return { via: 'url', url: redactUrl(url) };
  } catch (e) {
    const reply = await preflight(url);
    throw classifyUrlFailure(e, url, reply, violations.first(), blobRefused);
  } finally {
    violations.stop();
  }
}

/** Where the browser reports a refused URL module (Chromium does for some, never for Blob URLs), keep it. */
function watchCspViolations(url: string): { first(): string | null; stop(): void } {
  const doc = (globalThis as { document?: Document }).document;
  let seen: string | null = null;
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (seen === null && e.blockedURI && url.startsWith(e.blockedURI)) seen = `${e.effectiveDirective}: ${e.originalPolicy}`;
  };
  doc?.addEventListener('securitypolicyviolation', onViolation);
  return { first: () => seen, stop: () => doc?.removeEventListener('securitypolicyviolation', onViolation) };
}

function workletOf(ctx: BaseAudioContext): AudioWorklet {
  const worklet = (ctx as { audioWorklet?: AudioWorklet }).audioWorklet;
  if (worklet) return worklet;
  // Names the real cause (an insecure page, an old browser) before anything touches addModule.
  assertAudioCapable({ worklet: true });
  throw new VoicewireError({
    code: ErrorCode.WORKLET_UNSUPPORTED,
    message: 'This audio context has no audioWorklet.',
    remedy: 'Use a current Chrome, Edge, Firefox (76+) or Safari (14.1+).',
  });
}

/** The one self-hosted module as an absolute URL, or null; checked before anything loads so a wrong shape fails at once. */
function toUrl(moduleUrl: unknown): string | null {
  if (moduleUrl === undefined) return null;
  if (typeof moduleUrl !== 'string' && !(moduleUrl instanceof URL)) {
    // Before 0.2 the processors were two files passed as [captureUrl, playbackUrl]; now one file registers both.
    throw new VoicewireError({
      code: ErrorCode.INVALID_OPTION,
      message: `moduleUrl must be one URL (a string or URL), got ${Array.isArray(moduleUrl) ? `an array of ${moduleUrl.length}` : typeof moduleUrl}: voicewire's processors are one file, dist/worklets/voicewire.processor.js.`,
      remedy: "Self-host dist/worklets/voicewire.processor.js of this voicewire version and pass its URL alone (with Vite: import moduleUrl from 'voicewire/worklets/voicewire.processor.js?url'); capture.processor.js and playback.processor.js no longer exist.",
      details: { moduleUrl: Array.isArray(moduleUrl) ? 'array' : typeof moduleUrl },
    });
  }
  const base = (globalThis as { location?: Location }).location?.href;
  return new URL(String(moduleUrl), base).href;
}
