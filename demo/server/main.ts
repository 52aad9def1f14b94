// `npm start`: the local audio server and demo page. `npm start -- --help` lists the options.
import { isLoopbackHost } from '../../src/environment/url.js';
import { moshiEndpoint } from './moshi-endpoint.js';
import { pcmEndpoint } from './pcm-endpoint.js';
import { listenErrorLine, parseServerArgsOrExit } from './options.js';
import { startLocalServer } from './server.js';
import { loadOrCreateCertificate, machineNames, trustInstructions } from './tls.js';

const values = parseServerArgsOrExit(process.argv.slice(2));

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
const cert = values.https ? await loadOrCreateCertificate() : undefined;
const server = await startLocalServer(
  { host: values.host, port: values.port, tls: cert, allowedOrigins: values.allowOrigins, maxSessions: values.maxSessions, maxMessageBytes: values.maxMessageBytes, log },
  {
    '/ws': pcmEndpoint({ echoDelayMs: values.echoDelayMs, jitter: { jitterMs: values.jitterMs, seed: values.jitterSeed, stallMs: values.stallMs, stallEveryMs: values.stallEveryMs } }),
    '/api/chat': moshiEndpoint({ singleSession: values.moshiSingleSession, log }),
  },
).catch((e: unknown) => {
  const line = listenErrorLine(e, values.host, values.port);
  if (line === null) throw e;
  console.error(line);
  process.exit(1);
});

console.log(`voicewire local server: ${server.url}/  (voicewire PCM at /ws, Moshi at /api/chat)`);
if (cert) console.log(trustInstructions(cert));
if (!isLoopbackHost(values.host) && !cert) {
  const port = new URL(server.url).port;
  const lan = machineNames().filter((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n) && !n.startsWith('127.'));
  const example = lan[0] ?? 'THIS-MACHINE';
  console.log([
    '',
    `WARNING: other machines reach this server over plain http (e.g. http://${example}:${port}/).`,
    'Their browsers will refuse the microphone and AudioWorklet there: it is not a secure context.',
    'Fix it with either:',
    `  1. an ssh tunnel from the other machine: ssh -L ${port}:localhost:${port} user@${example}   then open http://localhost:${port}/`,
    '  2. https: restart with --https (a self-signed certificate for this machine is made and printed)',
  ].join('\n'));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: closing ${server.activeSessions()} session(s)`);
    void server.close().then(() => process.exit(0));
  });
}
