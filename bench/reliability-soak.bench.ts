// Issue 16: one hour of audio in accelerated time, through the pipeline cores and through a Node session (dist/)
// echoing via the local server in this process. Heap growth after warm-up (full collections before both readings)
// must stay under 1 MB; sample counts in and out are exact.
import { createVoiceSession } from '../dist/index.js';
import { pcmEndpoint } from '../demo/server/pcm-endpoint.js';
import { startLocalServer } from '../demo/server/server.js';
import type { VoiceSession } from '../src/session/voice-session.js';
import { soakPipeline, soakSession, type SoakResult } from '../test/support/soak.js';

const SECONDS = 3600;

function row(name: string, r: SoakResult, exact: string): string {
  const heap = `${(r.heapGrowthBytes / 1024).toFixed(0)} KiB ${Math.abs(r.heapGrowthBytes) < 1024 * 1024 ? '(< 1 MB ✓)' : '(≥ 1 MB ✗)'}`;
  return `| ${name} | ${r.samplesIn} | ${r.samplesOut} (${exact}) | ${r.dropped} | ${r.underruns} | ${heap} | ${(r.wallMs / 1000).toFixed(1)} s (${r.speedup.toFixed(0)}× real time) |`;
}

export default async function soakBench(): Promise<void> {
  const server = await startLocalServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxSessions: 4, maxMessageBytes: 1 << 20, log: () => {} }, { '/ws': pcmEndpoint({ echoDelayMs: 0 }) });
  const url = `${server.url.replace(/^http/, 'ws')}/ws`;
  try {
    const pipeline = soakPipeline(SECONDS);
    // The pipeline's far end is the speaker at twice the wire rate; what has not played yet is the jitter buffer's
    // target plus the resamplers' delay, shown as the difference.
    const session = await soakSession((o) => createVoiceSession({ url, ...o }) as unknown as VoiceSession, SECONDS, 40);
    console.log('| one hour of audio through | samples in (wire) | samples out | dropped | underruns | heap growth after warm-up | wall time |');
    console.log('|---|---|---|---|---|---|---|');
    const pending = 2 * pipeline.samplesIn - pipeline.samplesOut;
    console.log(row('pipeline cores: capture 48k→24k → playback 24k→48k (out at 48 kHz)', pipeline, `2 × in − ${pending} still queued (target + filter delay)`));
    const diff = session.samplesIn - session.samplesOut;
    console.log(row('Node session (dist/) ⇄ local server echo', session, diff === 0 ? 'exact' : `OFF by ${diff}`));
  } finally {
    await server.close();
  }
}

