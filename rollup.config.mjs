import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import dts from 'rollup-plugin-dts';
import terser from '@rollup/plugin-terser';
import { WORKLET_SOURCES_ID, workletSources } from './scripts/worklet-sources.mjs';

const pkg = JSON.parse(readFileSync('./package.json', 'utf8'));
const external = [...Object.keys(pkg.dependencies), /^node:/];
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

/** voicewire/react imports the root entry by the package's own name: one copy of the SDK, React left to the app. */
const rootByName = {
  name: 'root-by-name',
  resolveId: (id, importer) => (id === '../index.js' && importer?.includes('/src/react/') ? { id: 'voicewire', external: true } : null),
};
const reactEntry = [
  {
    input: 'src/react/index.ts',
    external: [...external, 'react', 'voicewire'],
    plugins: [rootByName, ts()],
    output: [
      { file: 'dist/react.js', format: 'es', sourcemap: true },
      { file: 'dist/react.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  { input: 'src/react/index.ts', external: [...external, 'react', 'voicewire', WORKLET_SOURCES_ID], plugins: [rootByName, dts()], output: { file: 'dist/react.d.ts', format: 'es' } },
];

export default [
  ...reactEntry,
  // The npm package: dependencies stay external, the consumer's bundler resolves them.
  {
    input: 'src/index.ts',
    external,
    plugins: [workletSources({ emitFiles: true }), ts()],
    output: [
      { file: 'dist/index.js', format: 'es', sourcemap: true },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  // A self-contained ES module for a <script type="module"> (the demo, the browser tests, the size budget).
  // Heavy codecs stay behind dynamic imports, in chunks of their own.
  {
    input: { voicewire: 'src/index.ts' },
    plugins: [workletSources(), esmTwins, resolve({ browser: true, preferBuiltins: false }), ts()],
    output: { dir: 'dist/browser', format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name]-[hash].js', plugins: [terser({ module: true })] },
  },
  {
    input: 'src/index.ts',
    external: [...external, WORKLET_SOURCES_ID],
    plugins: [dts()],
    output: { file: 'dist/index.d.ts', format: 'es' },
  },
];
