import type { CheckResult, DoctorReport } from './types.js';

const MARK: Readonly<Record<CheckResult['status'], string>> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

/** How {@link renderReport} formats the checklist. */
export interface RenderOptions {
  /** ANSI colours (the CLI turns them on for a TTY without NO_COLOR). Default false. */
  color?: boolean;
}

const COLOR: Readonly<Record<CheckResult['status'], string>> = { pass: '\x1b[32m', fail: '\x1b[31m', warn: '\x1b[33m', skip: '\x1b[2m' };

/** The checklist a person reads: one line a check, each ✗ and ! followed by its remedy, indented. */
export function renderReport(report: DoctorReport, options: RenderOptions = {}): string {
  const paint = (status: CheckResult['status'], text: string) => (options.color ? `${COLOR[status]}${text}\x1b[0m` : text);
  const lines = [`voicewire doctor ${report.url}${report.page ? `  (page ${report.page})` : ''}`, ''];
  for (const c of report.checks) {
    lines.push(`${paint(c.status, MARK[c.status])} ${c.title}`);
    lines.push(...indent(c.detail, '    '));
    if (c.remedy && c.status !== 'pass') lines.push(...indent(`fix: ${c.remedy}`, '    '));
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push('', failed === 0
    ? `All checks passed${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}${report.detectedProtocol ? `; the server speaks ${report.detectedProtocol}` : ''}.`
    : `${failed} problem${failed > 1 ? 's' : ''} found${warned ? `, ${warned} warning${warned > 1 ? 's' : ''}` : ''}.`);
  return lines.join('\n');
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => prefix + line);
}
