// `npm run test:artillery` (repo root): a real `artillery run` of examples/moshi.yml against the local server on
// loopback, with this engine. Artillery 2.0.22 (the last that runs on Node 20) is installed on first use into
// .cache/artillery — 583 packages, 573 MB, so never by the root `npm ci`. Exits non-zero when a check fails.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer } from '../../../test/support/demo-server.js';
import { ENGINE_DIR, ROOT, loadEngine } from '../../../test/support/artillery-engine.js';
import { run, tempDir, voiceLike, writeWav16 } from '../../../test/support/opus-tools.js';

const ARTILLERY = '2.0.22';
const CACHE = join(ENGINE_DIR, '.cache/artillery');
const BIN = join(CACHE, 'node_modules/.bin/artillery');

function installArtillery(): void {
  const installed = existsSync(BIN) && JSON.parse(readFileSync(join(CACHE, 'node_modules/artillery/package.json'), 'utf8')).version === ARTILLERY;
  if (installed) return;
  console.log(`installing artillery@${ARTILLERY} into ${CACHE} (once; ~570 MB)…`);
  // Its playwright-core would download a browser at install time; this engine needs none.
  execFileSync('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', `artillery@${ARTILLERY}`], {
    stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
}

interface Report {
  aggregate: { counters: Record<string, number>; summaries: Record<string, { count: number; min: number; max: number; median: number; p95: number }> };
}

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

installArtillery();
loadEngine(); // links voicewire into the engine's node_modules
const dir = tempDir();
writeWav16(join(dir, 'speech.wav'), voiceLike(1.5, 24000, 5), 24000);
run('opusenc', ['--quiet', join(dir, 'speech.wav'), join(dir, 'speech.opus')]);
copyFileSync(join(ENGINE_DIR, 'examples/moshi.yml'), join(dir, 'moshi.yml'));
const server = await startDemoServer();
try {
  const target = server.url.replace(/^http/, 'ws');
  // Artillery requires `artillery-engine-<name>`: NODE_PATH lets it find this package by its folder name.
  execFileSync(BIN, ['run', '--target', target, '--output', join(dir, 'report.json'), join(dir, 'moshi.yml')], {
    cwd: dir, stdio: 'inherit', timeout: 120_000, env: { ...process.env, NODE_PATH: join(ROOT, 'packages'), ARTILLERY_DISABLE_TELEMETRY: 'true' },
  });
  const { counters, summaries } = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report).aggregate;
  const created = counters['vusers.created'] ?? 0;
  check(created === 8, `8 virtual users created (${created})`);
  check(counters['vusers.completed'] === created, `all completed (${counters['vusers.completed']})`);
  check(!counters['vusers.failed'], `none failed (${counters['vusers.failed'] ?? 0})`);
  check(counters['voicewire.sessions'] === created, `a session each (${counters['voicewire.sessions']})`);
  for (const metric of ['voicewire.connect_time', 'voicewire.first_audio', 'voicewire.first_text']) {
    check(summaries[metric]?.count === created, `${metric} reported for each (${JSON.stringify(summaries[metric])})`);
  }
  check(summaries['voicewire.first_text']?.max <= 2000, `first text within 2 s (max ${summaries['voicewire.first_text']?.max} ms)`);
  check('voicewire.underruns' in counters || created === 0, `underruns counted (${counters['voicewire.underruns']})`);
  check(!Object.keys(counters).some((k) => k.startsWith('errors.')), `no errors (${Object.keys(counters).filter((k) => k.startsWith('errors.')).join(', ') || 'none'})`);
} finally {
  await server.stop();
}
if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nartillery run against the local server: all checks passed');
