// Whether dist/ is older than the sources it is built from: `npm start` rebuilds only then (a build takes 30-60 s).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the build reads, relative to the repository root. */
export const BUILD_INPUTS = ['src', 'worklets', 'scripts', 'demo/react', 'rollup.config.mjs', 'package.json', 'tsconfig.json'];
/** What the server serves from the build: if any is missing or older than an input, the build is stale. */
export const BUILD_OUTPUTS = ['dist/browser/voicewire.js', 'dist/browser/protocols/moshi.js', 'dist/index.js', 'dist/demo-react/app.js'];

/** Newest modification time (ms) of a file or of every file under a folder; 0 when nothing is there. */
export function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The reason to rebuild, or null when every output is newer than every input. */
export function staleReason(root: string): string | null {
  const outputs = BUILD_OUTPUTS.map((p) => ({ p, t: existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0 }));
  const missing = outputs.find((o) => o.t === 0);
  if (missing) return `${missing.p} is missing`;
  const oldest = Math.min(...outputs.map((o) => o.t));
  const changed = BUILD_INPUTS.find((p) => newestMtimeMs(join(root, p)) > oldest);
  return changed === undefined ? null : `${changed} changed since the last build`;
}
