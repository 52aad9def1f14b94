// The local server's command line: the help text and a parser that turns every mistake into one line with its fix.
import { parseArgs } from 'node:util';

export const HELP = `voicewire local audio server (npm start -- [options])

  --host HOST            address to bind (default 127.0.0.1; 0.0.0.0 for other machines)
  --port PORT            port (default 8998; 0 picks a free one)
  --https                serve https/wss with a self-signed certificate for this machine's names
  --echo-delay-ms MS     how long /ws holds the caller's audio before echoing it (default 300)
  --jitter-ms MS         /ws delays each echoed frame by a further uniform 0-MS ms, in order (default 0)
  --jitter-seed N        seed of those delays: the same seed replays the same pattern (default 1)
  --stall-ms MS          /ws holds its echo for MS ms every --stall-every-ms, then sends it at once (default 0)
  --stall-every-ms MS    period of those stalls (default 20000)
  --moshi-single-session /api/chat serves one session at a time, like Moshi's Python server
  --max-sessions N       concurrent sockets (default 256)
  --max-message-bytes N  largest incoming message (default 1048576)
  --allow-origin ORIGIN  another page origin allowed to open sockets (repeatable), e.g. http://localhost:5173
  --help                 this text
`;

export interface ServerArgs {
  host: string;
  port: number;
  https: boolean;
  echoDelayMs: number;
  jitterMs: number;
  jitterSeed: number;
  stallMs: number;
  stallEveryMs: number;
  moshiSingleSession: boolean;
  maxSessions: number;
  maxMessageBytes: number;
  allowOrigins: string[];
  help: boolean;
}

/** Parses `argv` (without node and script); on a mistake returns the one line that says what to type instead. */
export function parseServerArgs(argv: readonly string[]): ServerArgs | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8998' },
        https: { type: 'boolean', default: false },
        'echo-delay-ms': { type: 'string', default: '300' },
        'jitter-ms': { type: 'string', default: '0' },
        'jitter-seed': { type: 'string', default: '1' },
        'stall-ms': { type: 'string', default: '0' },
        'stall-every-ms': { type: 'string', default: '20000' },
        'moshi-single-session': { type: 'boolean', default: false },
        'max-sessions': { type: 'string', default: '256' },
        'max-message-bytes': { type: 'string', default: String(1024 * 1024) },
        'allow-origin': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    // node:util's messages are long and mention `parseArgs`; keep the option name and the fix.
    const option = /'(-[^' ]*)/.exec(String((e as Error).message))?.[1];
    const what = (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? `option ${option ?? ''} needs a value` : `unknown option ${option ?? String((e as Error).message)}`;
    return { error: `voicewire: ${what}. See the options with: npm start -- --help` };
  }
  const numbers = {
    port: whole('--port', values.port, 0, 65535),
    echoDelayMs: whole('--echo-delay-ms', values['echo-delay-ms'], 0, 60_000),
    jitterMs: whole('--jitter-ms', values['jitter-ms'], 0, 10_000),
    jitterSeed: whole('--jitter-seed', values['jitter-seed'], 0, 2 ** 32 - 1),
    stallMs: whole('--stall-ms', values['stall-ms'], 0, 10_000),
    stallEveryMs: whole('--stall-every-ms', values['stall-every-ms'], 100, 3_600_000),
    maxSessions: whole('--max-sessions', values['max-sessions'], 1, 100_000),
    maxMessageBytes: whole('--max-message-bytes', values['max-message-bytes'], 1024, 2 ** 31),
  };
  for (const value of Object.values(numbers)) if (typeof value !== 'number') return value;
  for (const origin of values['allow-origin']) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) return { error: `voicewire: --allow-origin ${origin}: expected an origin like http://localhost:5173 (scheme, host, port; no path)` };
  }
  return {
    host: values.host,
    port: numbers.port as number,
    https: values.https,
    echoDelayMs: numbers.echoDelayMs as number,
    jitterMs: numbers.jitterMs as number,
    jitterSeed: numbers.jitterSeed as number,
    stallMs: numbers.stallMs as number,
    stallEveryMs: numbers.stallEveryMs as number,
    moshiSingleSession: values['moshi-single-session'],
    maxSessions: numbers.maxSessions as number,
    maxMessageBytes: numbers.maxMessageBytes as number,
    allowOrigins: values['allow-origin'],
    help: values.help,
  };
}

/** The number, or the error line when `text` is not a whole number within [min, max]. */
function whole(flag: string, text: string, min: number, max: number): number | { error: string } {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  return { error: `voicewire: ${flag} ${text}: expected a whole number from ${min} to ${max} (npm start -- --help lists the options)` };
}

/** One line for a listen failure a person can fix (a taken or privileged port), else null. */
export function listenErrorLine(error: unknown, host: string, port: number): string | null {
  const code = (error as { code?: string })?.code;
  if (code === 'EADDRINUSE') return `voicewire: port ${port} on ${host} is already in use (another npm start?). Stop that process, or pick another port: npm start -- --port ${port + 1} (0 picks a free one)`;
  if (code === 'EACCES') return `voicewire: not allowed to listen on port ${port}: ports below 1024 need privileges. Use npm start -- --port 8998`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `voicewire: --host ${host} is not an address of this machine. Use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces)`;
  return null;
}

/** The parsed options, or the process ends: one line and exit 2 for a mistake, the help text and exit 0 for --help. */
export function parseServerArgsOrExit(argv: readonly string[]): ServerArgs {
  const parsed = parseServerArgs(argv);
  if ('error' in parsed) {
    console.error(parsed.error);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(HELP);
    process.exit(0);
  }
  return parsed;
}
