// `accord nodes`: the real binary prints this node's card, trusts a partner only with the right
// fingerprint (exit 2 and nothing trusted otherwise), lists and revokes it — and the log verifies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { grouped } from '../../src/domain/federation/node-identity.ts';
import { execFile } from 'node:child_process';
import { BIN, cliEnv } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/db.ts';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

/** The binary, run without blocking: the partner node answers from this same process. */
function accord(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 120_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let partner: TestNode;
let env: NodeJS.ProcessEnv;
before(async () => {
  partner = await startNode('sqlite', 'Partner node');
  const dir = tempDir('accord-nodes-cli-');
  env = cliEnv(`sqlite:${path.join(dir, 'accord.sqlite')}`, dir, {
    ACCORD_FEDERATION: 'true',
    ACCORD_NODE_NAME: 'CLI node',
  });
});
after(async () => partner?.close());

test('accord nodes card, trust (wrong then right fingerprint), list and revoke', async () => {
  const card = await accord(['nodes', 'card'], env);
  assert.equal(card.code, 0, card.stderr);
  assert.match(card.stdout, /Fingerprint ([0-9A-F]{4} ){15}[0-9A-F]{4}/);

  const fp = partner.federation.trust.card().fingerprint;
  const wrong = await accord(
    ['nodes', 'trust', partner.url, '--fingerprint', 'EF56'.repeat(16)],
    env,
  );
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /FEDERATION_FINGERPRINT_MISMATCH/);
  assert.match((await accord(['nodes', 'list'], env)).stdout, /No partner nodes yet/);

  const right = await accord(['nodes', 'trust', partner.url, '--fingerprint', grouped(fp)], env);
  assert.equal(right.code, 0, right.stderr);
  const id = partner.federation.identity.nodeId;
  assert.match((await accord(['nodes', 'list'], env)).stdout, new RegExp(`${id}\\s+trusted`));
  const revoked = await accord(['nodes', 'revoke', id], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`${id}\\s+revoked`));
  const verify = await accord(['audit', 'verify'], env);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});

test('accord nodes says so when federation is off', async () => {
  const off = await accord(['nodes', 'card'], { ...env, ACCORD_FEDERATION: 'false' });
  assert.equal(off.code, 2);
  assert.match(off.stderr, /FEDERATION_OFF/);
});
