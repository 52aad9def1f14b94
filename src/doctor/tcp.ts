import { connect } from 'node:net';
import { fail, pass, type CheckResult } from './types.js';

const TITLE = 'TCP: something listens on the port';

/** Opens and closes a TCP connection; the time it took is the network round trip plus the accept. */
export function checkTcp(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port });
    const done = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      done(fail('tcp', TITLE, `No answer from ${host}:${port} within ${timeoutMs} ms (the packets are dropped).`,
        'A firewall or security group drops the connection, or the host is off. Open the port in the firewall (e.g. `sudo ufw allow ' +
          `${port}/tcp\`), check the cloud security group, or reach the server through an ssh tunnel: \`ssh -L ${port}:localhost:${port} ${host}\`.`,
        { timeoutMs })));
    socket.once('connect', () => done(pass('tcp', TITLE, `${host}:${port} accepted a connection in ${Math.round(performance.now() - started)} ms.`)));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'error';
      const remedy = code === 'ECONNREFUSED'
        ? `Nothing listens on ${host}:${port}. Start the server, check the port in the URL, and if the server runs on another machine, make it bind to 0.0.0.0 rather than 127.0.0.1 (voicewire's local test server takes \`--host 0.0.0.0\`).`
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? `There is no route to ${host}: check the address, the VPN, or the network between.`
          : 'Check the host, the port and the network between.';
      done(fail('tcp', TITLE, `Could not connect to ${host}:${port} (${code}).`, remedy, { code }));
    });
  });
}
