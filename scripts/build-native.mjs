// Builds the optional native batch-crypto addon (native/merkle_hash.c) during `npm install`.
// A failed build is not fatal: Accord then uses node:crypto, correctly but more slowly.
// Run by hand with `node scripts/build-native.mjs` after changing the C file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native', import.meta.url));
const prefix = path.resolve(path.dirname(process.execPath), '..');
const bundled = path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (fs.existsSync(bundled) ? bundled : undefined);
const args = ['rebuild'];
// Build against the installed Node's own headers (no download: the machine may have no network).
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include/node/node_api.h')))
  args.push(`--nodedir=${prefix}`);
const [cmd, cmdArgs] = gyp ? [process.execPath, [gyp, ...args]] : ['node-gyp', args];
const result = spawnSync(cmd, cmdArgs, {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (result.status === 0) {
  console.log('accord: native batch crypto built');
} else {
  console.warn('accord: native batch crypto not built; Accord will use node:crypto (slower).');
  if (result.stderr) console.warn(result.stderr.split('\n').slice(-15).join('\n'));
}
