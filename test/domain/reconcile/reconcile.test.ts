// Reconciliation on a real store: a generated membership list (imported, sealed) against a
// payments feed (uploaded CSV) finds every planted variance and nothing else; overrides need a
// justification, and one that changes eligibility needs a second person.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { generate, plantedKey } from '../../helpers/reconcile-data.ts';
import { importMembers, memberAsset } from '../../helpers/reconcile.ts';
import type { Run, Variance } from '../../../src/domain/reconcile/reconcile.view.ts';
import type { Services } from '../../../src/services.ts';
import { isAccordError } from '../../../src/errors.ts';

const code = (c: string) => (e: unknown) => isAccordError(e) && e.code === c;

async function allVariances(s: Services, org: OrgFixture, runId: string): Promise<Variance[]> {
  const out: Variance[] = [];
  for (let page = 1; ; page++) {
    const p = await s.reconcile.variances.list(await org.actor('handler'), runId, {
      page,
      pageSize: 500,
    });
    out.push(...p.variances);
    if (out.length >= p.total) return out;
  }
}

forEachDialect('reconciliation', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let run: Run;
  let variances: Variance[];
  const data = generate(1500, 50);

  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Forward Party', { tokens: false });
    const asset = await memberAsset(s, org);
    await importMembers(s, org, asset.id, data.members);
    run = await s.reconcile.reconciliations.start(await org.actor('handler'), {
      listAssetId: asset.id,
      csv: data.paymentsCsv(),
      fileName: 'payments-2026-11.csv',
    });
    variances = await allVariances(s, org, run.id);
  });
  after(async () => t.close());

  test('finds every planted variance and no false ones', () => {
    const found = new Set(
      variances.map((v) =>
        plantedKey(
          v.kind,
          v.reason,
          v.a?.membershipNumber ?? null,
          v.b ? Number(v.b.ref.slice('line:'.length)) : null,
        ),
      ),
    );
    const missed = [...data.planted].filter((k) => !found.has(k));
    const extra = [...found].filter((k) => !data.planted.has(k));
    assert.deepEqual({ missed, extra }, { missed: [], extra: [] });
    assert.equal(run.counts.variances, data.planted.size);
    assert.equal(run.counts.aRows, data.members.length);
    assert.equal(run.counts.bRows, data.payments.length);
    assert.ok(run.counts.matchedByIdentifier > 0 && run.counts.matchedByLinkage > 0);
    assert.equal(run.feed.kind, 'upload');
  });

  test('the run is listed, filtered by kind and exported as CSV; reading is audited', async () => {
    const handler = await org.actor('handler');
    const runs = await s.reconcile.reconciliations.list(handler);
    assert.equal(runs[0]!.id, run.id);
    const moved = await s.reconcile.variances.list(handler, run.id, { kind: 'address-mismatch' });
    assert.ok(moved.total > 0);
    assert.ok(moved.variances.every((v) => v.kind === 'address-mismatch'));
    const csv = await s.reconcile.variances.csv(handler, run.id, { kind: 'only-in-b' });
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length - 1, run.counts.byKind['only-in-b']);
    await assert.rejects(
      s.reconcile.variances.list(handler, run.id, { kind: 'nonsense' }),
      code('VALIDATION_FAILED'),
    );
    const audit = await t.services.store.db
      .selectFrom('audit_entry')
      .select(['action', 'purpose'])
      .where('org_id', '=', org.orgId)
      .where('action', 'in', ['records.read', 'reconcile.variances.exported'])
      .where('purpose', '=', 'accuracy')
      .execute();
    assert.ok(audit.some((a) => a.action === 'records.read'));
    assert.ok(audit.some((a) => a.action === 'reconcile.variances.exported'));
  });

  test('an override without a justification is refused, and the refusal audited', async () => {
    const v = variances.find((x) => x.kind === 'only-in-b')!;
    await assert.rejects(
      s.reconcile.overrides.override(await org.actor('iao'), v.id, {
        decision: 'explained',
        justification: '   ',
        evidence: 'bank statement',
      }),
      code('VALIDATION_FAILED'),
    );
    const got = await s.reconcile.variances.get(await org.actor('iao'), v.id);
    assert.equal(got.variance.state, 'open');
    assert.equal(got.overrides.length, 0);
    const refused = await t.services.store.db
      .selectFrom('audit_entry')
      .select('outcome')
      .where('action', '=', 'reconcile.override')
      .where('target', '=', `reconcile-variance:${v.id}`)
      .execute();
    assert.deepEqual(
      refused.map((r) => r.outcome),
      ['refused'],
    );
    const ok = await s.reconcile.overrides.override(await org.actor('iao'), v.id, {
      decision: 'explained',
      justification: 'Paid on behalf of a member by a relative',
      evidence: 'Letter ref 2026/114',
    });
    assert.equal(ok.state, 'in-force');
    assert.equal(ok.version, 1);
    const again = await s.reconcile.overrides.override(await org.actor('dpo'), v.id, {
      decision: 'explained',
      justification: 'Confirmed with the branch secretary',
    });
    assert.equal(again.version, 2);
    const history = (await s.reconcile.variances.get(await org.actor('iao'), v.id)).overrides;
    assert.deepEqual(
      history.map((o) => [o.version, o.state]),
      [
        [2, 'in-force'],
        [1, 'superseded'],
      ],
    );
  });

  test('an override that makes a member eligible needs a second person', async () => {
    const v = variances.find((x) => x.reason === 'inactive-but-active-in-feed')!;
    const iao = await org.actor('iao');
    const o = await s.reconcile.overrides.override(iao, v.id, {
      decision: 'set-status',
      newStatus: 'current',
      justification: 'Renewed by standing order; the lapse was a data-entry error',
      evidence: 'Bank reference SO-5521',
    });
    assert.equal(o.changesEligibility, true);
    assert.equal(o.state, 'awaiting-approval');
    // The same person cannot approve, whatever their roles (the IAO may approve others').
    await assert.rejects(
      s.reconcile.overrides.decide(iao, o.id, { approve: true }),
      code('SOD_CONFLICT'),
    );
    // Only roles that approve may approve.
    await assert.rejects(
      s.reconcile.overrides.decide(await org.actor('handler'), o.id, { approve: true }),
      code('FORBIDDEN'),
    );
    const waiting = await s.reconcile.overrides.awaiting(await org.actor('dpo'));
    assert.ok(waiting.some((w) => w.id === o.id));
    const approved = await s.reconcile.overrides.decide(await org.actor('dpo'), o.id, {
      approve: true,
      note: 'Checked the bank reference',
    });
    assert.equal(approved.state, 'in-force');
    assert.equal(approved.decidedBy, `person:${org.people.dpo.personId}`);
    const got = await s.reconcile.variances.get(iao, v.id);
    assert.equal(got.variance.state, 'overridden');
    const sod = await t.services.store.db
      .selectFrom('audit_entry')
      .select('outcome')
      .where('action', '=', 'duty.second-approval')
      .where('target', '=', `reconcile-override:${o.id}`)
      .execute();
    assert.equal(sod[0]?.outcome, 'refused');
  });

  test('accuracy flags are versioned and passed on', async () => {
    const v = variances.find((x) => x.kind === 'address-mismatch')!;
    const recordId = v.aRef!.slice('record:'.length);
    const handler = await org.actor('handler');
    await assert.rejects(
      s.reconcile.accuracy.setFlag(handler, recordId, { flag: 'disputed' }),
      code('VALIDATION_FAILED'),
    );
    await s.reconcile.accuracy.setFlag(handler, recordId, {
      flag: 'disputed',
      note: 'Member says they moved in June',
    });
    await s.reconcile.accuracy.setFlag(await org.actor('iao'), recordId, {
      flag: 'verified',
      note: 'Council tax bill seen',
    });
    const flags = await s.reconcile.accuracy.flagsFor(s.store, org.orgId, [recordId]);
    assert.equal(flags.get(recordId)?.flag, 'verified');
    assert.equal(flags.get(recordId)?.version, 2);
    const other = await setupOrg(s, 'Other Party', { tokens: false });
    await assert.rejects(
      s.reconcile.accuracy.setFlag(await other.actor('handler'), recordId, {
        flag: 'disputed',
        note: 'x',
      }),
      code('NOT_FOUND'),
    );
  });
});
