import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
  /** Where the PEM files live: outside the repository, reused across runs. */
  dir: string;
  names: string[];
  fingerprint256: string;
}

/** Every name and address this machine answers to, so phones on the LAN can use https://ADDRESS:PORT. */
export function machineNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flat().flatMap((i) => (i && !i.internal ? [i.address] : []));
  return [...new Set(['localhost', hostname(), '127.0.0.1', '::1', ...addresses])];
}

/**
 * A self-signed certificate for the machine's names, made once and kept in ~/.config/voicewire/tls (or
 * $VOICEWIRE_TLS_DIR); a new one is made when the machine's names change.
 */
export async function loadOrCreateCertificate(names = machineNames()): Promise<Certificate> {
  const dir = process.env.VOICEWIRE_TLS_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'voicewire', 'tls');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
    const x509 = new X509Certificate(cert);
    const covered = names.every((n) => (x509.subjectAltName ?? '').includes(n));
    if (covered && new Date(x509.validTo) > new Date(Date.now() + 86_400_000)) {
      return { key, cert, dir, names, fingerprint256: x509.fingerprint256 };
    }
  } catch {
    // none yet, or unreadable: make a new one
  }
  const isIp = (n: string) => /^[\d.]+$/.test(n) || n.includes(':');
  const pems = await generate([{ name: 'commonName', value: 'voicewire local server' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: names.map((n) => (isIp(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) }],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, dir, names, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}

export function trustInstructions(cert: Certificate): string {
  const file = join(cert.dir, 'cert.pem');
  return [
    `TLS certificate: ${file} (self-signed, SHA-256 ${cert.fingerprint256})`,
    `  covers: ${cert.names.join(', ')}`,
    '  To trust it on another device, either open the https:// address once and accept the warning,',
    `  or install ${file} as trusted:`,
    '    Linux:   sudo cp cert.pem /usr/local/share/ca-certificates/voicewire.crt && sudo update-ca-certificates',
    '    macOS:   sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain cert.pem',
    '    Android/iOS: copy cert.pem to the device, install it under Settings → Security → Certificates',
  ].join('\n');
}
