import { lookup } from 'node:dns/promises';
import { fail, pass, type CheckResult } from './types.js';
import { isIpLiteral } from './target.js';

const TITLE = 'DNS: the host name resolves';

/** Resolves the host the way Node's sockets will (getaddrinfo, so /etc/hosts counts). */
export async function checkDns(host: string): Promise<{ result: CheckResult; addresses: string[] }> {
  if (isIpLiteral(host)) {
    return { result: pass('dns', TITLE, `${host} is an IP address; nothing to resolve.`), addresses: [host] };
  }
  try {
    const found = await lookup(host, { all: true });
    const addresses = found.map((a) => a.address);
    return { result: pass('dns', TITLE, `${host} → ${addresses.join(', ')}`, { addresses }), addresses };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return {
      result: fail('dns', TITLE, `${host} does not resolve (${code}).`,
        code === 'EAI_AGAIN'
          ? 'The resolver did not answer: check this machine\'s network and DNS server, then try again.'
          : `Check the spelling of the host in the URL; if it is a machine on your LAN, use its IP address or add it to /etc/hosts (and to the certificate's names for wss).`,
        { code }),
      addresses: [],
    };
  }
}
