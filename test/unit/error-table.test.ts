import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_DOCS } from '../../src/errors/code-docs.js';
import { ERROR_CODES, ErrorCode } from '../../src/errors/codes.js';
import { describeError } from '../../src/errors/describe.js';
import { VoicewireError } from '../../src/errors/errors.js';
import { assertAudioCapable } from '../../src/environment/diagnose.js';
import { ERROR_DOCS, renderErrorDocs } from '../../scripts/error-docs.js';

const ROOT = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the one error table', () => {
  it('has metadata for every code, and nothing else', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(Object.values(ErrorCode).sort());
    expect(Object.keys(ERROR_CODE_DOCS).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('docs/errors.md is what the table renders (run `npm run docs:errors` after editing src/errors/codes.ts)', () => {
    const page = readFileSync(ERROR_DOCS, 'utf8');
    expect(page).toBe(renderErrorDocs(page));
    for (const code of Object.values(ErrorCode)) expect(page).toContain(`| \`${code}\` |`);
  });

  it('gives each error its end-user sentence and retry rule from the table', () => {
    for (const code of Object.values(ErrorCode)) {
      const e = new VoicewireError({ code, message: 'm', remedy: 'r' });
      expect(e.userMessage).toBe(ERROR_CODES[code].userMessage);
      expect(e.retryable).toBe(ERROR_CODES[code].retryable);
    }
    // The transport reconnects after a dropped socket or a server hiccup, never after a refusal.
    expect(Object.entries(ERROR_CODES).filter(([, i]) => i.retryable).map(([c]) => c).sort())
      .toEqual(['CONNECTION_CLOSED', 'CONNECTION_FAILED', 'CONNECTION_TIMEOUT', 'SERVER_ERROR']);
  });

  it('end-user messages are short plain sentences: no codes, commands, markup or jargon', () => {
    for (const [code, { userMessage }] of Object.entries(ERROR_CODES)) {
      expect(userMessage.length, code).toBeLessThanOrEqual(100);
      expect(userMessage, code).toMatch(/^[A-Z].*[.]$/);
      expect(userMessage, code).not.toMatch(/`|npm|npx|--|[A-Z]{2,}_[A-Z]|AudioContext|WebSocket|worklet|\bCSP\b/i);
    }
  });

  it('what a problem blocks decides whether assertAudioCapable() throws for a caller\'s needs', () => {
    // A secure page with AudioWorklet but no getUserMedia: blocks the microphone only.
    class Ctx { }
    (Ctx.prototype as unknown as Record<string, unknown>).audioWorklet = {};
    const page = { location: { origin: 'https://app.test', hostname: 'app.test', port: '', protocol: 'https:', pathname: '/', search: '' }, document: {}, isSecureContext: true, AudioContext: Ctx, navigator: {} };
    const scope = page as unknown as typeof globalThis;
    expect(ERROR_CODES.MICROPHONE_UNAVAILABLE.blocks).toBe('microphone');
    expect(() => assertAudioCapable({ worklet: true }, scope)).not.toThrow();
    expect(() => assertAudioCapable({ worklet: true, microphone: true }, scope)).toThrow(expect.objectContaining({ code: 'MICROPHONE_UNAVAILABLE' }));
  });
});

describe('remedies speak to the app\'s developer', () => {
  it('no remedy in the SDK mentions the demo, npm start, or a command that does not exist', () => {
    const offenders: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('worklets')]) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/npm start|the demo|demo server|\(coming\)|coming in a later release/i.test(line)) offenders.push(`${file.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

describe('describeError: one "anything thrown → text" helper', () => {
  it('names errors, DOMException-like objects from other realms, strings and other values', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError({ name: 'AbortError', message: 'Unable to load a worklet\'s module.' })).toBe('AbortError: Unable to load a worklet\'s module.');
    expect(describeError({ message: 'no name' })).toBe('no name');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
    expect(describeError(null)).toBe('null');
  });
});
