// Builds the optional native hasher (native/merkle_hash.c) during `npm install`.
// A failed build is not fatal: Accord then hashes with node:crypto, correctly but more slowly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native', import.meta.url));
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const result = spawnSync(cmd, args, {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (result.status === 0) {
  console.log('accord: native audit hasher built');
} else {
  console.warn(
    'accord: native audit hasher not built; audit hashing will use node:crypto (slower).',
  );
  if (result.stderr) console.warn(result.stderr.split('\n').slice(-15).join('\n'));
}
