// Playout figures (issue 11): today's jitter buffer, the adaptive one, and the oracle (the best constant delay
// that lets ≤ 0.5 % of frames arrive late) on the same seeded 10-minute traces, at 48 kHz and 44.1 kHz.
import { simulate, type BufferName, type PlayoutResult } from './playout-sim.js';
import { TRACES, makeTrace, oracleDelay, type TraceName } from './playout-traces.js';

const SECONDS = Number(process.env.PLAYOUT_SECONDS ?? 600);
const SEED = 11;

function line(trace: string, buffer: string, r: PlayoutResult): string {
  const recover = r.recoverMs === null ? '-' : r.recoverMs.toFixed(0);
  return `playout ${trace} ${buffer}: underrun ${r.underrunPct.toFixed(3)}% mean ${r.meanMs.toFixed(0)} ms p95 ${r.p95Ms.toFixed(0)} ms max ${r.maxMs.toFixed(0)} ms recover ${recover} ms jump ${r.jumpMs.toFixed(1)} ms`;
}

export function oracleResult(name: TraceName): PlayoutResult {
  const trace = makeTrace(name, SECONDS, SEED);
  // Drift has no constant answer: the oracle of the same trace without drift.
  const ms = 1000 * oracleDelay(name.startsWith('drift') ? makeTrace(name, SECONDS, SEED, 0) : trace);
  return { underrunPct: 0.5, meanMs: ms, p95Ms: ms, maxMs: ms, recoverMs: trace.bursts.length ? 0 : null, jumpMs: 0, fastest: 1, slowest: 1, stepReachS: null, settleS: null };
}

export default async function playoutBench(): Promise<void> {
  console.log(`Playout: ${SECONDS} s per trace, seed ${SEED}, 20 ms frames, 128-sample quanta; underrun = silence beyond lost frames (oracle: ≤ 0.5 % late by construction)`);
  const extras: string[] = [];
  for (const rate of (process.env.PLAYOUT_RATES ?? '48000,44100').split(',').map(Number)) {
    const suffix = rate === 48000 ? '' : '/44.1k';
    for (const name of TRACES.filter((t) => !process.env.PLAYOUT_TRACES || process.env.PLAYOUT_TRACES.split(',').includes(t))) {
      const trace = makeTrace(name, SECONDS, SEED);
      const oracle = oracleResult(name);
      for (const buffer of ['today', 'new'] as BufferName[]) {
        const r = simulate(trace, buffer, rate);
        console.log(line(name + suffix, buffer, r));
        if (buffer === 'new') {
          const ratio = r.meanMs / oracle.meanMs;
          extras.push(`  ${name}${suffix} new: mean ${ratio.toFixed(2)}× oracle, speed ${r.slowest.toFixed(3)}–${r.fastest.toFixed(3)} over 1 s${r.stepReachS === null ? '' : `, step target reached in ${r.stepReachS.toFixed(1)} s`}${r.settleS === null ? '' : `, down within 20 ms of the calm oracle (${(1000 * trace.settleTo!).toFixed(0)} ms) in ${r.settleS.target.toFixed(1)} s (target) / ${r.settleS.delay.toFixed(1)} s (delay)`}`);
        }
      }
      console.log(line(name + suffix, 'oracle', oracle));
    }
  }
  console.log(extras.join('\n'));
}
