import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ERRORS } from '../src/errors.ts';
import { renderDoc } from '../scripts/errors-doc.ts';

test('docs/errors.md lists every error code (run scripts/errors-doc.ts --write after adding one)', () => {
  const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(doc, renderDoc(doc));
  for (const code of Object.keys(ERRORS)) assert.ok(doc.includes(`\`${code}\``), code);
});

test('every code has a status, an exit code and a message a person can read', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(e.status >= 400 && e.status < 600, code);
    assert.ok(e.exit > 0 && e.exit < 126, code);
    assert.match(e.message, /^[A-Z].*\.$/, code);
  }
});
