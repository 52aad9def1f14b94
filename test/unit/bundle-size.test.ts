import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The size budget of what a page loads up front (dist/browser/voicewire.js, built by `npm test` before this runs).
 * Peers ship 120–350 KB gzipped; codecs (Opus) are separate chunks loaded only by the protocols that need them.
 */
const CORE_BUDGET_GZIP_BYTES = 40 * 1024;

describe('bundle size', () => {
  it(`the browser entry stays under ${CORE_BUDGET_GZIP_BYTES / 1024} KB gzipped`, () => {
    const core = gzipSync(readFileSync('dist/browser/voicewire.js')).length;
    expect(core).toBeLessThan(CORE_BUDGET_GZIP_BYTES);
  });

  it('emits every worklet processor as a file of its own', () => {
    const processors = readdirSync('worklets').filter((f) => f.endsWith('.processor.ts'));
    for (const file of processors) {
      const built = join('dist/worklets', file.replace(/\.ts$/, '.js'));
      expect(readFileSync(built, 'utf8')).toMatch(/registerProcessor\(/);
    }
  });
});
