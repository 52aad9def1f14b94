// `npm start`: the local audio server and demo page. `npm start -- --help` lists the options.
import { parseArgs } from 'node:util';
import { isLoopbackHost } from '../../src/environment/url.js';
import { moshiEndpoint } from './moshi-endpoint.js';
import { pcmEndpoint } from './pcm-endpoint.js';
import { startLocalServer } from './server.js';
import { loadOrCreateCertificate, machineNames, trustInstructions } from './tls.js';

const HELP = `voicewire local audio server

  --host HOST            address to bind (default 127.0.0.1; 0.0.0.0 for other machines)
  --port PORT            port (default 8998; 0 picks a free one)
  --https                serve https/wss with a self-signed certificate for this machine's names
  --echo-delay-ms MS     how long /ws holds the caller's audio before echoing it (default 300)
  --moshi-single-session /api/chat serves one session at a time, like Moshi's Python server
  --max-sessions N       concurrent sockets (default 256)
  --max-message-bytes N  largest incoming message (default 1048576)
  --allow-origin ORIGIN  another page origin allowed to open sockets (repeatable)
`;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8998' },
    https: { type: 'boolean', default: false },
    'echo-delay-ms': { type: 'string', default: '300' },
    'moshi-single-session': { type: 'boolean', default: false },
    'max-sessions': { type: 'string', default: '256' },
    'max-message-bytes': { type: 'string', default: String(1024 * 1024) },
    'allow-origin': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
const cert = values.https ? await loadOrCreateCertificate() : undefined;
const server = await startLocalServer(
  {
    host: values.host,
    port: Number(values.port),
    tls: cert,
    allowedOrigins: values['allow-origin'],
    maxSessions: Number(values['max-sessions']),
    maxMessageBytes: Number(values['max-message-bytes']),
    log,
  },
  {
    '/ws': pcmEndpoint({ echoDelayMs: Number(values['echo-delay-ms']) }),
    '/api/chat': moshiEndpoint({ singleSession: values['moshi-single-session'], log }),
  },
);

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
