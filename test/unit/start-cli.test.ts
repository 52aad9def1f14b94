import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_INPUTS, BUILD_OUTPUTS, staleReason } from '../../demo/server/build-state.js';
import { parseServerArgs } from '../../demo/server/options.js';

const ROOT = resolve(import.meta.dirname, '../..');

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('npm start for a newcomer', () => {
  it('--help answers with the options and builds nothing', async () => {
    const r = await run('demo/server/start.ts', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--port PORT');
    expect(r.stdout).toContain('--allow-origin ORIGIN');
    expect(r.stdout).not.toContain('building');
  });

  it('a bad flag or value is one line with the fix, exit 2', async () => {
    const unknown = await run('demo/server/start.ts', ['--prot', '9000']);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toEqual(['voicewire: unknown option --prot. See the options with: npm start -- --help']);
    const value = await run('demo/server/start.ts', ['--port', 'http']);
    expect(value.code).toBe(2);
    expect(lines(value.stderr)).toEqual(['voicewire: --port http: expected a whole number from 0 to 65535 (npm start -- --help lists the options)']);
  });

  it('a taken port is one line naming the port and the --port fix, exit 1 (no stack)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await run('demo/server/main.ts', ['--port', String(port)]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([
        `voicewire: port ${port} on 127.0.0.1 is already in use (another npm start?). Stop that process, or pick another port: npm start -- --port ${port + 1} (0 picks a free one)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('parses the documented options into numbers and refuses an origin with a path', () => {
    expect(parseServerArgs(['--port', '0', '--allow-origin', 'http://localhost:5173', '--allow-origin', 'https://app.test'])).toMatchObject({
      port: 0, allowOrigins: ['http://localhost:5173', 'https://app.test'], echoDelayMs: 300, maxSessions: 256,
    });
    expect(parseServerArgs(['--allow-origin', 'http://localhost:5173/app'])).toEqual({
      error: 'voicewire: --allow-origin http://localhost:5173/app: expected an origin like http://localhost:5173 (scheme, host, port; no path)',
    });
    expect(parseServerArgs(['--port'])).toEqual({ error: 'voicewire: option --port needs a value. See the options with: npm start -- --help' });
  });
});

describe('the build-staleness check behind npm start', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function tree(inputAgeS: number, outputAgeS: number): void {
    root = mkdtempSync(join(tmpdir(), 'vw-stale-'));
    const now = Date.now() / 1000;
    for (const p of [...BUILD_INPUTS.map((i) => (i.includes('.') ? i : `${i}/a/file.ts`)), ...BUILD_OUTPUTS]) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), 'x');
      const age = p.startsWith('dist/') ? outputAgeS : inputAgeS;
      utimesSync(join(root, p), now - age, now - age);
    }
  }

  it('is fresh when every output is newer than every input', () => {
    tree(100, 10);
    expect(staleReason(root)).toBeNull();
  });

  it('is stale when a source deep in a folder changed after the build', () => {
    tree(100, 10);
    utimesSync(join(root, 'src/a/file.ts'), Date.now() / 1000, Date.now() / 1000);
    expect(staleReason(root)).toBe('src changed since the last build');
  });

  it('is stale when an output is missing', () => {
    tree(100, 10);
    rmSync(join(root, 'dist/index.js'));
    expect(staleReason(root)).toBe('dist/index.js is missing');
  });
});
