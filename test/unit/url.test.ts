import { describe, expect, it } from 'vitest';
import { ErrorCode, VoicewireError } from '../../src/errors/errors.js';
import { resolveSocketUrl } from '../../src/environment/url.js';

const PAGES = { http: 'http://app.example:8998/voice/index.html', https: 'https://app.example/voice/' } as const;

/** input form → expected URL per page scheme, for a non-loopback target and for a loopback one. */
const MATRIX: Array<{ input: string; http: string; https: string | 'MIXED_CONTENT' }> = [
  { input: '/api/chat', http: 'ws://app.example:8998/api/chat', https: 'wss://app.example/api/chat' },
  { input: 'api/chat', http: 'ws://app.example:8998/voice/api/chat', https: 'wss://app.example/voice/api/chat' },
  { input: '//other.example/x', http: 'ws://other.example/x', https: 'wss://other.example/x' },
  { input: '//localhost:9000/x', http: 'ws://localhost:9000/x', https: 'wss://localhost:9000/x' },
  { input: 'http://other.example/x', http: 'ws://other.example/x', https: 'MIXED_CONTENT' },
  { input: 'https://other.example/x', http: 'wss://other.example/x', https: 'wss://other.example/x' },
  { input: 'ws://other.example/x', http: 'ws://other.example/x', https: 'MIXED_CONTENT' },
  { input: 'wss://other.example/x', http: 'wss://other.example/x', https: 'wss://other.example/x' },
  { input: 'ws://app.example/x', http: 'ws://app.example/x', https: 'MIXED_CONTENT' },
  { input: 'ws://localhost:8998/x', http: 'ws://localhost:8998/x', https: 'ws://localhost:8998/x' },
  { input: 'ws://127.0.0.1:8998/x', http: 'ws://127.0.0.1:8998/x', https: 'ws://127.0.0.1:8998/x' },
  { input: 'ws://127.9.9.9/x', http: 'ws://127.9.9.9/x', https: 'ws://127.9.9.9/x' },
  { input: 'ws://[::1]:8998/x', http: 'ws://[::1]:8998/x', https: 'ws://[::1]:8998/x' },
  { input: 'http://localhost:8998/x', http: 'ws://localhost:8998/x', https: 'ws://localhost:8998/x' },
  { input: 'ws://192.168.1.20:8998/x', http: 'ws://192.168.1.20:8998/x', https: 'MIXED_CONTENT' },
  { input: 'ws://localhost.evil.example/x', http: 'ws://localhost.evil.example/x', https: 'MIXED_CONTENT' },
];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof VoicewireError ? e.code : `not a VoicewireError: ${String(e)}`;
  }
  return undefined;
}

describe('resolveSocketUrl', () => {
  for (const row of MATRIX) {
    for (const scheme of ['http', 'https'] as const) {
      it(`${row.input} on an ${scheme} page`, () => {
        const expected = row[scheme];
        if (expected === 'MIXED_CONTENT') {
          expect(codeOf(() => resolveSocketUrl(row.input, { base: PAGES[scheme] }))).toBe(ErrorCode.MIXED_CONTENT);
        } else {
          expect(resolveSocketUrl(row.input, { base: PAGES[scheme] }).href).toBe(expected);
        }
      });
    }
  }

  it('refuses schemes that cannot carry a WebSocket', () => {
    for (const input of ['ftp://x/y', 'file:///tmp/x', 'javascript:alert(1)', 'data:text/plain,x']) {
      expect(codeOf(() => resolveSocketUrl(input, { base: PAGES.https }))).toBe(ErrorCode.INVALID_URL);
    }
  });

  it('refuses a relative URL on a page opened from a file', () => {
    expect(codeOf(() => resolveSocketUrl('/api/chat', { base: 'file:///home/me/index.html' }))).toBe(ErrorCode.INVALID_URL);
  });

  it('needs a base for a relative URL where there is no page (Node)', () => {
    expect((globalThis as { location?: unknown }).location).toBeUndefined();
    expect(codeOf(() => resolveSocketUrl('/api/chat'))).toBe(ErrorCode.INVALID_URL);
    expect(resolveSocketUrl('ws://localhost:1/x').href).toBe('ws://localhost:1/x');
  });

  it('drops the fragment and keeps the query', () => {
    expect(resolveSocketUrl('/x?voice=a#frag', { base: PAGES.http }).href).toBe('ws://app.example:8998/x?voice=a');
  });

  it('tells how to fix mixed content without leaking the token', () => {
    try {
      resolveSocketUrl('ws://api.example/v1?token=hunter2secret', { base: PAGES.https });
      expect.unreachable();
    } catch (e) {
      const err = e as VoicewireError;
      expect(err.message).toContain('mixed content');
      expect(err.remedy).toContain('wss://api.example/v1');
      expect(JSON.stringify(err) + String(err)).not.toContain('hunter2secret');
    }
  });

  it('reports a malformed URL as INVALID_URL', () => {
    expect(codeOf(() => resolveSocketUrl('ws://[bad', { base: PAGES.http }))).toBe(ErrorCode.INVALID_URL);
  });
});
