import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { internalMemberNames } from '../../scripts/member-names.mjs';
import { WORKLET_ENTRY, bundleWorklet } from '../../scripts/worklet-sources.mjs';

// The build renames the worklet bundle's class members (scripts/member-names.mjs); these tests pin which names it
// may touch. That the renamed bundle runs is proven in real browsers (test/browser/pipeline.test.ts, engines-*).

const ENTRIES = [WORKLET_ENTRY, 'worklets/worklet-scope.d.ts'];
/** Every field of what crosses between the threads: postMessage data and processorOptions (worklets/messages.ts). */
const CROSSING = [...readFileSync('worklets/messages.ts', 'utf8').matchAll(/^\s+(\w+)\??: /gm)].map((m) => m[1]);

describe('the worklet bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voicewire-member-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one standalone script that registers both processors once', async () => {
    const code = await bundleWorklet();
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(code.match(/registerProcessor\("voicewire-(capture|playback)"/g)).toEqual([
      'registerProcessor("voicewire-capture"',
      'registerProcessor("voicewire-playback"',
    ]);
  }, 120_000);

  it('renames none of the names another thread or the platform uses: message fields, processorOptions, process(), port', () => {
    const names = internalMemberNames(ENTRIES);
    expect(CROSSING).toEqual(expect.arrayContaining(['type', 'buffer', 'framesDropped', 'wireRate', 'statsIntervalMs', 'capacityMs']));
    expect(names.filter((n) => CROSSING.includes(n) || ['process', 'port', 'length', 'data', 'onmessage', 'postMessage'].includes(n))).toEqual([]);
    // The long internal names it exists for are renamed.
    expect(names).toEqual(expect.arrayContaining(['stretcher', 'resampler', 'concealer', 'availableRead']));
  }, 60_000);

  it('rules a member name out when an interface, an object key, a string, the library or a platform subclass also uses it', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', lib: ['ES2022'] } }),
    );
    writeFileSync(join(dir, 'platform.d.ts'), 'declare class Platform { port: number }\n');
    writeFileSync(
      join(dir, 'a.ts'),
      `
      interface Msg { count: number; kind: string }
      export class Counter {
        private count = 0;
        private secret = 1;
        private total = 0;
        private size = 0;
        tick(): Msg { this.secret += this.total + this.size + [this.count].length; return { count: this.count, kind: 'total' }; }
      }
      export class Node extends Platform {
        private core = 1;
        process(): number { return this.core + this.port; }
      }
      export const shape = { size: 2 };
    `,
    );
    expect(internalMemberNames([join(dir, 'a.ts'), join(dir, 'platform.d.ts')], join(dir, 'tsconfig.json'))).toEqual(['core', 'secret', 'tick']);
  }, 60_000);
});
