import { afterEach, describe, expect, it } from 'vitest';
import { doctor } from '../../src/doctor/index.js';
import type { CheckResult, DoctorReport } from '../../src/doctor/types.js';
import { makeCa, makeCert, startFaultServer, type FaultServer } from '../support/doctor-servers.js';

const DAY = 86_400_000;
let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const byId = (r: DoctorReport, id: string): CheckResult | undefined => r.checks.find((c) => c.id === id);
const failedIds = (r: DoctorReport) => r.checks.filter((c) => !c.ok).map((c) => c.id);
const greeter = { connection: (ws: import('ws').WebSocket) => ws.send(Buffer.from([0])) };

describe('doctor: TLS certificates', () => {
  it('a self-signed certificate: tls.self-signed with the local-CA fix, and the checks behind it still run', async () => {
    server = await startFaultServer({ tls: await makeCert(), ...greeter });
    const r = await doctor(server.wsUrl('/api/chat'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['tls.self-signed']);
    expect(byId(r, 'tls.self-signed')?.remedy).toMatch(/mkcert -install/);
    expect(byId(r, 'tls.self-signed')?.remedy).toMatch(/NODE_EXTRA_CA_CERTS/);
    // Past the refused certificate: the server is there and speaks Moshi.
    expect(byId(r, 'first-message')?.ok).toBe(true);
    expect(r.detectedProtocol).toBe('moshi');
  });

  it('a certificate from a trusted local CA passes (the control: the same server kind, nothing wrong)', async () => {
    const ca = await makeCa();
    server = await startFaultServer({ tls: await makeCert({ ca }), ...greeter });
    const r = await doctor(server.wsUrl('/api/chat'), { timeoutMs: 3000, ca: ca.cert });
    expect(failedIds(r)).toEqual([]);
    expect(byId(r, 'tls')?.detail).toMatch(/Trusted certificate for localhost, issued by "voicewire test CA"/);
  });

  it('an expired certificate: tls.expired with the renew fix', async () => {
    const ca = await makeCa();
    server = await startFaultServer({ tls: await makeCert({ ca, notBeforeDate: new Date(Date.now() - 30 * DAY), notAfterDate: new Date(Date.now() - 2 * DAY) }), ...greeter });
    const r = await doctor(server.wsUrl('/api/chat'), { timeoutMs: 3000, ca: ca.cert });
    expect(failedIds(r)).toEqual(['tls.expired']);
    expect(byId(r, 'tls.expired')?.detail).toMatch(/expired on \d{4}-\d\d-\d\d/);
    expect(byId(r, 'tls.expired')?.remedy).toMatch(/certbot renew/);
  });

  it('a certificate for another name: tls.name names the host to add', async () => {
    const ca = await makeCa();
    server = await startFaultServer({ tls: await makeCert({ ca, names: ['voice.example.com'] }), ...greeter });
    const r = await doctor(server.wsUrl('/api/chat'), { timeoutMs: 3000, ca: ca.cert });
    expect(failedIds(r)).toEqual(['tls.name']);
    expect(byId(r, 'tls.name')?.detail).toMatch(/does not cover "localhost": it names DNS:voice\.example\.com/);
    expect(byId(r, 'tls.name')?.remedy).toMatch(/DNS:localhost .*mkcert localhost/);
  });

  it('a CA this machine does not trust: tls.untrusted says to install the root', async () => {
    server = await startFaultServer({ tls: await makeCert({ ca: await makeCa() }), ...greeter });
    const r = await doctor(server.wsUrl('/api/chat'), { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['tls.untrusted']);
    expect(byId(r, 'tls.untrusted')?.detail).toMatch(/issuer "voicewire test CA" is not a trusted CA/);
    expect(byId(r, 'tls.untrusted')?.remedy).toMatch(/rootCA\.pem/);
  });

  it('wss:// to a port that speaks plain http: the handshake fails and the fix says ws:// or TLS in front', async () => {
    server = await startFaultServer(greeter);
    const r = await doctor(`wss://localhost:${server.port}/api/chat`, { timeoutMs: 3000 });
    expect(failedIds(r)).toEqual(['tls']);
    expect(byId(r, 'tls')?.remedy).toMatch(/plain http/);
    expect(byId(r, 'socket.rest')?.status).toBe('skip');
  });
});
