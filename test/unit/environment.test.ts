// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { assertAudioCapable, diagnose } from '../../src/environment/diagnose.js';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';

/** A fake page scope: happy-dom has no Web Audio and no isSecureContext, so each test says what the page has. */
function page(href: string, has: { secure: boolean; audioWorklet?: boolean; mediaDevices?: boolean; isolated?: boolean; opus?: boolean }) {
  class FakeAudioContext {}
  if (has.audioWorklet ?? has.secure) Object.defineProperty(FakeAudioContext.prototype, 'audioWorklet', { get: () => ({}) });
  const url = new URL(href);
  return {
    document: {},
    location: { href, origin: url.origin, protocol: url.protocol, hostname: url.hostname, port: url.port, pathname: url.pathname, search: url.search },
    isSecureContext: has.secure,
    crossOriginIsolated: has.isolated ?? false,
    SharedArrayBuffer: has.isolated ? SharedArrayBuffer : undefined,
    AudioContext: FakeAudioContext,
    AudioEncoder: has.opus ? { isConfigSupported: async () => ({ supported: true }) } : undefined,
    navigator: (has.mediaDevices ?? has.secure) ? { mediaDevices: { getUserMedia: async () => ({}) } } : {},
  } as unknown as typeof globalThis;
}

describe('diagnose', () => {
  it('reports an insecure LAN page with a remedy naming its own host and port', async () => {
    const r = await diagnose(page('http://192.168.1.20:8998/app?x=1', { secure: false }));
    expect(r).toMatchObject({ runtime: 'browser', origin: 'http://192.168.1.20:8998', secureContext: false, audioContext: true, audioWorklet: false, mediaDevices: false, webCodecsOpus: false });
    expect(r.problems.map((p) => p.code)).toEqual([ErrorCode.INSECURE_CONTEXT]);
    const { remedy, details } = r.problems[0];
    expect(remedy).toContain('ssh -L 8998:localhost:8998 user@192.168.1.20');
    expect(remedy).toContain('http://localhost:8998/app?x=1');
    expect(remedy).toContain('--unsafely-treat-insecure-origin-as-secure=http://192.168.1.20:8998');
    expect(remedy).toMatch(/HTTPS/);
    expect(details).toMatchObject({ host: '192.168.1.20', port: '8998' });
  });

  it('tunnels a privileged port to an unprivileged local one', async () => {
    const r = await diagnose(page('http://voice.lan/', { secure: false }));
    expect(r.problems[0].remedy).toContain('ssh -L 8080:localhost:80 user@voice.lan');
  });

  it('finds nothing wrong on a secure page with everything present', async () => {
    const r = await diagnose(page('https://app.example/', { secure: true, isolated: true, opus: true }));
    expect(r).toMatchObject({ secureContext: true, audioWorklet: true, mediaDevices: true, crossOriginIsolated: true, sharedArrayBuffer: true, webCodecsOpus: true, problems: [] });
  });

  it('tells a secure page without AudioWorklet or getUserMedia apart from an insecure one', async () => {
    const r = await diagnose(page('https://app.example/', { secure: true, audioWorklet: false, mediaDevices: false }));
    expect(r.problems.map((p) => p.code)).toEqual([ErrorCode.WORKLET_UNSUPPORTED, ErrorCode.MICROPHONE_UNAVAILABLE]);
  });

  it('says what Node lacks instead of throwing', async () => {
    const r = await diagnose();
    expect(r.runtime).not.toBe('other');
    const node = await diagnose({ process } as unknown as typeof globalThis);
    expect(node).toMatchObject({ runtime: 'node', origin: null, secureContext: null, audioContext: false, audioWorklet: false, mediaDevices: false });
    expect(node.problems.map((p) => p.code)).toEqual([ErrorCode.AUDIO_CONTEXT_UNSUPPORTED]);
    expect(node.problems[0].remedy).toMatch(/async iterable/);
  });
});

describe('assertAudioCapable', () => {
  it('throws INSECURE_CONTEXT first on an insecure page', () => {
    expect(() => assertAudioCapable({ worklet: true }, page('http://10.0.0.5:3000/', { secure: false }))).toThrow(VoicewireError);
    try {
      assertAudioCapable({ microphone: true }, page('http://10.0.0.5:3000/', { secure: false }));
    } catch (e) {
      expect((e as VoicewireError).code).toBe(ErrorCode.INSECURE_CONTEXT);
    }
  });
  it('only throws what blocks the needs asked for', () => {
    const noMic = page('https://app.example/', { secure: true, mediaDevices: false });
    expect(() => assertAudioCapable({ worklet: true }, noMic)).not.toThrow();
    expect(() => assertAudioCapable({ microphone: true }, noMic)).toThrow(/getUserMedia/);
  });
});
