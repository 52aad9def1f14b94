// The local server (`npm start`) in its own process, so its event loop and CPU figure are its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface SpawnedServer {
  child: ChildProcess;
  /** http://localhost:PORT */
  origin: string;
}

/** `npm start`'s server with no echo delay, on loopback, in a child process. */
export async function spawnServer(maxSessions = 2000): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/main.ts', '--port', '0', '--echo-delay-ms', '0', '--max-sessions', String(maxSessions)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((done, fail) => {
    let text = '';
    child.once('exit', (code) => fail(new Error(`the local server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /local server: (http:\/\/\S+?)\/\s/.exec(text);
      if (m) done(m[1]);
      if (text.length > 1 << 16) text = text.slice(-4096);
    });
  });
  return { child, origin };
}

/** CPU seconds (user + system) and resident MB of another process, from /proc (Linux). */
export function procUsage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of proc(5))
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: ticks / 100, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}
