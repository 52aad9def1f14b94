import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface DemoServer {
  /** e.g. http://localhost:PORT (no trailing slash), as the server printed it. */
  url: string;
  port: number;
  /** Every line the server printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the first line from index `from` on (past or future) matching `pattern`; rejects if the server exits first. */
  waitForLine(pattern: RegExp, from?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code (null when a signal killed it). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The real `npm start` server (demo/server/main.ts with tsx's loader), as a child process on a free port. The SDK
 * must be built first (`npx rollup -c`): the server serves dist/browser. Node runs it directly, not through the tsx
 * CLI: that wrapper relays a signal and SIGKILLs the child unless it acknowledges within 30 ms, which a loaded
 * machine misses — the signal tests would then test tsx, not the server's own shutdown.
 */
export async function startDemoServer(args: string[] = [], env: Record<string, string> = {}): Promise<DemoServer> {
  if (!existsSync(resolve(ROOT, 'dist/browser/voicewire.js'))) {
    throw new Error('dist/browser/voicewire.js is missing: build the SDK first (`npx rollup -c`; `npm test` does it).');
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'demo/server/main.ts', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }>();
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      for (const w of waiters) w.reject(new Error(`the demo server exited (${code}) before printing ${w.pattern}:\n${lines.join('\n')}`));
      waiters.clear();
      done(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const onData = (buffered: { text: string }) => (chunk: Buffer) => {
    buffered.text += chunk.toString('utf8');
    const parts = buffered.text.split('\n');
    buffered.text = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters) {
        if (w.pattern.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData({ text: '' }));
  child.stderr!.on('data', onData({ text: '' }));

  const waitForLine = (pattern: RegExp, from = 0) => {
    const seen = lines.slice(from).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    if (exitCode !== undefined) return Promise.reject(new Error(`the demo server has exited (${exitCode}):\n${lines.join('\n')}`));
    return new Promise<string>((resolve, reject) => waiters.add({ pattern, resolve, reject }));
  };

  const first = await waitForLine(/voicewire local server: https?:\/\/\S+\//);
  const url = /(https?:\/\/[^/\s]+)\//.exec(first)![1];
  return {
    url,
    port: Number(new URL(url).port),
    lines,
    waitForLine,
    async stop(signal = 'SIGTERM') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}
