import { describe, expect, it } from 'vitest';
import { AudioEngine } from '../../src/audio/engine.js';
import { microphoneConstraints, microphoneError } from '../../src/audio/microphone.js';
import { classifyUrlFailure } from '../../src/audio/worklet-failure.js';
import type { ServerReply } from '../../src/environment/module-load.js';
import { joinWorkletSources } from '../../src/audio/worklet-loader.js';
import type { VoicewireError } from '../../src/errors/errors.js';

const abort = new DOMException('Failed to load worklet module script', 'AbortError');
const reply = (r: Partial<ServerReply>): ServerReply => ({ status: 200, contentType: 'text/javascript', firstBytes: 'class P {}', fetchError: null, ...r });

describe('classifyUrlFailure (the preflight decides, not the browser\'s wording)', () => {
  it.each([
    [reply({ status: null, contentType: null, firstBytes: null, fetchError: 'TypeError: Failed to fetch' }), 'WORKLET_NOT_FOUND'],
    [reply({ status: 500 }), 'WORKLET_NOT_FOUND'],
    [reply({ contentType: 'application/octet-stream' }), 'WORKLET_NOT_JAVASCRIPT'],
    [reply({ contentType: 'text/javascript', firstBytes: '  <html>' }), 'WORKLET_NOT_JAVASCRIPT'],
    [reply({ contentType: 'application/x-javascript; charset=utf-8' }), 'WORKLET_BLOCKED_BY_CSP'],
  ])('%o → %s', (r, code) => {
    expect(classifyUrlFailure(abort, 'https://cdn.test/w.js', r, null).code).toBe(code);
  });

  it('a CSP report, when the browser sends one, is named in the message', () => {
    const e = classifyUrlFailure(abort, 'https://cdn.test/w.js', reply({}), "script-src: script-src 'self'");
    expect(e.message).toContain("script-src 'self'");
  });

  it("a missing fallback file after the CSP refused blob: does not offer the Blob as the way out; without a refusal it does", () => {
    const missing = reply({ status: 404, contentType: 'text/plain', firstBytes: 'Not Found' });
    const fallback = classifyUrlFailure(abort, 'https://app.test/w.js', missing, null, true);
    expect(fallback.code).toBe('WORKLET_NOT_FOUND');
    expect(fallback.remedy).not.toContain('drop moduleUrl');
    expect(fallback.remedy).toContain('refused the built-in processors (blob:)');
    expect(fallback.details).toMatchObject({ blobRefused: true });
    expect(classifyUrlFailure(abort, 'https://app.test/w.js', missing, null).remedy).toContain('Or drop moduleUrl');
  });

  it('redacts the URL in message and details, keeps what the server said', () => {
    const e = classifyUrlFailure(abort, 'https://cdn.test/w.js?api_key=sk-live-1234', reply({ status: 403, firstBytes: 'forbidden' }), null);
    expect(JSON.stringify(e)).not.toContain('sk-live-1234');
    expect(e.details).toMatchObject({ url: 'https://cdn.test/w.js?api_key=[redacted]', status: 403, firstBytes: 'forbidden' });
  });
});

describe('microphoneError', () => {
  it.each([
    ['NotAllowedError', 'MICROPHONE_DENIED'],
    ['SecurityError', 'MICROPHONE_DENIED'],
    ['NotFoundError', 'MICROPHONE_NOT_FOUND'],
    ['OverconstrainedError', 'MICROPHONE_NOT_FOUND'],
    // Chromium's fake device cannot be "in use": this mapping is checked here only.
    ['NotReadableError', 'MICROPHONE_IN_USE'],
    ['AbortError', 'MICROPHONE_IN_USE'],
    ['TypeError', 'MICROPHONE_UNAVAILABLE'],
  ])('%s → %s', (name, code) => {
    const e = microphoneError(new DOMException('x', name));
    expect(e.code).toBe(code);
    expect(e.remedy.length).toBeGreaterThan(20);
  });

  it('an OverconstrainedError naming no constraint (WebKit with no capture device, Quirk Q6) says no microphone was found', () => {
    const none = Object.assign(new DOMException('Invalid constraint', 'OverconstrainedError'), { constraint: '' });
    expect(microphoneError(none)).toMatchObject({ code: 'MICROPHONE_NOT_FOUND', message: 'No microphone was found.' });
    const named = Object.assign(new DOMException('x', 'OverconstrainedError'), { constraint: 'deviceId' });
    expect(microphoneError(named).message).toBe('No microphone satisfies the requested constraints (deviceId).');
  });

  it('asks for voice processing by default and never for a sample rate', () => {
    expect(microphoneConstraints()).toEqual({ echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: { ideal: 1 } });
    expect(microphoneConstraints({ deviceId: 'd' }).deviceId).toEqual({ exact: 'd' });
  });
});

describe('joinWorkletSources', () => {
  it('keeps two bundles with the same top-level names apart in one script', () => {
    const code = joinWorkletSources({ a: 'const RING = 1; out.push(RING);', b: 'const RING = 2; out.push(RING);' });
    const out: number[] = [];
    new Function('out', code)(out);
    expect(out).toEqual([1, 2]);
  });
});

describe('AudioEngine event types', () => {
  it('type-checks listeners (checked by tsc --noEmit)', () => {
    const engine = new AudioEngine();
    engine.on('blocked', (e: VoicewireError) => e.code);
    engine.on('workletFallback', (e: VoicewireError, url: string) => `${e.code} ${url}`);
    // @ts-expect-error unlocked carries no payload
    engine.on('unlocked', (e: VoicewireError) => e);
    // @ts-expect-error no such event
    engine.on('blockd', () => undefined);
    expect(engine.listenerCount('blocked')).toBe(1);
  });
});
