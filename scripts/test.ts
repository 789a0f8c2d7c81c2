// `npm test`: lint and format checks, type check, then every test file under node's test runner
// (via tsx), on SQLite and — when TEST_DATABASE_URL is set — PostgreSQL.
//   npm test                       everything
//   npm test -- test/domain/audit  only files under these paths (lint skipped)
//   npm test -- --no-lint          skip lint, format and type checks
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const noLint = args.includes('--no-lint');
const filters = args.filter((a) => !a.startsWith('--'));

function run(cmd: string, cmdArgs: string[]): void {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${cmdArgs.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

if (!noLint && filters.length === 0) {
  const bin = (name: string): string => path.join('node_modules', '.bin', name);
  console.log('» eslint');
  run(bin('eslint'), ['.', '--max-warnings=0']);
  console.log('» prettier --check');
  run(bin('prettier'), ['--check', '--log-level=warn', '.']);
  console.log('» tsc --noEmit');
  run(bin('tsc'), ['--noEmit']);
}

const files = testFiles('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/\/$/, ''))))
  .sort();
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
console.log(
  `» node --test: ${files.length} files on ${process.env.TEST_DATABASE_URL ? 'SQLite and PostgreSQL' : 'SQLite (set TEST_DATABASE_URL for PostgreSQL too)'}`,
);
// Compile the stylesheet once, first: otherwise every test process starting an app compiles Sass
// at the same moment, inside a plugin's start-up time limit, and a loaded machine misses it.
run(process.execPath, [
  '--import',
  'tsx',
  '--input-type=module',
  '-e',
  "await (await import('./src/web/assets.ts')).stylesheet();",
]);
// --test-force-exit: a test file whose set-up failed half-way (a node started, the next did not)
// can leave a server or pool open; its process must still end, not hold the run until CI's limit.
// --test-timeout: on node 20 it times each test file as a whole; a file that hangs fails by name
// after 15 minutes (each takes a few at most), instead of silently using up CI's time limit.
run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-force-exit',
  '--test-timeout=900000',
  ...files,
]);
