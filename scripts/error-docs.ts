// Renders docs/errors.md's table from the one error table (src/errors/codes.ts, its docs columns in
// src/errors/code-docs.ts): `npm run docs:errors`.
// test/unit/error-table.test.ts fails when the committed page differs from what this renders.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODE_DOCS } from '../src/errors/code-docs.js';
import { ERROR_CODES } from '../src/errors/codes.js';

export const ERROR_DOCS = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const START = '<!-- error-table:start (rendered from src/errors/codes.ts by `npm run docs:errors`) -->';
const END = '<!-- error-table:end -->';

export function renderErrorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, i]) => ({ code, ...i, ...ERROR_CODE_DOCS[code as keyof typeof ERROR_CODES] })).map((i) =>
    `| \`${i.code}\` | ${i.summary} | ${i.raisedBy} | ${i.source} | ${i.blocks} | ${i.retryable ? 'yes' : 'no'} | ${i.fix} | ${i.userMessage} |`);
  return [
    '| code | what happened | raised by | source | blocks | reconnects | typical fix (for the app\'s developer) | `userMessage` (for the end user) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The page with its table section replaced by a fresh rendering. */
export function renderErrorDocs(page: string): string {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/errors.md lacks the ${START} … ${END} markers`);
  return `${page.slice(0, a + START.length)}\n${renderErrorTable()}\n${page.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ERROR_DOCS, renderErrorDocs(readFileSync(ERROR_DOCS, 'utf8')));
}
