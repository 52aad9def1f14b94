import { WORKLET_SOURCES } from 'virtual:voicewire-worklets';
import { assertAudioCapable } from '../environment/diagnose.js';
import { ErrorCode, VoicewireError, isVoicewireError } from '../errors/errors.js';
import { redactUrl } from '../errors/redact.js';
import { preflight } from '../environment/module-load.js';
import { classifyBlobFailure, classifyUrlFailure } from './worklet-failure.js';

export interface WorkletLoadOptions {
  /** Processor scripts by name, joined into ONE module loaded from a Blob URL. Default: voicewire's own. */
  sources?: Readonly<Record<string, string>>;
  /**
   * Self-hosted processor files for a CSP without `blob:`: BOTH `dist/worklets/capture.processor.js` and
   * `dist/worklets/playback.processor.js` of this version, as `[captureUrl, playbackUrl]` (a node whose file is
   * missing fails with WORKLET_PROCESSOR_NOT_REGISTERED naming it). Used when the Blob load is refused, or alone
   * when `sources` is empty.
   */
  moduleUrl?: string | URL | ReadonlyArray<string | URL>;
  /** Told when the Blob URL was refused and the self-hosted file is tried instead. */
  onFallback?: (refused: VoicewireError, moduleUrl: string) => void;
}

export interface LoadedWorklets {
  via: 'blob' | 'url';
  /** The module URL(s) that loaded (redacted); a Blob URL is already revoked. */
  urls: string[];
}

/**
 * Loads the processors into `ctx.audioWorklet`, checking the environment first so an insecure page gets
 * INSECURE_CONTEXT instead of "Cannot read properties of undefined (reading 'addModule')". Every failure is a
 * classified VoicewireError; nothing is left to revoke.
 */
export async function loadWorklets(ctx: BaseAudioContext, options: WorkletLoadOptions = {}): Promise<LoadedWorklets> {
  const worklet = workletOf(ctx);
  const sources = options.sources ?? WORKLET_SOURCES;
  const urls = toUrls(options.moduleUrl);
  if (Object.keys(sources).length === 0) {
    if (urls.length === 0) {
      throw new VoicewireError({
        code: ErrorCode.INVALID_OPTION,
        message: 'There are no AudioWorklet processors to load: `sources` is empty and no moduleUrl is set.',
        remedy: 'Pass the processor sources, or moduleUrl pointing at the self-hosted dist/worklets/*.processor.js files.',
      });
    }
    return loadFromUrls(worklet, urls);
  }
  try {
    return await loadFromBlob(worklet, sources);
  } catch (e) {
    if (!isVoicewireError(e, ErrorCode.WORKLET_BLOCKED_BY_CSP) || urls.length === 0) throw e;
    options.onFallback?.(e, urls.map(redactUrl).join(', '));
    return loadFromUrls(worklet, urls);
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
    return { via: 'blob', urls: [url] };
  } catch (e) {
    throw classifyBlobFailure(e);
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function loadFromUrls(worklet: AudioWorklet, urls: string[]): Promise<LoadedWorklets> {
  for (const url of urls) await loadFromUrl(worklet, url);
  return { via: 'url', urls: urls.map(redactUrl) };
}

async function loadFromUrl(worklet: AudioWorklet, url: string): Promise<void> {
  const violations = watchCspViolations(url);
  try {
    await worklet.addModule(url);
  } catch (e) {
    const reply = await preflight(url);
    throw classifyUrlFailure(e, url, reply, violations.first());
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

function toUrls(moduleUrl: WorkletLoadOptions['moduleUrl']): string[] {
  if (moduleUrl === undefined) return [];
  const list = typeof moduleUrl === 'string' || moduleUrl instanceof URL ? [moduleUrl] : moduleUrl;
  const base = (globalThis as { location?: Location }).location?.href;
  return list.map((u) => new URL(String(u), base).href);
}
