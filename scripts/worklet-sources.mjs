// Bundles every worklets/*.processor.ts into a standalone script (no imports: AudioWorkletGlobalScope code must be
// self-contained to load from a Blob URL) and exposes them to the SDK as strings through a virtual module.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

export const WORKLET_SOURCES_ID = 'virtual:voicewire-worklets';
const RESOLVED_ID = '\0' + WORKLET_SOURCES_ID;

export function listWorkletEntries(dir = 'worklets') {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.processor.ts'))
    .sort()
    .map((f) => ({ name: basename(f, '.processor.ts'), file: join(dir, f) }));
}

export async function bundleWorklet(file) {
  const bundle = await rollup({
    input: file,
    plugins: [typescript({ tsconfig: './tsconfig.json', include: ['worklets/**/*.ts', 'src/dsp/**/*.ts'], compilerOptions: { noEmit: false, declaration: false, sourceMap: false } })],
    onwarn(warning, warn) {
      if (warning.code !== 'PLUGIN_WARNING') warn(warning);
    },
  });
  // Minified: the source ships inside every bundle as a string, where no consumer's minifier can reach it.
  const { output } = await bundle.generate({ format: 'es', plugins: [terser({ module: true })] });
  await bundle.close();
  return output[0].code;
}

/** Rollup/Vite plugin: `import { WORKLET_SOURCES } from 'virtual:voicewire-worklets'`; optionally emits each file. */
export function workletSources({ emitFiles = false } = {}) {
  let sources;
  return {
    name: 'voicewire-worklet-sources',
    async buildStart() {
      sources = {};
      for (const { name, file } of listWorkletEntries()) {
        this.addWatchFile?.(file);
        sources[name] = await bundleWorklet(file);
        if (emitFiles) this.emitFile({ type: 'asset', fileName: `worklets/${name}.processor.js`, source: sources[name] });
      }
    },
    resolveId(id) {
      return id === WORKLET_SOURCES_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      return `export const WORKLET_SOURCES = ${JSON.stringify(sources)};\n`;
    },
  };
}
