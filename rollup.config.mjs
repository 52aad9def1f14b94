import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import dts from 'rollup-plugin-dts';
import terser from '@rollup/plugin-terser';
import { stripPrivate } from './scripts/strip-private.mjs';
import { WORKLET_SOURCES_ID, workletSources } from './scripts/worklet-sources.mjs';

const pkg = JSON.parse(readFileSync('./package.json', 'utf8'));
// React is an optional peer dependency of voicewire/react only: never bundled.
const external = [...Object.keys(pkg.dependencies), 'react', /^node:/];
// Two packages whose browser entries are CommonJS, which rollup cannot read without the commonjs plugin; each
// ships an ES module twin: eventemitter3's ESM build, and opus-decoder's worker helper (`export default Worker`).
const ESM_TWINS = {
  eventemitter3: './node_modules/eventemitter3/dist/eventemitter3.esm.js',
  '@eshaz/web-worker': './node_modules/@eshaz/web-worker/browser.js',
};
const esmTwins = {
  name: 'esm-twins',
  resolveId: (id) => (id in ESM_TWINS ? fileURLToPath(new URL(ESM_TWINS[id], import.meta.url)) : null),
};
const ts = () => typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts', 'worklets/**/*.ts'], compilerOptions: { noEmit: false, declaration: false, sourceMap: true } });

/** The package's entries: `voicewire` and its subpaths (package.json `exports` lists the same names). */
export const ENTRIES = {
  index: 'src/index.ts',
  'protocols/voicewire': 'src/protocols/voicewire/index.ts',
  'protocols/moshi': 'src/protocols/moshi/index.ts',
  'protocols/kyutai': 'src/protocols/kyutai/index.ts',
  'protocols/realtime': 'src/protocols/realtime/index.ts',
  audio: 'src/audio/index.ts',
  transport: 'src/transport/index.ts',
  codecs: 'src/codecs/index.ts',
  dsp: 'src/dsp/index.ts',
  // Opt-in session parts (passed in its options), so a plain session's bundle holds none of them.
  stream: 'src/session/stream-audio.ts',
  turns: 'src/session/turns.ts',
  // React bindings: shares the chunks of the root entry (one VoiceSession class), React stays the app's.
  react: 'src/react/index.ts',
};
// The browser build names the root entry after the package: dist/browser/voicewire.js.
const { index, react: _react, ...subpaths } = ENTRIES;
const BROWSER_ENTRIES = { voicewire: index, ...subpaths };

export default [
  // The npm package: dependencies stay external, the consumer's bundler resolves them.
  {
    input: ENTRIES,
    external,
    plugins: [workletSources({ emitFiles: true }), ts()],
    output: [
      { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', hoistTransitiveImports: false },
      { dir: 'dist', format: 'cjs', sourcemap: true, exports: 'named', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', hoistTransitiveImports: false },
    ],
  },
  // Self-contained ES modules for a <script type="module"> (the demo, the browser tests): one file per entry
  // (dist/browser/voicewire.js, dist/browser/protocols/moshi.js, …) over shared chunks; heavy codecs stay behind
  // dynamic imports, in chunks of their own.
  {
    input: BROWSER_ENTRIES,
    plugins: [workletSources(), esmTwins, resolve({ browser: true, preferBuiltins: false }), ts()],
    output: { dir: 'dist/browser', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', plugins: [terser({ module: true })] },
  },
  // `voicewire/doctor` and the `voicewire` command (package.json "bin"): Node only, ES modules, shared code in one chunk.
  {
    input: { doctor: 'src/doctor/index.ts', cli: 'src/doctor/bin.ts' },
    external,
    plugins: [ts()],
    output: {
      dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'doctor/[name]-[hash].js',
      banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  { input: 'src/doctor/index.ts', external, plugins: [dts(), stripPrivate()], output: { file: 'dist/doctor.d.ts', format: 'es' } },
  {
    input: ENTRIES,
    external: [...external, WORKLET_SOURCES_ID],
    plugins: [dts(), stripPrivate()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
  // The same declarations for `require` (TypeScript's node16/nodenext resolution reads .d.cts for .cjs).
  {
    input: ENTRIES,
    external: [...external, WORKLET_SOURCES_ID],
    plugins: [dts(), stripPrivate()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
  },
];
