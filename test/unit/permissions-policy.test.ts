import { describe, expect, it } from 'vitest';
import {
  crossOriginEmbedder,
  inferredPolicyProblem,
  microphonePolicy,
  microphonePolicyProblem,
  type PolicyScope,
} from '../../src/environment/permissions-policy.js';
import { ErrorCode } from '../../src/errors/errors.js';

const ORIGIN = 'https://widget.example';
const EMBEDDER = 'https://shop.example';
const policy = (allows: boolean | 'throws') => ({
  allowsFeature: (feature: string) => {
    if (allows === 'throws') throw new Error('no');
    return feature === 'microphone' ? allows : true;
  },
});
/** A top window of another origin: reading its location throws, as across origins in a browser. */
const foreignTop = {
  get location(): never {
    throw new DOMException('Blocked a frame', 'SecurityError');
  },
};

/** A scope of a frame (`top` given) or of a top-level page, with the policy object and permission state given. */
function scope(o: { top?: unknown; ancestors?: string[]; document?: PolicyScope['document']; permission?: string | 'throws' }): PolicyScope {
  const self = {};
  return {
    self,
    top: o.top ?? self,
    document: o.document ?? {},
    location: { origin: ORIGIN, ancestorOrigins: o.ancestors },
    navigator: {
      permissions: {
        query: async () => {
          if (o.permission === 'throws') throw new TypeError("'microphone' is not a valid PermissionName");
          return { state: o.permission ?? 'prompt' };
        },
      },
    },
  };
}

describe('Permissions Policy for the microphone', () => {
  it('reads the spec name first and the older featurePolicy second; no object, or one that throws, is unknown', () => {
    expect(microphonePolicy(scope({ document: { permissionsPolicy: policy(false), featurePolicy: policy(true) } }))).toBe('blocked');
    expect(microphonePolicy(scope({ document: { featurePolicy: policy(true) } }))).toBe('allowed');
    expect(microphonePolicy(scope({}))).toBe('unknown');
    expect(microphonePolicy(scope({ document: { featurePolicy: policy('throws') } }))).toBe('unknown');
  });

  it('names the embedding origin of a cross-origin frame: ancestorOrigins where the engine has it, else "another origin"', () => {
    expect(crossOriginEmbedder(scope({}))).toBeNull();
    expect(crossOriginEmbedder(scope({ top: { location: { origin: ORIGIN } } }))).toBeNull();
    expect(crossOriginEmbedder(scope({ top: foreignTop, ancestors: ['https://inner.example', EMBEDDER] }))).toBe(EMBEDDER);
    expect(crossOriginEmbedder(scope({ top: foreignTop }))).toBe('another origin');
  });

  it('a top-level page whose header disables the microphone: the remedy is the header, not an iframe', () => {
    const problem = microphonePolicyProblem(false, scope({ document: { featurePolicy: policy(false) } }))!;
    expect(problem.code).toBe(ErrorCode.MICROPHONE_BLOCKED_BY_POLICY);
    expect(problem.message).toBe(
      `The microphone is disabled by this page's Permissions Policy (${ORIGIN}): the browser refuses it without asking the user.`,
    );
    expect(problem.remedy).toContain(`Permissions-Policy: microphone=(self "${ORIGIN}")`);
    expect(problem.remedy).not.toContain('iframe');
    expect(problem.details).toEqual({ origin: ORIGIN, embedder: null, evidence: 'permissions-policy' });
    expect(problem.userMessage).toBe("This page can't use your microphone while embedded here. Open it in its own tab.");
  });

  it('without a policy object nothing is claimed, unless asked to infer it in a cross-origin frame', () => {
    const framed = scope({ top: foreignTop, ancestors: [EMBEDDER] });
    expect(microphonePolicyProblem(false, framed)).toBeNull();
    expect(microphonePolicyProblem(true, scope({}))).toBeNull();
    const inferred = microphonePolicyProblem(true, framed)!;
    expect(inferred.details).toEqual({ origin: ORIGIN, embedder: EMBEDDER, evidence: 'cross-origin-frame' });
    expect(inferred.remedy).toMatch(
      /^Most likely: add allow="microphone" to the <iframe> that embeds https:\/\/widget\.example on https:\/\/shop\.example/,
    );
    // An allowing policy wins over the inference: a refusal there is the user's or the system's.
    expect(microphonePolicyProblem(true, scope({ top: foreignTop, document: { featurePolicy: policy(true) } }))).toBeNull();
  });

  it('diagnose-time inference needs a cross-origin frame AND a denied permission; a query that throws claims nothing', async () => {
    const framed = (permission: string) => scope({ top: foreignTop, ancestors: [EMBEDDER], permission });
    expect((await inferredPolicyProblem(framed('denied')))?.code).toBe(ErrorCode.MICROPHONE_BLOCKED_BY_POLICY);
    expect(await inferredPolicyProblem(framed('prompt'))).toBeNull();
    expect(await inferredPolicyProblem(framed('throws'))).toBeNull();
    expect(await inferredPolicyProblem(scope({ permission: 'denied' }))).toBeNull();
    // Where the engine has a policy object, diagnose() already asked it synchronously.
    expect(await inferredPolicyProblem(scope({ top: foreignTop, permission: 'denied', document: { featurePolicy: policy(true) } }))).toBeNull();
  });
});
