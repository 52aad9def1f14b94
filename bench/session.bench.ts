// Issue 7's figures: round-trip latency through a real browser session, and concurrent Node sessions per machine.
import { loadBench } from './session-load.js';
import { latencyBench } from './session-latency.js';

export default async function sessionBench(): Promise<void> {
  await latencyBench();
  await loadBench();
}
