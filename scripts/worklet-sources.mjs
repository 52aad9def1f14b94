// Bundles worklets/voicewire.processor.ts (both processors) into ONE standalone script (no imports:
// AudioWorkletGlobalScope code must be self-contained to load from a Blob URL) and exposes it to the SDK as a string
// through a virtual module. One module, not one per processor: the code they share (ring, pcm handoff…) ships once.
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { exactNames, internalMemberNames } from './member-names.mjs';

export const WORKLET_SOURCES_ID = 'virtual:voicewire-worklets';
const RESOLVED_ID = '\0' + WORKLET_SOURCES_ID;
export const WORKLET_ENTRY = 'worklets/voicewire.processor.ts';
/** The self-hosted file's name under dist/ (package export `voicewire/worklets/voicewire.processor.js`). */
export const WORKLET_FILE = 'worklets/voicewire.processor.js';

export async function bundleWorklet(file = WORKLET_ENTRY) {
  const bundle = await rollup({
    input: file,
    plugins: [typescript({ tsconfig: './tsconfig.json', include: ['worklets/**/*.ts', 'src/dsp/**/*.ts'], compilerOptions: { noEmit: false, declaration: false, sourceMap: false } })],
    onwarn(warning, warn) {
      if (warning.code !== 'PLUGIN_WARNING') warn(warning);
    },
  });
  // Minified: the source ships inside every bundle as a string, where no consumer's minifier can reach it. The
  // bundle is all of the audio thread's code, so its classes' own members can be renamed (member-names.mjs says
  // which); measured on the two processors: 7.65 → 7.08 KB gzip, of which two compress passes give 0.02 KB and
  // pure_getters + pure_new 0.05 KB (every getter in worklets/ and src/dsp only reads, no `new` runs for its side
  // effects alone; together they drop pcm.ts's endianness probe, unused on the audio thread).
  const members = internalMemberNames([file, 'worklets/worklet-scope.d.ts']);
  const minify = terser({ module: true, compress: { passes: 2, pure_getters: true, pure_new: true }, mangle: { properties: { regex: exactNames(members) } } });
  const { output } = await bundle.generate({ format: 'es', plugins: [minify] });
  await bundle.close();
  return output[0].code;
}

/** Rollup/Vite plugin: `import { WORKLET_SOURCE } from 'virtual:voicewire-worklets'`; optionally emits the file. */
export function workletSources({ emitFiles = false } = {}) {
  let source;
  return {
    name: 'voicewire-worklet-sources',
    async buildStart() {
      this.addWatchFile?.(WORKLET_ENTRY);
      source = await bundleWorklet();
      if (emitFiles) this.emitFile({ type: 'asset', fileName: WORKLET_FILE, source });
    },
    resolveId(id) {
      return id === WORKLET_SOURCES_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      return `export const WORKLET_SOURCE = ${JSON.stringify(source)};\n`;
    },
  };
}
