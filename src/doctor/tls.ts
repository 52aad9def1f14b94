import { checkServerIdentity, connect, rootCertificates, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { fail, pass, type CheckResult } from './types.js';
import { isIpLiteral } from './target.js';

const TITLE = 'TLS: the certificate is one a browser trusts';

/** What the handshake showed, for the later steps: they go on past a refused certificate to find more faults. */
export interface TlsFacts {
  results: CheckResult[];
  /** False when there was no handshake at all (not TLS, timeout): the later steps cannot run. */
  handshake: boolean;
}

/** OpenSSL's verify codes (`X509_V_ERR_*`, as Node names them) that mean "self-signed", not "unknown issuer". */
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const UNTRUSTED = new Set(['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_UNTRUSTED']);
/** Reported by the date and name checks below, so not again as a trust failure (Node adds the name check to its verify result when given a servername). */
const JUDGED_APART = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

const LOCAL_CA = 'Browsers refuse it and show no reason to the page (the socket fails with 1006). Issue the certificate from a CA the devices trust: ' +
  'a public one (Let\'s Encrypt: `certbot`, or Caddy, which does it automatically) for a public name, or on a LAN a local CA installed once on each device ' +
  '(mkcert: `mkcert -install && mkcert HOST`) instead of clicking through a warning. For Node clients, `NODE_EXTRA_CA_CERTS=ca.pem`. See voicewire\'s docs/deploy.md.';

/**
 * Handshakes without verifying, then judges the certificate the way a browser would: dates, name (RFC 6125 via
 * Node's checkServerIdentity), then chain trust. Each fault is its own check with its own fix.
 */
/** `ca` is trusted besides Node's bundled roots (like NODE_EXTRA_CA_CERTS; the `ca` option alone would replace them). */
export function checkTls(host: string, port: number, timeoutMs: number, ca?: string): Promise<TlsFacts> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(isIpLiteral(host) ? {} : { servername: host }), ...(ca ? { ca: [...rootCertificates, ca] } : {}) });
    const done = (facts: TlsFacts) => {
      socket.destroy();
      resolve(facts);
    };
    socket.setTimeout(timeoutMs, () => done({ handshake: false, results: [fail('tls', TITLE, `No TLS handshake from ${host}:${port} within ${timeoutMs} ms.`,
      'The port accepts TCP but does not speak TLS promptly: check that this port serves https/wss (not plain http), or use ws:// if the server has no TLS.')] }));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const plainHttp = /wrong version number|packet length too long|http request/i.test(e.message);
      done({ handshake: false, results: [fail('tls', TITLE, `The TLS handshake with ${host}:${port} failed: ${e.message}.`,
        plainHttp ? 'This port speaks plain http, not TLS: use ws:// for it, or put TLS in front (a reverse proxy; see voicewire\'s docs/deploy.md).'
          : 'Check that the port serves TLS and that the server\'s certificate and key are loaded.', { code: e.code })] });
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      const results = judge(host, cert, socket.authorizationError ? String((socket.authorizationError as NodeJS.ErrnoException).code ?? socket.authorizationError) : undefined);
      done({ handshake: true, results });
    });
  });
}

function judge(host: string, cert: DetailedPeerCertificate, verifyCode: string | undefined): CheckResult[] {
  const facts = { subject: cert.subject?.CN, issuer: cert.issuer?.CN, validFrom: cert.valid_from, validTo: cert.valid_to, subjectAltName: cert.subjectaltname, fingerprint256: cert.fingerprint256 };
  const out: CheckResult[] = [];
  const now = Date.now();
  if (Date.parse(cert.valid_to) < now) {
    out.push(fail('tls.expired', TITLE, `The certificate expired on ${new Date(cert.valid_to).toISOString().slice(0, 10)}.`,
      'Renew it (Let\'s Encrypt: `certbot renew`, and a timer that renews it; mkcert: run `mkcert HOST` again) and reload the server or proxy. ' +
        'Browsers refuse an expired certificate and the page sees only 1006.', facts));
  } else if (Date.parse(cert.valid_from) > now) {
    out.push(fail('tls.not-yet-valid', TITLE, `The certificate is valid only from ${new Date(cert.valid_from).toISOString()}.`,
      'Check this machine\'s and the server\'s clocks (NTP), or issue a certificate valid from now.', facts));
  }
  const nameError = checkServerIdentity(host, cert as PeerCertificate);
  if (nameError) {
    out.push(fail('tls.name', TITLE, `The certificate does not cover "${host}": it names ${cert.subjectaltname || `CN=${cert.subject?.CN ?? '?'}`}.`,
      `Issue a certificate whose subjectAltName includes ${isIpLiteral(host) ? `IP:${host}` : `DNS:${host}`} (mkcert: \`mkcert ${host}\`; certbot: \`-d ${host}\`), ` +
        'or connect with a name the certificate covers. An IP address must be in the certificate as an IP entry, not a DNS one.', facts));
  }
  if (verifyCode !== undefined && !JUDGED_APART.has(verifyCode)) {
    if (SELF_SIGNED.has(verifyCode)) {
      out.push(fail('tls.self-signed', TITLE, `The certificate is self-signed (${verifyCode}; issuer "${cert.issuer?.CN ?? '?'}").`, LOCAL_CA, facts));
    } else if (UNTRUSTED.has(verifyCode)) {
      out.push(fail('tls.untrusted', TITLE, `The certificate's issuer "${cert.issuer?.CN ?? '?'}" is not a trusted CA here (${verifyCode}).`,
        'If it is your own CA, install its root certificate on every device that opens the page (mkcert: `mkcert -install`; ' +
          'copy `mkcert -CAROOT`/rootCA.pem to phones) — or serve the full chain (fullchain.pem, not cert.pem) if a public CA issued it.', facts));
    } else {
      out.push(fail('tls.untrusted', TITLE, `The certificate was refused: ${verifyCode}.`, LOCAL_CA, facts));
    }
  }
  return out.length > 0 ? out : [pass('tls', TITLE, `Trusted certificate for ${host}, issued by "${cert.issuer?.CN ?? '?'}", valid until ${new Date(cert.valid_to).toISOString().slice(0, 10)}.`, facts)];
}
