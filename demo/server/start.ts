// `npm start`: answer --help at once, rebuild the SDK only when dist/ is stale, then run the server in this process
// (no child: a signal reaches the server itself, which closes its sessions before exiting).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { staleReason } from './build-state.js';
import { parseServerArgsOrExit } from './options.js';

parseServerArgsOrExit(process.argv.slice(2));
const root = resolve(import.meta.dirname, '../..');
const reason = staleReason(root);
if (reason !== null) {
  console.log(`voicewire: building the SDK (${reason}); 1–3 minutes the first time, skipped while dist/ is current…`);
  // The build's own output only matters when it fails: a first start shows one line, not pages of bundler logs.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    console.error('voicewire: the build failed (see above); fix it, then npm start again');
    process.exit(1);
  }
}
await import('./main.js');
