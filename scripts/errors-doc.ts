// Renders the error catalogue (src/errors.ts) as the table in docs/errors.md.
// `node --import tsx scripts/errors-doc.ts --write` updates the file; tests check it is current.
import fs from 'node:fs';
import { ERRORS } from '../src/errors.ts';

export function errorTable(): string {
  const rows = Object.entries(ERRORS).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.exit} | ${e.message} |`,
  );
  return ['| Code | HTTP | Exit | Default message |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderDoc(current: string): string {
  return current.replace(
    /<!-- errors:start -->[\s\S]*<!-- errors:end -->/,
    `<!-- errors:start -->\n${errorTable()}\n<!-- errors:end -->`,
  );
}

if (process.argv.includes('--write')) {
  const file = new URL('../docs/errors.md', import.meta.url);
  fs.writeFileSync(file, renderDoc(fs.readFileSync(file, 'utf8')));
}
