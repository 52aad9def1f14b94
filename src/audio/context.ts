import { autoplayPolicy, hasTransientActivation } from '../environment/diagnose.js';
import { ErrorCode, VoicewireError } from '../errors/errors.js';

/** How {@link createAudioContext} builds the context (never with a `sampleRate`: see Quirk Q13). */
export interface AudioContextOptions {
  /** Passed through to the AudioContext; 'interactive' (the default) is what a conversation wants. */
  latencyHint?: AudioContextLatencyCategory | number;
}

/** How long a fresh context may stay `suspended` before we call it blocked by the autoplay policy. */
export const DEFAULT_AUTOPLAY_WAIT_MS = 500;

/** Gestures that grant user activation (HTML § "activation-triggering input event"). */
const UNLOCK_EVENTS = ['pointerdown', 'keydown', 'touchend'] as const;

type Globals = typeof globalThis & { webkitAudioContext?: typeof AudioContext };

/**
 * A context at the device's own rate. We never pass `sampleRate` (Quirk Q13): Firefox throws NotSupportedError when a
 * microphone stream meets a context of another rate, and Chromium's fake device runs at 44.1 kHz. Resampling to
 * the wire rate belongs to the capture path.
 */
export function createAudioContext(options: AudioContextOptions = {}): AudioContext {
  const scope = globalThis as Globals;
  const Ctx = scope.AudioContext ?? scope.webkitAudioContext;
  if (typeof Ctx !== 'function') {
    throw new VoicewireError({
      code: ErrorCode.AUDIO_CONTEXT_UNSUPPORTED,
      message: 'This runtime has no Web Audio API (AudioContext).',
      remedy: 'Use a current Chrome, Edge, Firefox or Safari; in Node, run a device-free session (`audio: streamAudio(…)` from `voicewire/stream`).',
    });
  }
  return new Ctx({ latencyHint: options.latencyHint ?? 'interactive' });
}

/**
 * Asks the context to run and reports whether it does within `waitMs`. Never rejects: without a user gesture
 * Chromium leaves `resume()` pending forever ("The AudioContext was not allowed to start"), so its promise is
 * given a handler here and the answer comes from `state` instead.
 */
export function resumeWithin(ctx: AudioContext, waitMs = DEFAULT_AUTOPLAY_WAIT_MS): Promise<boolean> {
  if (ctx.state !== 'running' && ctx.state !== 'closed') ctx.resume().catch(() => undefined);
  return runsWithin(ctx, waitMs);
}

/** Whether `ctx` is (or gets) `running` within `waitMs`, without asking it to. */
function runsWithin(ctx: AudioContext, waitMs: number): Promise<boolean> {
  if (ctx.state === 'running') return Promise.resolve(true);
  if (ctx.state === 'closed') return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      ctx.removeEventListener('statechange', check);
      resolve(ctx.state === 'running');
    };
    const check = () => {
      if (ctx.state !== 'suspended') finish();
    };
    const timer = setTimeout(finish, waitMs);
    ctx.addEventListener('statechange', check);
    check();
  });
}

/** 'running' now; 'starting': allowed and on its way (a slow start is not a block); 'blocked' by autoplay. */
export type AutoplayVerdict = 'running' | 'starting' | 'blocked' | 'closed';

/**
 * Decides whether autoplay holds `ctx` back, from the browser's own answer where it gives one. Quirk Q1: Firefox
 * takes 1.4–2.3 s after a click to move a new context to `running`, and a fixed wait called that a block; it has
 * `navigator.getAutoplayPolicy('audiocontext')`, so 'allowed' means "starting", never "blocked", and 'disallowed'
 * means blocked at once. Where the browser cannot say (Chromium, Safari), a context asked to run inside a user
 * gesture (`navigator.userActivation.isActive`) is allowed by every policy, so it is starting too; only without
 * either answer does a context still suspended after `waitMs` count as blocked, and the `running` statechange that
 * may follow retracts it (the session's `audio` event). Call it synchronously after creating the context.
 */
export async function autoplayVerdict(ctx: AudioContext, waitMs = DEFAULT_AUTOPLAY_WAIT_MS, policy = autoplayPolicy(), inGesture = hasTransientActivation()): Promise<AutoplayVerdict> {
  if (policy === null && inGesture === true) policy = 'allowed';
  const running = resumeWithin(ctx, policy === null ? waitMs : Math.min(waitMs, 50));
  if (await running) return 'running';
  if (ctx.state === 'closed') return 'closed';
  if (policy === null) return 'blocked';
  return policy === 'disallowed' ? 'blocked' : 'starting';
}

/**
 * Asks again, once the microphone is live, about a context that `autoplayVerdict` found `blocked` without an answer
 * from the browser. Quirk Q9: WebKit lets a page that captures start Web Audio without a gesture, so there a context
 * created on load can start only once getUserMedia has answered — after the worklets loaded, which on a busy machine
 * takes longer than the wait that began when the context was made; a start that waited for the capture is late, not
 * blocked. `waitMs` counts again from now. It does not call resume() again: the first call is still pending, and a
 * call now would count a user activation the page got since (a test driver's script grants one) as the start's.
 * Where the browser answered (getAutoplayPolicy), its answer stands.
 */
export async function autoplayVerdictWhileCapturing(ctx: AudioContext, waitMs = DEFAULT_AUTOPLAY_WAIT_MS, policy = autoplayPolicy()): Promise<AutoplayVerdict> {
  if (policy !== null) return 'blocked';
  if (await runsWithin(ctx, waitMs)) return 'running';
  return ctx.state === 'closed' ? 'closed' : 'blocked';
}

export function autoplayBlockedError(waitMs: number, policy: string | null = null): VoicewireError {
  const why = policy === null ? `still suspended after ${waitMs} ms` : `navigator.getAutoplayPolicy('audiocontext') is '${policy}'`;
  return new VoicewireError({
    code: ErrorCode.AUDIO_CONTEXT_BLOCKED,
    message: `The browser's autoplay policy keeps the AudioContext suspended (${why}): audio may only start after the user interacts with the page.`,
    remedy: 'Call start() from a click or tap handler (e.g. a "Start talking" button). voicewire also resumes the context on the next click, tap or key press; the session then emits audio("running") (the AudioEngine emits "unlocked").',
    details: { waitMs, policy },
  });
}

/** Where {@link unlockOnGesture} listens, and how to stop it. */
export interface UnlockOptions {
  /** Where gestures are listened for; the window by default. */
  target?: EventTarget;
  /** Stops listening; the promise then resolves false. */
  signal?: AbortSignal;
}

/**
 * Resumes `ctx` from inside the next pointerdown, keydown or touchend (a call outside a gesture handler does not
 * count) and resolves true once it runs, or false if it closes or `signal` aborts first. Stays armed until the
 * context runs: a gesture the browser does not count leaves it waiting for the next one.
 */
export function unlockOnGesture(ctx: AudioContext, options: UnlockOptions = {}): Promise<boolean> {
  const target = options.target ?? globalThis;
  return new Promise((resolve) => {
    const onGesture = () => {
      ctx.resume().catch(() => undefined);
    };
    const finish = (running: boolean) => {
      for (const type of UNLOCK_EVENTS) target.removeEventListener(type, onGesture, true);
      ctx.removeEventListener('statechange', onState);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(running);
    };
    const onState = () => {
      if (ctx.state === 'running') finish(true);
      else if (ctx.state === 'closed') finish(false);
    };
    const onAbort = () => finish(false);
    if (options.signal?.aborted) return finish(false);
    for (const type of UNLOCK_EVENTS) target.addEventListener(type, onGesture, { capture: true, passive: true });
    ctx.addEventListener('statechange', onState);
    options.signal?.addEventListener('abort', onAbort);
    onState();
  });
}

/** Closes the context if it is still open; never rejects (closing twice is not an error worth reporting). */
export async function closeAudioContext(ctx: AudioContext): Promise<void> {
  if (ctx.state === 'closed') return;
  await ctx.close().catch(() => undefined);
}
