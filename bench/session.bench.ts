// Issue 7's figure: round-trip latency through a real browser session. (Concurrent Node sessions: load.bench.ts.)
import { latencyBench } from './session-latency.js';

export default async function sessionBench(): Promise<void> {
  await latencyBench();
}
