// Native addons, run during `npm install`:
// 1. argon2's prebuilt binary crashes some Node 20 builds while it registers (SIGSEGV, so every
//    sign-in would kill the process). Probe it in a child process and, if it does not load, build
//    it from source against the installed Node's headers. This one is fatal: no argon2, no Accord.
// 2. The optional batch-crypto addon (native/merkle_hash.c). A failed build is not fatal: Accord
//    then uses node:crypto, correctly but more slowly.
// Run by hand with `node scripts/build-native.mjs` after changing the C file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = path.resolve(path.dirname(process.execPath), '..');
const bundled = path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (fs.existsSync(bundled) ? bundled : undefined);

function gypRebuild(dir) {
  const args = ['rebuild'];
  // Build against the installed Node's own headers (no download: the machine may have no network).
  if (
    !process.env.npm_config_nodedir &&
    fs.existsSync(path.join(prefix, 'include/node/node_api.h'))
  )
    args.push(`--nodedir=${prefix}`);
  const [cmd, cmdArgs] = gyp ? [process.execPath, [gyp, ...args]] : ['node-gyp', args];
  return spawnSync(cmd, cmdArgs, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
}

const tail = (text) => (text ? text.split('\n').slice(-15).join('\n') : '');
const loads = (mod) =>
  spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mod)})`], { cwd: root }).status ===
  0;

const argon2Dir = path.join(root, 'node_modules/argon2');
if (fs.existsSync(argon2Dir) && !loads('argon2')) {
  const result = gypRebuild(argon2Dir);
  if (result.status !== 0 || !loads('argon2')) {
    console.error('accord: argon2 does not load and could not be built from source.');
    console.error(tail(result.stderr));
    process.exit(1);
  }
  console.log('accord: argon2 built from source (its prebuilt binary does not load here)');
}

const batch = gypRebuild(path.join(root, 'native'));
if (batch.status === 0) {
  console.log('accord: native batch crypto built');
} else {
  console.warn('accord: native batch crypto not built; Accord will use node:crypto (slower).');
  console.warn(tail(batch.stderr));
}
