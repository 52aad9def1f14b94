import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { doctor } from './run.js';
import { renderReport } from './report.js';
import type { DoctorOptions } from './types.js';

const HELP = `Usage: voicewire doctor URL [options]

Checks a voice WebSocket endpoint step by step — DNS, TCP, TLS certificate, HTTP upgrade, subprotocol echo, the
server's first message and protocol, a ping — and, with --page, the page that opens it (secure context, scripts and
worklets served as JavaScript, COOP/COEP, CSP). Prints each fault with its fix; exits 1 if any check fails.

Options:
  --page PAGE_URL      the page that opens the socket (its Origin is sent with the upgrade)
  --protocol NAME      the protocol the page speaks: voicewire, moshi, kyutai, realtime (default: guessed from the path:
                       /ws voicewire, /api/chat moshi, /api/asr-streaming and /api/tts_streaming kyutai,
                       …/realtime realtime; else judged by what the server sends)
  --origin ORIGIN      the Origin header to send (default: the page's origin, else none)
  --header "N: V"      a request header for the upgrade, e.g. "Authorization: Bearer …" (repeatable; redacted in output)
  --subprotocol NAME   a subprotocol to offer (repeatable; default: the protocol's own, e.g. voicewire.v1; when the
                       protocol is neither given nor guessed, voicewire's, as a session without \`protocol\` offers)
  --ca FILE            a CA certificate (PEM) to trust, e.g. mkcert's rootCA.pem
  --timeout-ms N       budget of each network step in ms (default 5000)
  --json               print the report as JSON
  -h, --help           this text

Example: npx voicewire doctor wss://voice.example.com/ws --page https://app.example.com/
`;

/** `voicewire doctor …`: parses the arguments, runs the checks, prints, and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        page: { type: 'string' }, protocol: { type: 'string' }, origin: { type: 'string' },
        header: { type: 'string', multiple: true, default: [] }, subprotocol: { type: 'string', multiple: true },
        ca: { type: 'string' }, 'timeout-ms': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, url] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command !== 'doctor' || url === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  const protocols = ['voicewire', 'moshi', 'kyutai', 'realtime'] as const;
  if (values.protocol !== undefined && !(protocols as readonly string[]).includes(values.protocol)) {
    process.stderr.write(`--protocol must be one of ${protocols.join(', ')}\n`);
    return 2;
  }
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    process.stderr.write('--timeout-ms must be a positive number of milliseconds\n');
    return 2;
  }
  const headers: Record<string, string> = {};
  for (const h of values.header) {
    const at = h.indexOf(':');
    if (at <= 0) {
      process.stderr.write('--header takes "Name: value"\n');
      return 2;
    }
    headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
  }
  const progress = progressLine();
  const options: DoctorOptions = {
    page: values.page, origin: values.origin, headers, timeoutMs, subprotocols: values.subprotocol,
    protocol: values.protocol as DoctorOptions['protocol'],
    ca: values.ca === undefined ? undefined : readFileSync(values.ca, 'utf8'),
    onProgress: progress.show,
  };
  const report = await doctor(url, options);
  progress.clear();
  const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : renderReport(report, { color })}\n`);
  return report.ok ? 0 : 1;
}

/** One line on stderr, rewritten in place, while a step waits; nothing when stderr is not a terminal (CI logs, pipes). */
function progressLine(): { show: (step: string) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { show: () => {}, clear: () => {} };
  return {
    show: (step) => process.stderr.write(`\r\x1b[2K… ${step}`),
    clear: () => process.stderr.write('\r\x1b[2K'),
  };
}
