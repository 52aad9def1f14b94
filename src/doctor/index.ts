/**
 * The deployment checks behind `npx voicewire doctor`, for Node scripts and CI.
 *
 * ```ts
 * import { doctor, renderReport } from 'voicewire/doctor';
 * const report = await doctor('wss://voice.example.com/ws', { page: 'https://app.example.com/' });
 * if (!report.ok) console.log(renderReport(report));
 * ```
 * Node only (node:dns, node:net, node:tls, node:http). Never throws for a network fault: every fault is a check
 * with `ok: false` and a remedy. Secrets in the URL, headers and subprotocols are redacted from the report.
 *
 * @module voicewire/doctor
 */
export { doctor } from './run.js';
export { renderReport } from './report.js';
export type { RenderOptions } from './report.js';
export { sniff, type Sniffed } from './sniff.js';
export type { CheckResult, CheckStatus, DoctorOptions, DoctorReport, SniffedProtocol } from './types.js';
