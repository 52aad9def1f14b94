import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * What `npm pack` puts in the tarball (dist/ built by `npm test` before this runs): the entries, their types for
 * import and require, the worklet files for strict-CSP pages, the docs the README links to, the license; and
 * nothing of the sources, tests, demo or tooling.
 */
const packed: string[] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }))[0].files.map(
  (f: { path: string }) => f.path,
);

describe('the npm package', () => {
  it('holds every entry of package.json `exports`; the SDK entries in ESM, CommonJS, .d.ts and .d.cts', () => {
    const exports = JSON.parse(readFileSync('package.json', 'utf8')).exports as Record<string, unknown>;
    const files = (v: unknown): string[] =>
      typeof v === 'string' ? [v] : typeof v === 'object' && v !== null ? Object.values(v).flatMap(files) : [];
    for (const [entry, target] of Object.entries(exports)) {
      for (const file of files(target)) if (!file.includes('*')) expect(packed, entry).toContain(file.replace(/^\.\//, ''));
    }
    // The SDK's twelve entries (root, react, four protocols, audio, transport, codecs, dsp, stream, turns); `./doctor` is a Node
    // command and library, ES modules only.
    const dual = Object.values(exports).filter((v) => typeof v === 'object' && v !== null && 'require' in v);
    expect(dual.length).toBe(12);
    for (const target of dual) expect(files(target).map((f) => f.replace(/.*\./, '.'))).toEqual(['.ts', '.js', '.cts', '.cjs']);
  });

  it('ships the worklet processors as one file, the docs and the license', () => {
    expect(packed.filter((p) => p.startsWith('dist/worklets/'))).toEqual(['dist/worklets/voicewire.processor.js']);
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'docs/errors.md', 'docs/protocol.md']));
  });

  it('holds nothing else: no sources, tests, demo, bench or tooling', () => {
    const stray = packed.filter((p) => !/^(dist\/|docs\/|LICENSE$|README\.md$|package\.json$)/.test(p) || p.startsWith('dist/demo-react/'));
    expect(stray).toEqual([]);
  });

  it('declares no private member in any shipped .d.ts or .d.cts (scripts/strip-private.mjs); such classes stay nominal', () => {
    const declarations = packed.filter((p) => /\.d\.c?ts$/.test(p));
    expect(declarations.length).toBeGreaterThan(20);
    const leaks = declarations.flatMap((p) =>
      readFileSync(p, 'utf8')
        .split('\n')
        .filter((line) => /^\s*private\s/.test(line))
        .map((line) => `${p}: ${line.trim()}`),
    );
    expect(leaks).toEqual([]);
    // VoiceSession had private members: `#private;` keeps a look-alike object from passing as one.
    const text = declarations.map((p) => readFileSync(p, 'utf8')).find((t) => t.includes('declare class VoiceSession '))!;
    const start = text.indexOf('declare class VoiceSession ');
    expect(text.slice(start, text.indexOf('\n}', start))).toContain('#private;');
  });
});
