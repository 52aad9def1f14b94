// Issue 16, load: client CPU per session against raw `ws` clients sending the same bytes (same run, alternating
// order), event-loop delay with Opus encoding on and off the loop, and how many sessions one client process holds
// without late frames, per protocol. Loopback only; bounded in count and time; it stops by itself.
import { availableParallelism, loadavg } from 'node:os';
import { preparePackets, type ClientKind } from './load/clients.js';
import { breakage, measure, type Row } from './load/measure.js';
import { spawnServer } from './load/server.js';

const WINDOW_MS = 5000;
const ROUNDS = 2;
/** Each pair: a voicewire client and its raw baseline, at N sessions. */
const PAIRS: Array<{ kind: ClientKind; raw: ClientKind; n: number }> = [
  { kind: 'voicewire PCM', raw: 'raw ws PCM', n: 50 },
  { kind: 'voicewire Moshi pre-encoded', raw: 'raw ws Moshi', n: 50 },
  { kind: 'voicewire Moshi live (worker)', raw: 'raw ws Moshi', n: 10 },
];
const LOOP_KINDS: ClientKind[] = ['voicewire Moshi live (in thread)', 'voicewire Moshi live (worker)'];
/** Each protocol's voicewire client and the raw client it is held against, ramped the same way in the same run. */
const CAPACITY_KINDS: ClientKind[] = ['raw ws PCM', 'voicewire PCM', 'raw ws Moshi', 'voicewire Moshi pre-encoded', 'voicewire Moshi live (worker)'];
const LEVELS = [25, 50, 100, 200, 400];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const perSession = (r: Row) => r.clientCpuPct / (r.n - r.failed);

export default async function loadBench(): Promise<void> {
  await preparePackets();
  const { child, origin } = await spawnServer(LEVELS.at(-1)! + 50);
  try {
    console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${WINDOW_MS / 1000} s windows; CPU in % of one core`);
    const cpuRows = [];
    for (const { kind, raw, n } of PAIRS) {
      const mine: number[] = [];
      const base: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [raw, kind] : [kind, raw];
        for (const k of order) (k === raw ? base : mine).push(perSession(await measure(k, n, origin, child, WINDOW_MS)));
      }
      cpuRows.push({ client: kind, N: n, 'CPU %/session': median(mine).toFixed(3), [`raw ws %/session`]: median(base).toFixed(3), 'ratio vs raw': (median(mine) / median(base)).toFixed(2) });
    }
    console.log('\nClient CPU per session vs raw ws clients sending the same bytes (median of rounds):');
    console.table(cpuRows);

    const loops = new Map<ClientKind, Row[]>(LOOP_KINDS.map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? LOOP_KINDS : [...LOOP_KINDS].reverse()) loops.get(kind)!.push(await measure(kind, 10, origin, child, WINDOW_MS));
    }
    const loopRows = [...loops].map(([kind, rs]) => ({
      client: kind, N: 10, 'loop delay p99 ms': median(rs.map((r) => r.loopP99Ms)).toFixed(1), 'loop delay max ms': median(rs.map((r) => r.loopMaxMs)).toFixed(1),
      'CPU %/session': median(rs.map(perSession)).toFixed(2), underruns: rs.map((r) => r.underruns).join(' / '),
    }));
    console.log('\nEvent-loop delay at 10 live-encoding Moshi sessions (median of rounds): Opus (opusscript) on the event loop, before, vs in a worker thread, after:');
    console.table(loopRows);

    const capacity = [];
    for (const kind of CAPACITY_KINDS) {
      let held = 0;
      let broke = `still held at ${LEVELS.at(-1)} (the bench's cap)`;
      for (const n of LEVELS) {
        const r = await measure(kind, n, origin, child, WINDOW_MS);
        const why = breakage(r);
        if (why) {
          broke = `at ${n}: ${why}`;
          break;
        }
        held = n;
      }
      capacity.push({ client: kind, 'sessions held': held, 'what broke first': broke });
    }
    console.log(`\nSessions one client process holds without late frames (levels ${LEVELS.join(', ')}; late = client loop stall > a frame, a simulated playout underrun, or < 95 % of the audio back):`);
    console.table(capacity);
  } finally {
    child.kill('SIGTERM');
  }
}
