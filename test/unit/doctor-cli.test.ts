import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../support/doctor-servers.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const SECRET = 'tok-7f3a9c1e55';

/** Runs the built bin the way npx does (node reads the shebang'd file), with stdout and stderr not a TTY. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: build first (`npx rollup -c`; `npm test` does it).');
});

describe('the voicewire CLI (dist/cli.js)', () => {
  it('starts with a shebang so npm can link it as a bin', async () => {
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(CLI, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('the package entry `voicewire/doctor` resolves through package.json exports (self-reference) to the built module and its types', async () => {
    const out = await new Promise<string>((done) => execFile(process.execPath, ['--input-type=module', '-e',
      "const m = await import('voicewire/doctor'); console.log(typeof m.doctor, typeof m.renderReport, import.meta.resolve('voicewire/doctor'))"],
    { cwd: resolve(import.meta.dirname, '../..') }, (_e, stdout) => done(stdout.trim())));
    expect(out).toMatch(/^function function file:\/\/.*\/dist\/doctor\.js$/);
    expect(existsSync(resolve(import.meta.dirname, '../../dist/doctor.d.ts'))).toBe(true);
  });

  it('a refused token: exit 1, a ✗ with its fix, the token nowhere in the output, no progress line off a TTY', async () => {
    server = await startFaultServer({ refuse: () => 401 });
    const { code, stdout, stderr } = await run(['doctor', server.wsUrl(`/ws?token=${SECRET}`), '--header', `Authorization: Bearer ${SECRET}`, '--timeout-ms', '3000']);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ Upgrade: the server switches to WebSocket (101)');
    expect(stdout).toMatch(/ {4}fix: Check the token/);
    expect(stdout).toContain('?token=[redacted]');
    expect(stdout + stderr).not.toContain(SECRET);
    expect(stdout).toMatch(/1 problem found\.$/m);
    expect(stderr).toBe('');
  });

  it('--json: the report object (url, ok, checks with id/ok/status/title/detail/remedy), redacted', async () => {
    server = await startFaultServer({ refuse: () => 401 });
    const { code, stdout } = await run(['doctor', server.wsUrl(`/ws?token=${SECRET}`), '--json', '--timeout-ms', '3000']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { url: string; ok: boolean; checks: Array<Record<string, unknown>> };
    expect(report.ok).toBe(false);
    expect(report.url).toBe(`ws://localhost:${server.port}/ws?token=[redacted]`);
    for (const c of report.checks) expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'ok', 'status', 'title', 'detail']));
    expect(report.checks.find((c) => c.id === 'upgrade.auth')).toMatchObject({ ok: false, status: 'fail', remedy: expect.stringMatching(/how it travels/) });
    expect(stdout).not.toContain(SECRET);
  });

  it('a healthy server: exit 0 and "All checks passed"', async () => {
    server = await startFaultServer({ connection: (ws) => ws.send(Buffer.from([0])) });
    const { code, stdout } = await run(['doctor', server.wsUrl('/api/chat'), '--timeout-ms', '3000']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ First message: .*$/m);
    expect(stdout).toMatch(/All checks passed; the server speaks moshi\.$/m);
  });

  it('on a terminal: a progress line on stderr, rewritten in place and cleared before the checklist', async () => {
    server = await startFaultServer({ connection: (ws) => ws.send(Buffer.from([0])) });
    // util-linux `script` (Debian's essential bsdutils) gives the CLI a pseudo-terminal for stdout and stderr.
    const command = [process.execPath, CLI, 'doctor', server.wsUrl('/api/chat'), '--timeout-ms', '3000'].map((a) => `'${a}'`).join(' ');
    const out = await new Promise<string>((done) => execFile('script', ['-qec', command, '/dev/null'], { timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } }, (_e, stdout) => done(stdout)));
    expect(out).toContain('\r\x1b[2K… resolving localhost');
    expect(out).toContain('\r\x1b[2K… waiting up to 3000 ms for the server\'s first message');
    expect(out).toMatch(/\r\x1b\[2Kvoicewire doctor ws:\/\/localhost:\d+\/api\/chat/);
  });

  it('--help exits 0 with the usage; a bad option or protocol exits 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: voicewire doctor URL/);
    expect((await run(['doctor', 'ws://localhost:1/', '--protocol', 'sip'])).code).toBe(2);
    expect((await run(['doctor', 'ws://localhost:1/', '--bogus'])).code).toBe(2);
    expect((await run(['doctor'])).code).toBe(2);
  });
});
