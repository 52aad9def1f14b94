import { errorCodeInfo } from '../errors/codes.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';
import { inferredPolicyProblem, microphonePolicy, microphonePolicyProblem, type PolicyScope } from './permissions-policy.js';

/** What this runtime can do for voice, as data. Every field is read, none is assumed. */
export interface EnvironmentReport {
  runtime: 'browser' | 'node' | 'other';
  /** The page's origin, or null outside a page. */
  origin: string | null;
  /** `isSecureContext`; null where the runtime has no notion of it (Node). */
  secureContext: boolean | null;
  audioContext: boolean;
  audioWorklet: boolean;
  mediaDevices: boolean;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  /** WebCodecs `AudioEncoder` accepts Opus (the Moshi path encodes with it in browsers). */
  webCodecsOpus: boolean;
  /** `navigator.getAutoplayPolicy('audiocontext')` where the browser has it, else null. */
  autoplayPolicy: 'allowed' | 'allowed-muted' | 'disallowed' | null;
  /** The browser engine, from the user agent string (remedies differ per engine), or null where unknown. */
  engine: BrowserEngine | null;
  /** Whether the page has had a user gesture yet (`navigator.userActivation.hasBeenActive`), else null. */
  userActivation: boolean | null;
  /**
   * The microphone under the document's Permissions Policy: `blocked` in a cross-origin iframe without
   * `allow="microphone"` or under a `Permissions-Policy` header that excludes it; `unknown` where the engine has no
   * policy API (Firefox, WebKit: then a cross-origin frame whose microphone permission reads `denied` is reported).
   */
  microphonePolicy: 'allowed' | 'blocked' | 'unknown';
  /** Blocking problems, most fundamental first. Empty when voice can run. */
  problems: VoicewireError[];
}

/** Chromium (Chrome, Edge, Opera…), Firefox (Gecko), WebKit (Safari, every iOS browser, WebKitGTK). */
export type BrowserEngine = 'chromium' | 'firefox' | 'webkit';

/** What a caller is about to use; only problems that block these are thrown. */
export interface AudioNeeds {
  /** An AudioContext with `audioWorklet` (capture and playback). */
  worklet?: boolean;
  /** `navigator.mediaDevices.getUserMedia`. */
  microphone?: boolean;
}

/**
 * The globals the environment checks read: `globalThis` by default; tests and other realms pass their own (any
 * field left out counts as missing).
 */
export type EnvironmentScope = typeof globalThis & {
  isSecureContext?: boolean;
  crossOriginIsolated?: boolean;
  location?: Location;
  AudioContext?: typeof AudioContext;
  webkitAudioContext?: typeof AudioContext;
  AudioEncoder?: {
    /** WebCodecs' `AudioEncoder.isConfigSupported`: asked whether Opus encodes here. */
    isConfigSupported(config: object): Promise<{ supported?: boolean }>;
  };
  process?: { versions?: { node?: string } };
  navigator?: Navigator & {
    /** The Autoplay Policy Detection API (Firefox): whether an AudioContext may start without a gesture. */
    getAutoplayPolicy?: (type: 'audiocontext') => EnvironmentReport['autoplayPolicy'];
    userActivation?: { hasBeenActive: boolean };
  };
};

/**
 * Reports what the environment offers and what blocks voice, without touching the microphone or creating an
 * AudioContext. Never throws; in Node it names what Node lacks.
 */
export async function diagnose(scope: EnvironmentScope = globalThis): Promise<EnvironmentReport> {
  const report = inspect(scope);
  report.webCodecsOpus = await supportsOpusEncoding(scope);
  const inferred = report.mediaDevices ? await inferredPolicyProblem(scope as PolicyScope) : null;
  if (inferred) report.problems.push(inferred);
  return report;
}

/**
 * Throws the first problem that blocks `needs`. Everything that touches `audioWorklet` or `mediaDevices` calls this
 * first, so a user sees INSECURE_CONTEXT instead of "Cannot read properties of undefined (reading 'addModule')".
 * @throws {VoicewireError} INSECURE_CONTEXT, AUDIO_CONTEXT_UNSUPPORTED, WORKLET_UNSUPPORTED (needs.worklet),
 *   MICROPHONE_UNAVAILABLE, MICROPHONE_BLOCKED_BY_POLICY (needs.microphone; only where the engine exposes the policy,
 *   i.e. Chromium: elsewhere `diagnose()` infers it and getUserMedia's refusal maps to it)
 */
export function assertAudioCapable(needs: AudioNeeds = { worklet: true }, scope: EnvironmentScope = globalThis): void {
  const blocking = inspect(scope).problems.find((p) => blocks(p, needs));
  if (blocking) throw blocking;
}

/** Whether a problem stops what the caller needs, by the error table's `blocks`. */
function blocks(problem: VoicewireError, needs: AudioNeeds): boolean {
  const what = errorCodeInfo(problem.code).blocks;
  if (what === 'worklet') return needs.worklet === true;
  if (what === 'microphone') return needs.microphone === true;
  return what !== 'nothing';
}

function inspect(scope: EnvironmentScope): EnvironmentReport {
  const isPage = typeof scope.location?.origin === 'string' && typeof scope.document !== 'undefined';
  const runtime = isPage ? 'browser' : typeof scope.process?.versions?.node === 'string' ? 'node' : 'other';
  const Ctx = scope.AudioContext ?? scope.webkitAudioContext;
  const nav = scope.navigator;
  const report: EnvironmentReport = {
    runtime,
    origin: isPage ? scope.location!.origin : null,
    secureContext: typeof scope.isSecureContext === 'boolean' ? scope.isSecureContext : null,
    audioContext: typeof Ctx === 'function',
    audioWorklet: typeof Ctx === 'function' && Ctx.prototype !== undefined && 'audioWorklet' in Ctx.prototype,
    mediaDevices: typeof nav?.mediaDevices?.getUserMedia === 'function',
    crossOriginIsolated: scope.crossOriginIsolated === true,
    sharedArrayBuffer: typeof scope.SharedArrayBuffer === 'function',
    webCodecsOpus: false,
    autoplayPolicy: readAutoplayPolicy(nav),
    engine: isPage ? browserEngine(nav?.userAgent) : null,
    userActivation: typeof nav?.userActivation?.hasBeenActive === 'boolean' ? nav.userActivation.hasBeenActive : null,
    microphonePolicy: isPage ? microphonePolicy(scope as PolicyScope) : 'unknown',
    problems: [],
  };
  report.problems = findProblems(report, scope.location);
  const policy = report.runtime === 'browser' && report.mediaDevices ? microphonePolicyProblem(false, scope as PolicyScope) : null;
  if (policy) report.problems.push(policy);
  return report;
}

function findProblems(r: EnvironmentReport, location: Location | undefined): VoicewireError[] {
  if (r.runtime !== 'browser') return r.audioContext ? [] : [noWebAudioOutsideBrowser(r.runtime)];
  if (r.secureContext === false && location) return [insecureContext(location, r.engine)];
  const problems: VoicewireError[] = [];
  if (!r.audioContext) {
    problems.push(new VoicewireError({
      code: ErrorCode.AUDIO_CONTEXT_UNSUPPORTED,
      message: 'This browser has no Web Audio API (AudioContext).',
      remedy: 'Use a current Chrome, Edge, Firefox or Safari.',
    }));
  } else if (!r.audioWorklet) {
    problems.push(new VoicewireError({
      code: ErrorCode.WORKLET_UNSUPPORTED,
      message: 'This browser has no AudioWorklet, although the page is a secure context.',
      remedy: 'Use a current Chrome, Edge, Firefox (76+) or Safari (14.1+). For playback only, opt in to the ScriptProcessor fallback (`insecurePlaybackFallback: installPlaybackPolyfill`, from voicewire/audio).',
    }));
  }
  if (!r.mediaDevices) {
    problems.push(new VoicewireError({
      code: ErrorCode.MICROPHONE_UNAVAILABLE,
      message: 'navigator.mediaDevices.getUserMedia is missing, although the page is a secure context.',
      remedy: 'Use a browser with microphone support (getUserMedia), and check that an enterprise policy or an iframe without allow="microphone" is not hiding it.',
    }));
  }
  return problems;
}

/**
 * The reason voicewire exists: an http page on a LAN address silently loses audioWorklet, mediaDevices and
 * WebCodecs. The remedy names this page's own host and port so it can be pasted.
 */
function insecureContext(location: Location, engine: BrowserEngine | null): VoicewireError {
  const host = location.hostname;
  const port = location.port || (location.protocol === 'https:' ? '443' : '80');
  const localPort = Number(port) < 1024 ? '8080' : port;
  const path = `${location.pathname}${location.search}`;
  const sshCommand = `ssh -L ${localPort}:localhost:${port} user@${host}`;
  const tunnelUrl = `http://localhost:${localPort}${path}`;
  const flag = `--unsafely-treat-insecure-origin-as-secure=${location.origin}`;
  const developmentOnly = developmentRemedies(engine, flag, host);
  return new VoicewireError({
    code: ErrorCode.INSECURE_CONTEXT,
    message: `${location.origin} is not a secure context, so the browser hides the microphone (navigator.mediaDevices) and AudioWorklet. Only https:// pages and http://localhost are secure.`,
    remedy: [
      `1. Tunnel it to localhost: run \`${sshCommand}\` on this computer, then open ${tunnelUrl}`,
      `2. Serve the page over HTTPS with a certificate this device trusts (on a LAN: a local CA, see voicewire's docs/deploy.md).`,
      ...developmentOnly.map((line, i) => `${i + 3}. ${line}`),
    ].join('\n'),
    details: { origin: location.origin, host, port, sshCommand, tunnelUrl, engine, ...(engine === 'chromium' || engine === null ? { flag } : {}) },
  });
}

/**
 * What each engine offers to treat one http origin as secure, for development. Quirk Q2: Chromium has a flag;
 * Firefox a pref taking host names (`dom.securecontext.allowlist`, checked in Firefox ESR 153); WebKit (Safari,
 * WebKitGTK) has nothing, so only the tunnel or HTTPS help there. Unknown engine: both known switches.
 */
function developmentRemedies(engine: BrowserEngine | null, flag: string, host: string): string[] {
  const chromium = `For development only, start Chromium with \`${flag}\` (or set it at chrome://flags/#unsafely-treat-insecure-origin-as-secure).`;
  const firefox = `For development only, in Firefox open about:config and set \`dom.securecontext.allowlist\` to \`${host}\` (comma-separated host names), then reload.`;
  if (engine === 'chromium') return [chromium];
  if (engine === 'firefox') return [firefox];
  if (engine === 'webkit') return [];
  return [chromium, firefox];
}

/** The engine behind a user agent string; the brand names ride on top of these tokens. */
export function browserEngine(userAgent: string | undefined): BrowserEngine | null {
  if (typeof userAgent !== 'string') return null;
  if (/\bFirefox\//.test(userAgent)) return 'firefox';
  if (/\b(?:Chrome|Chromium|HeadlessChrome|Edg)\//.test(userAgent)) return 'chromium';
  if (/\bAppleWebKit\//.test(userAgent)) return 'webkit';
  return null;
}

function noWebAudioOutsideBrowser(runtime: EnvironmentReport['runtime']): VoicewireError {
  const where = runtime === 'node' ? 'Node' : 'This runtime';
  return new VoicewireError({
    code: ErrorCode.AUDIO_CONTEXT_UNSUPPORTED,
    message: `${where} has no Web Audio (AudioContext, AudioWorklet) and no microphone (getUserMedia).`,
    remedy: "In Node, run a device-free session: `audio: streamAudio({ input, onAudio })` from 'voicewire/stream' feeds PCM from an async iterable (e.g. a WAV file) and hands audio out through a callback. Web Audio devices exist only in browsers.",
    details: { runtime },
  });
}

/**
 * `navigator.getAutoplayPolicy('audiocontext')` (Autoplay Policy Detection; Firefox 112+), or null where the
 * browser cannot say (Chromium, Safari): then only the context's own state tells.
 */
export function autoplayPolicy(scope: EnvironmentScope = globalThis): EnvironmentReport['autoplayPolicy'] {
  return readAutoplayPolicy(scope.navigator);
}

/** Safari's `navigator.audioSession` (Audio Session API, Safari 16.4+), or null where the browser has none. */
export function audioSessionOf(scope: EnvironmentScope = globalThis): { type: string } | null {
  const session = (scope.navigator as { audioSession?: { type?: unknown } } | undefined)?.audioSession;
  return typeof session?.type === 'string' ? (session as { type: string }) : null;
}

/** `navigator.userActivation.isActive`: the page is inside a user gesture's activation window now; null where unknown. */
export function hasTransientActivation(scope: EnvironmentScope = globalThis): boolean | null {
  const active = (scope.navigator?.userActivation as { isActive?: unknown } | undefined)?.isActive;
  return typeof active === 'boolean' ? active : null;
}

function readAutoplayPolicy(nav: EnvironmentScope['navigator']): EnvironmentReport['autoplayPolicy'] {
  try {
    return nav?.getAutoplayPolicy?.('audiocontext') ?? null;
  } catch {
    return null;
  }
}

async function supportsOpusEncoding(scope: EnvironmentScope): Promise<boolean> {
  if (typeof scope.AudioEncoder?.isConfigSupported !== 'function') return false;
  try {
    const { supported } = await scope.AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 24000, numberOfChannels: 1 });
    return supported === true;
  } catch {
    return false;
  }
}
