// `accord agreements export-cedar`, in a real process: the three files Cedar needs, valid
// against each other in cedar-wasm, the export in the audit log, and a clear error for an
// agreement that does not exist.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { forEachDialect, createEmptyDb } from '../helpers/db.ts';
import { accord, cliEnv } from '../helpers/cli.ts';
import { testConfig } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { approved, personTerms } from '../helpers/agreements.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';
import type { Agreement } from '../../src/domain/agreements/agreements.view.ts';

forEachDialect('agreements commands', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let env: NodeJS.ProcessEnv;
  let s: Services;
  let council: OrgFixture;
  let dsa: Agreement;

  before(async () => {
    db = await createEmptyDb(dialect);
    env = cliEnv(db.url, db.dataDir);
    s = await openServices(testConfig(db.url, db.dataDir), { actor: 'node' });
    council = await setupOrg(s, 'Cli Council', { tokens: false });
    const police = await setupOrg(s, 'Cli Police', { tokens: false });
    dsa = await approved(s, council, police, personTerms(s, council, police));
  });
  after(async () => {
    await s.close();
    await db.drop();
  });

  test('export-cedar --out writes policy, schema and entities that Cedar accepts together, and is audited', async () => {
    const dir = path.join(db.dataDir, 'cedar');
    const r = accord(['agreements', 'export-cedar', dsa.reference, '--out', dir], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Exported ${dsa.reference} \\(version 1\\) to `));
    const policy = fs.readFileSync(path.join(dir, 'policy.cedar'), 'utf8');
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schema.json'), 'utf8'));
    const entities = JSON.parse(fs.readFileSync(path.join(dir, 'entities.json'), 'utf8'));
    assert.match(policy, /Cedar cannot count/, 'says what Cedar cannot express');
    const v = cedar.validate({
      schema,
      policies: { staticPolicies: policy },
      validationSettings: { mode: 'strict' },
    });
    assert.equal(v.type, 'success');
    assert.deepEqual(v.type === 'success' && v.validationErrors, []);
    assert.deepEqual(cedar.checkParseEntities({ entities, schema }), { type: 'success' });
    const [entry] = await s.audit.list({
      orgId: council.orgId,
      action: 'agreements.export-cedar',
    });
    assert.equal(entry?.actor, 'cli');
    assert.equal(entry?.target, `agreement:${dsa.id}`);
    assert.deepEqual(entry?.details.versions, [1]);
  });

  test('without --out it prints; --part prints one part alone', () => {
    const all = accord(['agreements', 'export-cedar', dsa.id], env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /==> policy\.cedar <==\n\/\/ Cedar policy for data-sharing agreement/);
    assert.match(all.stdout, /==> schema\.json <==\n\{/);
    const schema = accord(['agreements', 'export-cedar', dsa.reference, '--part', 'schema'], env);
    assert.ok(JSON.parse(schema.stdout).Accord.entityTypes.Actor);
  });

  test('an agreement that does not exist, or a version it does not have: exit 3, and why', () => {
    const none = accord(['agreements', 'export-cedar', 'DSA-999'], env);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /There is no agreement “DSA-999”/);
    const v9 = accord(['agreements', 'export-cedar', dsa.reference, '--version', '9'], env);
    assert.equal(v9.code, 3);
    assert.match(v9.stderr, /has no proposed or approved version 9/);
    assert.equal(
      accord(['agreements', 'export-cedar', dsa.reference, '--version', 'x'], env).code,
      2,
    );
  });
});
