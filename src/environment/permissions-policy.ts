import { ErrorCode, VoicewireError } from '../errors/errors.js';

/** The document's policy object (W3C Permissions Policy, the `allowsFeature` introspection API), where an engine has one. */
interface PolicyObject {
  allowsFeature(feature: string): boolean;
}

/** The globals the policy checks read (tests and other realms pass their own). */
export interface PolicyScope {
  document?: { permissionsPolicy?: PolicyObject; featurePolicy?: PolicyObject };
  location?: { origin?: string; ancestorOrigins?: ArrayLike<string> };
  top?: unknown;
  self?: unknown;
  navigator?: { permissions?: { query(descriptor: { name: 'microphone' }): Promise<{ state: string }> } };
}

/**
 * How this document's Permissions Policy treats the microphone.
 * `allowed` / `blocked`: the engine said so (Chromium). `unknown`: the engine has no API for it.
 * Only Chromium exposes the policy; elsewhere a cross-origin frame without `allow="microphone"` shows only as
 * getUserMedia's immediate NotAllowedError and a `denied` permission.
 */
export function microphonePolicy(scope: PolicyScope = globalThis as PolicyScope): 'allowed' | 'blocked' | 'unknown' {
  // Quirk Q16: Chromium 156 has only the older `featurePolicy`; Firefox and WebKit have neither.
  const policy = scope.document?.permissionsPolicy ?? scope.document?.featurePolicy;
  if (typeof policy?.allowsFeature !== 'function') return 'unknown';
  try {
    return policy.allowsFeature('microphone') ? 'allowed' : 'blocked';
  } catch {
    return 'unknown';
  }
}

/**
 * The top-level page's origin when this document is a frame of another origin (reading `top.location.origin` throws
 * a SecurityError across origins; `location.ancestorOrigins` names it where the engine has it), else null.
 */
export function crossOriginEmbedder(scope: PolicyScope = globalThis as PolicyScope): string | null {
  if (scope.top === undefined || scope.top === scope.self) return null;
  try {
    const origin = (scope.top as { location: { origin: string } }).location.origin;
    if (origin === scope.location?.origin) return null;
    return origin;
  } catch {
    const ancestors = scope.location?.ancestorOrigins;
    return ancestors && ancestors.length > 0 ? ancestors[ancestors.length - 1] : 'another origin';
  }
}

/**
 * MICROPHONE_BLOCKED_BY_POLICY when this document may not use the microphone, else null. `inferred` is for engines
 * without a policy API: in a cross-origin frame a refused microphone is then most likely, not certainly, the policy
 * (a user's earlier "Block" of the frame's origin looks the same), and the texts say so.
 */
export function microphonePolicyProblem(inferred: boolean, scope: PolicyScope = globalThis as PolicyScope): VoicewireError | null {
  const policy = microphonePolicy(scope);
  const embedder = crossOriginEmbedder(scope);
  if (policy === 'allowed' || (policy === 'unknown' && (!inferred || embedder === null))) return null;
  const origin = scope.location?.origin ?? 'this page';
  const allowFix = `add allow="microphone" to the <iframe> that embeds ${origin}${embedder ? ` on ${embedder}` : ''} (e.g. <iframe src="${origin}/…" allow="microphone">)`;
  const headerFix = `check that no Permissions-Policy response header (of this page${embedder ? ' or of the embedding page' : ''}) excludes it: \`Permissions-Policy: microphone=(self "${origin}")\` allows this origin`;
  const details = { origin, embedder, evidence: policy === 'blocked' ? 'permissions-policy' : 'cross-origin-frame' };
  if (policy === 'blocked') {
    return new VoicewireError({
      code: ErrorCode.MICROPHONE_BLOCKED_BY_POLICY,
      message: embedder
        ? `The microphone is disabled by Permissions Policy in this frame (${origin}, embedded by ${embedder}): the browser refuses it without asking the user.`
        : `The microphone is disabled by this page's Permissions Policy (${origin}): the browser refuses it without asking the user.`,
      remedy: embedder ? `To fix it, ${allowFix}; if it has that, ${headerFix}.` : `Send a Permissions-Policy header that allows it: ${headerFix}.`,
      details,
    });
  }
  return new VoicewireError({
    code: ErrorCode.MICROPHONE_BLOCKED_BY_POLICY,
    message: `The microphone was refused in a frame of another origin (${origin}, embedded by ${embedder}). This browser does not expose Permissions Policy; the usual cause is an <iframe> without allow="microphone" (a user's earlier "Block" for ${origin} looks the same).`,
    remedy: `Most likely: ${allowFix}. Else ${headerFix}, or ask the user to allow the microphone for ${origin} in the site settings.`,
    details,
  });
}

/**
 * The inferred problem for engines without a policy API, found without touching the microphone: a cross-origin frame
 * whose microphone permission already reads `denied` (W3C Permissions, "get the current permission state": a feature
 * the document may not use reads `denied`; measured so in Chromium 156, Firefox ESR 153 and WebKitGTK 2.50).
 */
export async function inferredPolicyProblem(scope: PolicyScope = globalThis as PolicyScope): Promise<VoicewireError | null> {
  if (microphonePolicy(scope) !== 'unknown' || crossOriginEmbedder(scope) === null) return null;
  try {
    const status = await scope.navigator?.permissions?.query({ name: 'microphone' });
    return status?.state === 'denied' ? microphonePolicyProblem(true, scope) : null;
  } catch {
    return null;
  }
}
