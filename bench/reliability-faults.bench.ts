// Issue 16: each network and server fault injected into a live Node session (the built dist/), through the fault
// proxy or by killing the server process: how soon it was detected, how soon audio flowed again, and where every
// captured frame went. Loopback only; each case is bounded in time and stops itself.
import { createVoiceSession } from '../dist/index.js';
import { streamAudio } from '../dist/stream.js';
import { startDemoServer } from '../test/support/demo-server.js';
import { startFaultProxy, type FaultProxy } from '../test/support/fault-proxy.js';
import { startVoiceServer, until } from '../test/support/voice-server.js';

interface Row {
  fault: string;
  detectedMs: number | null;
  recoveredMs: number | null;
  /** Sent by the client but never seen by the server (in flight when the link failed). */
  lost: number;
  /** Counted as dropped by the client (reconnecting, over budget, queued when the socket died). */
  dropped: number;
  captured: number;
  /** captured − sent − dropped: frames that vanished without a count (must be 0). */
  uncounted: number;
}

const FRAME = 480;
const policy = { nextRetryDelayMs: ({ attempt }: { attempt: number }) => (attempt <= 100 ? 200 : null) };

async function run(fault: string, inject: (ctx: { proxy: FaultProxy; kill: () => Promise<unknown>; restart: () => Promise<void> }) => Promise<number | void>, options: { livenessTimeoutMs?: number; viaDemoServer?: boolean } = {}): Promise<Row> {
  let serverFrames = 0;
  const voice = options.viaDemoServer ? null : await startVoiceServer({ echo: true, onConnection: (ws) => ws.on('message', (_d, bin) => { if (bin) serverFrames++; }) });
  let demo = options.viaDemoServer ? await startDemoServer() : null;
  const port = voice?.port ?? demo!.port;
  const proxy = await startFaultProxy(port);
  let captured = 0;
  let stopInput = false;
  async function* mic() {
    while (!stopInput) {
      captured++;
      yield new Float32Array(FRAME).fill(0.1);
    }
  }
  let received = 0;
  let lastAudioAt = 0;
  let faultAt = 0;
  let detectedAt: number | null = null;
  let stats = { framesSent: 0, droppedOutMs: 0 };
  const session = createVoiceSession({
    url: proxy.url('/ws'), reconnectPolicy: policy, statsIntervalMs: 20, livenessTimeoutMs: options.livenessTimeoutMs,
    audio: streamAudio({
      input: mic(), pace: 'realtime',
      onAudio: (pcm) => {
        received += pcm.length;
        lastAudioAt = performance.now();
      },
    }),
  });
  session.on('error', () => (detectedAt ??= performance.now()));
  session.on('stats', (s) => (stats = s));
  await session.start();
  await until(() => received > 24000, 20_000, 'echo');
  faultAt = performance.now();
  const healedAt = (await inject({ proxy, kill: async () => demo?.stop('SIGKILL'), restart: async () => { demo = await startDemoServer(['--port', String(port)]); } })) ?? faultAt;
  const before = received;
  const atHeal = received;
  await until(() => received > Math.max(before, atHeal) + 4800 && lastAudioAt > healedAt, 60_000, `${fault}: audio again`);
  const recoveredAt = lastAudioAt;
  stopInput = true;
  await until(() => stats.framesSent + stats.droppedOutMs / 20 === captured, 10_000, `${fault}: all frames accounted`).catch(() => {});
  await session.stop();
  await proxy.close();
  await voice?.close();
  await demo?.stop();
  return {
    fault, detectedMs: detectedAt === null ? null : detectedAt - faultAt, recoveredMs: recoveredAt - healedAt,
    lost: voice ? stats.framesSent - serverFrames : Number.NaN, dropped: stats.droppedOutMs / 20, captured,
    uncounted: captured - stats.framesSent - stats.droppedOutMs / 20,
  };
}

export default async function faultsBench(): Promise<void> {
  const rows: Row[] = [];
  rows.push(await run('cut (both sockets destroyed)', async ({ proxy }) => proxy.cut()));
  rows.push(await run('blackhole 3 s (liveness 1000 ms)', async ({ proxy }) => {
    proxy.blackhole();
    await new Promise((r) => setTimeout(r, 3000));
    proxy.heal();
    return performance.now();
  }, { livenessTimeoutMs: 1000 }));
  rows.push(await run('throttle 16 kB/s for 3 s', async ({ proxy }) => {
    proxy.throttle(16_000);
    await new Promise((r) => setTimeout(r, 3000));
    proxy.heal();
    return performance.now();
  }));
  rows.push(await run('delay 300 ms for 2 s', async ({ proxy }) => {
    proxy.delay(300);
    await new Promise((r) => setTimeout(r, 2000));
    proxy.heal();
    return performance.now();
  }));
  rows.push(await run('server SIGKILL + restart (child process)', async ({ kill, restart }) => {
    await kill();
    await restart();
  }, { viaDemoServer: true }));
  console.log('| fault | detected in (ms) | recovered in (ms) | frames lost in flight | dropped (counted) | captured | uncounted |');
  console.log('|---|---|---|---|---|---|---|');
  const ms = (v: number | null) => (v === null ? '— (no error: nothing to detect)' : v.toFixed(0));
  for (const r of rows) console.log(`| ${r.fault} | ${ms(r.detectedMs)} | ${ms(r.recoveredMs)} | ${Number.isNaN(r.lost) ? 'n/a (child server)' : r.lost} | ${r.dropped} | ${r.captured} | ${r.uncounted} |`);
  console.log('detected in: fault → first error event. recovered in: fault (timed faults: heal) → 100 ms of echo received after it.');
  console.log('lost in flight: sent but never seen by the server. uncounted = captured − sent − dropped (0 means every frame is accounted for).');
}
