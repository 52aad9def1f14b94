// One row of a load run: N clients of one kind against the server, started over a second (as users arrive), then
// a measured window: client and server CPU, the client's event-loop delay, and what a simulated playout heard.
import type { ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile } from '../percentile.js';
import { CLIENTS, FRAME_MS, type ClientKind } from './clients.js';
import { procUsage } from './server.js';

export interface Row {
  kind: ClientKind;
  n: number;
  /** Sessions that could not start (refused, timed out), and the first one's error. */
  failed: number;
  failure: string;
  withUnderruns: number;
  underruns: number;
  receivedPct: number;
  gapP99Ms: number;
  /** Client CPU, % of one core, all sessions together. */
  clientCpuPct: number;
  serverCpuPct: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measure(kind: ClientKind, n: number, origin: string, server: ChildProcess, windowMs: number, warmupMs = 1500): Promise<Row> {
  const clients = Array.from({ length: n }, () => CLIENTS[kind](origin));
  let failure = '';
  const started = await Promise.all(clients.map((c, i) => sleep((i * 1000) / n).then(() => c.start().then(() => true, (e: { code?: string; message?: string }) => {
    failure ||= e.code ?? String(e.message);
    return false;
  }))));
  await sleep(warmupMs);
  for (const c of clients) c.playout.reset();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const srv0 = procUsage(server.pid!);
  const t0 = performance.now();
  await sleep(windowMs);
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const srv = procUsage(server.pid!);
  loop.disable();
  await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
  const live = clients.filter((_, i) => started[i]);
  const gaps = live.flatMap((c) => c.playout.gapsMs);
  const row: Row = {
    kind,
    n,
    failed: n - live.length,
    failure,
    withUnderruns: live.filter((c) => c.playout.underruns > 0).length,
    underruns: live.reduce((a, c) => a + c.playout.underruns, 0),
    receivedPct: (100 * live.reduce((a, c) => a + c.playout.receivedMs, 0)) / Math.max(1, live.length * elapsedS * 1000),
    gapP99Ms: percentile(gaps, 99),
    clientCpuPct: (100 * (cpu.user + cpu.system)) / 1e6 / elapsedS,
    serverCpuPct: (100 * (srv.cpuS - srv0.cpuS)) / elapsedS,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  };
  await sleep(500); // the server closes the sockets before the next row
  (globalThis as { gc?: () => void }).gc?.();
  return row;
}

/**
 * Why a row is not "held": the first of these that shows. A frame is late when the client's own event loop is
 * behind by more than a frame at p99 (frames leave late), when a simulated playout runs dry (they arrived late), or
 * when audio is missing. (p99, not max: on a shared machine one stall of the whole box would end every ramp.)
 */
export function breakage(row: Row): string | null {
  if (row.failed > 0) return `${row.failed} sessions could not start (${row.failure})`;
  if (row.clientCpuPct > 90) return `client CPU ${row.clientCpuPct.toFixed(0)} % of a core`;
  if (row.serverCpuPct > 90) return `server CPU ${row.serverCpuPct.toFixed(0)} % of a core`;
  if (row.loopP99Ms > FRAME_MS) return `client event loop delay p99 ${row.loopP99Ms.toFixed(0)} ms (> a ${FRAME_MS} ms frame)`;
  if (row.withUnderruns > 0) return `${row.withUnderruns} of ${row.n} sessions underran`;
  if (row.receivedPct < 95) return `only ${row.receivedPct.toFixed(0)} % of the audio came back`;
  return null;
}
