import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDialect, createTestDb } from '../../helpers/db.ts';
import type { TestDb } from '../../helpers/db.ts';
import { withoutAppendOnly } from '../../helpers/tamper.ts';
import { AuditLog } from '../../../src/domain/audit/audit.service.ts';
import {
  consistencyProof,
  inclusionProof,
  verifyInclusionProof,
} from '../../../src/domain/audit/proofs.ts';
import { verifyConsistency } from '../../../src/domain/audit/merkle.ts';
import { verifyLog } from '../../../src/domain/audit/verify.ts';
import { loadOrCreateNodeKeys } from '../../../src/domain/node/node-keys.ts';
import { leafHash } from '../../../src/domain/audit/hasher.ts';
import type { AuditEvent } from '../../../src/domain/audit/audit.types.ts';
import type { Store } from '../../../src/store/store.ts';

const ev = (i: number, org = 'org-a'): AuditEvent => ({
  orgId: org,
  actor: `user:${i % 7}`,
  action: 'record.read',
  target: `record:${i}`,
  purpose: 'safeguarding',
  outcome: 'allow',
  details: { i },
});

/** Appends `n` entries in uneven transactions (1, 2, 3, … per transaction). */
async function appendMany(log: AuditLog, store: Store, n: number, start = 0): Promise<void> {
  let i = start;
  let per = 1;
  while (i < start + n) {
    const upto = Math.min(i + per, start + n);
    await store.transaction(async (tx) => {
      for (; i < upto; i++) log.record(tx, ev(i));
    });
    per = (per % 40) + 1;
  }
}

/** Rewrites an entry and the hash stored beside it, as a careful attacker would. */
async function forge(s: Store, seq: number): Promise<void> {
  const row = await s.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
  const forged = row.entry.replace('"allow"', '"deny"');
  await s.db
    .updateTable('audit_entry')
    .set({ entry: forged, leaf_hash: leafHash(forged) })
    .where('seq', '=', seq)
    .execute();
}

forEachDialect('audit log', (dialect) => {
  let t: TestDb;
  let log: AuditLog;
  beforeEach(async () => {
    t = await createTestDb(dialect);
    log = new AuditLog(t.store, loadOrCreateNodeKeys(t.dataDir), { checkpointEvery: 100 });
  });

  describe('appending', () => {
    test('an entry is written in the transaction of the change, or not at all', async () => {
      await assert.rejects(
        t.store.transaction(async (tx) => {
          log.record(tx, ev(1));
          throw new Error('the change failed');
        }),
      );
      assert.equal(await log.size(), 0);
      await t.store.transaction(async (tx) => log.record(tx, ev(2)));
      assert.equal(await log.size(), 1);
      const [e] = await log.list({ orgId: 'org-a' });
      assert.equal(e?.seq, 0);
      assert.equal(e?.target, 'record:2');
      assert.deepEqual(e?.details, { i: 2 });
      await t.close();
    });

    test('checkpoints are signed as the log grows and the whole log verifies', async () => {
      await appendMany(log, t.store, 1000);
      const report = await verifyLog(log);
      assert.equal(report.ok, true, report.problems.join('; '));
      assert.equal(report.size, 1000);
      assert.ok(report.checkpointsVerified >= 9, `checkpoints: ${report.checkpointsVerified}`);
      await t.close();
    });

    test('two writers on one database (two processes) keep one consistent tree', async () => {
      const other = new AuditLog(t.store, log.keys, { checkpointEvery: 100 });
      await appendMany(log, t.store, 300);
      await appendMany(other, t.store, 300, 300);
      await appendMany(log, t.store, 57, 600);
      const cp = await log.checkpoint();
      assert.equal(cp?.size, 657);
      assert.equal((await verifyLog(other)).ok, true);
      await t.close();
    });
  });

  describe('proofs', () => {
    test('inclusion proofs for entries across tiles verify against the signed checkpoint', async () => {
      await appendMany(log, t.store, 700);
      for (const seq of [0, 1, 255, 256, 511, 640, 699]) {
        const proof = await inclusionProof(log, seq);
        assert.ok(proof.treeSize > seq && proof.treeSize <= 700);
        assert.deepEqual(verifyInclusionProof(proof, log.keys.publicKey).ok, true, `seq ${seq}`);
        const forged = { ...proof, leafHash: proof.path[0] ?? proof.leafHash };
        assert.equal(verifyInclusionProof(forged, log.keys.publicKey).ok, false);
      }
      const other = loadOrCreateNodeKeys(`${t.dataDir}/other`);
      assert.equal(verifyInclusionProof(await inclusionProof(log, 3), other.publicKey).ok, false);
      await t.close();
    });

    test('consistency proofs show each checkpoint extends the one before', async () => {
      await appendMany(log, t.store, 450);
      const cps = await t.store.db
        .selectFrom('audit_checkpoint')
        .selectAll()
        .orderBy('size')
        .execute();
      assert.ok(cps.length >= 3);
      for (let i = 1; i < cps.length; i++) {
        const [a, b] = [cps[i - 1]!, cps[i]!];
        const p = await consistencyProof(log, a.size, b.size);
        assert.equal(p.firstRoot, a.root.toString('hex'));
        assert.equal(p.secondRoot, b.root.toString('hex'));
        assert.ok(
          verifyConsistency(
            a.size,
            b.size,
            a.root,
            b.root,
            p.path.map((x) => Buffer.from(x, 'hex')),
          ),
        );
      }
      await assert.rejects(consistencyProof(log, 10, 5000), { code: 'AUDIT_BAD_RANGE' });
      await t.close();
    });
  });

  test('the queryable columns are derived from the hashed record and cannot be edited apart', async () => {
    await appendMany(log, t.store, 3);
    await withoutAppendOnly(t.store, async () => {
      await assert.rejects(
        sql`update audit_entry set actor = 'user:someone-else' where seq = 1`.execute(t.store.db),
      );
    });
    const [e] = await log.list({ actor: 'user:1' });
    assert.equal(e?.seq, 1);
    await t.close();
  });

  describe('tampering is caught and the first bad entry named', () => {
    const scenarios: [string, (s: Store) => Promise<void>, number][] = [
      [
        'an entry edited in place',
        (s) =>
          sql`update audit_entry set entry = replace(entry, '"allow"', '"deny"') where seq = 500`
            .execute(s.db)
            .then(() => undefined),
        500,
      ],
      [
        'an entry edited in the newest part, beyond any full tile',
        (s) =>
          sql`update audit_entry set entry = replace(entry, '"allow"', '"deny"') where seq = 1003`
            .execute(s.db)
            .then(() => undefined),
        1003,
      ],
      // The stored tile still holds the old hash, so the entry is named exactly.
      ['an entry edited with its stored hash recomputed', (s) => forge(s, 40), 40],
      // No full tile yet: the signed checkpoint shows the span after the last good checkpoint.
      ['a recent entry edited with its stored hash recomputed', (s) => forge(s, 1002), 1000],
      [
        'an entry deleted',
        (s) => sql`delete from audit_entry where seq = 321`.execute(s.db).then(() => undefined),
        321,
      ],
      [
        'two entries reordered',
        async (s) => {
          const [a, b] = await s.db
            .selectFrom('audit_entry')
            .select(['entry', 'leaf_hash'])
            .where('seq', 'in', [200, 201])
            .orderBy('seq')
            .execute();
          await s.db.updateTable('audit_entry').set(b!).where('seq', '=', 200).execute();
          await s.db.updateTable('audit_entry').set(a!).where('seq', '=', 201).execute();
        },
        200,
      ],
      [
        'the newest entries deleted',
        (s) => sql`delete from audit_entry where seq >= 990`.execute(s.db).then(() => undefined),
        990,
      ],
    ];
    for (const [name, tamper, firstBad] of scenarios) {
      test(name, async () => {
        await appendMany(log, t.store, 1000);
        await log.checkpoint();
        await appendMany(log, t.store, 5, 1000);
        await log.checkpoint();
        assert.equal((await verifyLog(log)).ok, true);
        await withoutAppendOnly(t.store, () => tamper(t.store));
        const report = await verifyLog(log);
        assert.equal(report.ok, false);
        assert.equal(report.firstBadSeq, firstBad, report.problems.join('; '));
        await t.close();
      });
    }
  });
});
