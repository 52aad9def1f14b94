import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
const APP_SOURCES = join(ROOT, 'test/browser/fixtures/consumer-app');

/** An app folder whose node_modules holds voicewire as `npm pack` ships it. */
export interface ConsumerApp {
  /** The temp folder: node_modules/, default/ and strict/ (test/browser/fixtures/consumer-app, each with its index.html), out/. */
  dir: string;
  /** The packed package's file list (paths inside the tarball, without `package/`). */
  packed: string[];
}

/**
 * Packs the built package (dist/ must be current) and installs the tarball into a fresh app folder the way npm lays
 * it out, offline: the tarball is unpacked to node_modules/voicewire, and each of its declared `dependencies` is
 * linked from this repo's node_modules (already installed by `npm ci`, so no network and no cache needed). An import
 * the package makes without declaring it therefore fails the consumer's build, as it would after `npm install`.
 */
export function createConsumerApp(): ConsumerApp {
  const dir = mkdtempSync(join(tmpdir(), 'voicewire-consumer-'));
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const installed = join(dir, 'node_modules/voicewire');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, pack.filename), '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies)) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  cpSync(APP_SOURCES, dir, { recursive: true });
  // Both apps have the same page; only their main.js differs.
  for (const variant of ['default', 'strict']) cpSync(join(dir, 'index.html'), join(dir, variant, 'index.html'));
  return { dir, packed: pack.files.map((f) => f.path) };
}

/** `vite build` of the app's `variant` folder (its index.html) into out/NAME, relative asset URLs. */
export async function buildWithVite(app: ConsumerApp, variant: 'default' | 'strict', name: string): Promise<string> {
  const outDir = join(app.dir, 'out', name);
  await viteBuild({ root: join(app.dir, variant), base: './', configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * esbuild as an app without a dev server uses it: bundle main.js for the browser, minified, ESM (no code splitting:
 * dynamic imports are inlined), next to a copy of the app's own index.html.
 */
export async function buildWithEsbuild(app: ConsumerApp, variant: 'default', name: string): Promise<string> {
  const outDir = join(app.dir, 'out', name);
  await esbuild({
    entryPoints: [join(app.dir, variant, 'main.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    outdir: outDir,
    logLevel: 'warning',
  });
  cpSync(join(app.dir, variant, 'index.html'), join(outDir, 'index.html'));
  return outDir;
}

/** Every file under `dir`, relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
