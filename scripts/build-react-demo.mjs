// Builds the React example (demo/react) into dist/demo-react with esbuild: the app imports `voicewire/react` by
// package name, which resolves to this package's own dist/ through its exports map (run after rollup).
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist/demo-react', { recursive: true });
await build({
  entryPoints: ['demo/react/app.tsx'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  outfile: 'dist/demo-react/app.js',
  // 'error': rollup's chunks carry bare imports that esbuild rightly drops under sideEffects: false, one warning each.
  logLevel: 'error',
});
copyFileSync('demo/react/index.html', 'dist/demo-react/index.html');
