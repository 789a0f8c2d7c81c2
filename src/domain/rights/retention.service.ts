// The retention sweep: each record whose asset's rule says it is due (retain_until on or before
// today) is deleted or pseudonymised as the rule says, unless a legal hold keeps it. Each asset
// is swept in one transaction that ends with its destruction certificate in the audit log (what,
// how many, which rule, when), so records never go without the evidence that they went.
import { createHash, createHmac } from 'node:crypto';
import { widenCache } from '../../store/store.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { AuditEntry } from '../audit/audit.types.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { InformationAssetTable } from '../records/records.table.ts';
import { sealBatch } from '../records/sealing.ts';
import type { HeldSet, HoldsService } from './holds.service.ts';
import { LISTED, certificate, merge } from './retention.report.ts';
import type { AssetSweep, SweepProgress, SweepReport } from './retention.report.ts';

export type { AssetSweep, SweepProgress, SweepReport };
import { destroyRecords, forgetOrphans, pseudonymisePayload } from './record-ops.ts';
import { londonDate } from './statutory-clock.ts';

const BATCH = 2000;

interface DueRow {
  record_id: string;
  subject_id: string;
  asset_id: string;
  retain_until: string | null;
}

export class RetentionService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly holds: HoldsService,
    private readonly keys: KeyService,
    private readonly types: RecordTypesService,
    private readonly records: RecordsService,
  ) {}

  /** What a sweep would do today (nothing is changed; the listing is audited). */
  async preview(actor: Actor): Promise<SweepReport> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('retention.read', { orgId: actor.orgId, ref: 'retention' });
      return this.sweepOrg(gate, true);
    });
  }

  async run(actor: Actor, opts: { dryRun?: boolean; progress?: SweepProgress } = {}) {
    if (opts.dryRun)
      return withAccess(this.ctx, actor, async (gate) => {
        gate.require('retention.run', { orgId: actor.orgId, ref: 'retention' });
        return this.sweepOrg(gate, true);
      });
    const assets = await this.ruledAssets(this.ctx.store, actor.orgId);
    const reports: SweepReport[] = [];
    const total = await this.countDue(this.ctx.store, actor.orgId);
    let done = 0;
    // One transaction per asset: its deletions and its certificate commit together.
    for (const asset of assets.length ? assets : [null])
      reports.push(
        await withAccess(this.ctx, actor, async (gate) => {
          gate.require('retention.run', { orgId: actor.orgId, ref: 'retention' });
          return this.sweepOrg(gate, false, asset, (n) => opts.progress?.((done += n), total));
        }),
      );
    return merge(reports, this.today());
  }

  /** For a scheduler: every organisation, Accord acting for each. */
  async runAll(dryRun = false): Promise<Map<string, SweepReport>> {
    const orgs = await this.ctx.store.db.selectFrom('organisation').select('org_id').execute();
    const out = new Map<string, SweepReport>();
    for (const o of orgs) out.set(o.org_id, await this.run(nodeActor(o.org_id), { dryRun }));
    return out;
  }

  /** The destruction certificates of past sweeps, newest first, from the audit log. */
  async certificates(actor: Actor): Promise<AuditEntry[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('retention.read', { orgId: actor.orgId, ref: 'retention' });
      return this.ctx.audit.list(
        { orgId: actor.orgId, action: 'retention.certificate', limit: 100 },
        gate.tx,
      );
    });
  }

  private today(): string {
    return londonDate(this.ctx.clock());
  }

  /**
   * Assets with a retention rule, and assets without one that hold records with a date of their
   * own: records received by transfer expire by the agreement's retention at the recipient.
   */
  private async ruledAssets(ex: Executor, orgId: string): Promise<InformationAssetTable[]> {
    return ex.db
      .selectFrom('information_asset')
      .selectAll()
      .where('org_id', '=', orgId)
      .where((eb) =>
        eb.or([
          eb('retention_period', 'is not', null),
          eb.exists(
            eb
              .selectFrom('record')
              .select('record.record_id')
              .where('record.org_id', '=', orgId)
              .whereRef('record.asset_id', '=', 'information_asset.asset_id')
              .where('record.retain_until', 'is not', null),
          ),
        ]),
      )
      .orderBy('name')
      .execute();
  }

  private async countDue(ex: Executor, orgId: string): Promise<number> {
    const r = await ex.db
      .selectFrom('record')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .where('retain_until', '<=', this.today())
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private async dueRows(tx: Tx, asset: InformationAssetTable, after: string): Promise<DueRow[]> {
    if (tx.sqlite)
      // Walk the asset's index in id order; the unary + keeps SQLite from choosing the
      // retention-date index instead, which would rescan and sort every due row for each batch.
      return tx.sqlite
        .prepare(
          "select record_id, subject_id, asset_id, retain_until from record where asset_id = ? and record_id > ? and +org_id = ? and status = 'active' and +retain_until <= ? order by record_id limit ?",
        )
        .all(asset.asset_id, after, asset.org_id, this.today(), BATCH) as DueRow[];
    return tx.db
      .selectFrom('record')
      .select(['record_id', 'subject_id', 'asset_id', 'retain_until'])
      .where('org_id', '=', asset.org_id)
      .where('asset_id', '=', asset.asset_id)
      .where('status', '=', 'active')
      .where('retain_until', '<=', this.today())
      .where('record_id', '>', after)
      .orderBy('record_id')
      .limit(BATCH)
      .execute();
  }

  private async sweepOrg(
    gate: Gate,
    dryRun: boolean,
    only?: InformationAssetTable | null,
    progress?: (n: number) => void,
  ): Promise<SweepReport> {
    const orgId = gate.actor.orgId;
    const held = await this.holds.held(gate.tx, orgId);
    const assets = only === undefined ? await this.ruledAssets(gate.tx, orgId) : only ? [only] : [];
    const report: SweepReport = { ...merge([], this.today()), dryRun };
    const restoreCache = !dryRun && gate.tx.sqlite ? widenCache(gate.tx.sqlite) : undefined;
    try {
      for (const asset of assets)
        await this.sweepAsset(gate, asset, dryRun, held, report, progress);
    } finally {
      restoreCache?.();
    }
    return merge([report], this.today(), dryRun);
  }

  private async sweepAsset(
    gate: Gate,
    asset: InformationAssetTable,
    dryRun: boolean,
    held: HeldSet,
    report: SweepReport,
    progress?: (n: number) => void,
  ): Promise<void> {
    const orgId = gate.actor.orgId;
    const s: AssetSweep = {
      assetId: asset.asset_id,
      assetName: asset.name,
      period: asset.retention_period ?? 'per record (received under an agreement)',
      from: asset.retention_from ?? '',
      action: asset.retention_action === 'pseudonymise' ? 'pseudonymise' : 'delete',
      due: 0,
      held: 0,
      processed: 0,
    };
    const digest = createHash('sha256');
    let after = '';
    for (;;) {
      const rows = await this.dueRows(gate.tx, asset, after);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.record_id;
      const go: DueRow[] = [];
      for (const r of rows) {
        const why = held.reason(r);
        if (report.sample.length < LISTED)
          report.sample.push({
            recordId: r.record_id,
            assetName: asset.name,
            retainUntil: r.retain_until ?? '',
            heldBecause: why,
          });
        if (why) s.held++;
        else go.push(r);
      }
      s.due += rows.length;
      if (!dryRun && go.length) {
        for (const r of go) digest.update(`${r.record_id}\n`);
        if (s.action === 'delete')
          await destroyRecords(
            gate.tx,
            orgId,
            go.map((r) => r.record_id),
            go.map((r) => r.subject_id),
          );
        else await this.pseudonymise(gate.tx, orgId, go);
        s.processed += go.length;
      }
      progress?.(rows.length);
      if (rows.length < BATCH) break;
    }
    report.assets.push(s);
    if (!dryRun && s.due > 0)
      gate.record(
        'retention.certificate',
        `asset:${asset.asset_id}`,
        certificate(s, this.today(), digest.digest('hex'), this.ctx.clock()),
      );
  }

  /** Takes the person out of each record: identifying fields tokenised, the link to the subject cut. */
  private async pseudonymise(tx: Tx, orgId: string, rows: DueRow[]): Promise<void> {
    const indexKey = await this.keys.indexKey(tx, orgId);
    const dataKey = await this.keys.dataKey(tx, orgId);
    const full = await tx.db
      .selectFrom('record')
      .selectAll()
      .where(
        'record_id',
        'in',
        rows.map((r) => r.record_id),
      )
      .execute();
    const fieldsByType = new Map<
      string,
      Awaited<ReturnType<RecordTypesService['toType']>>['fields']
    >();
    const pseudonyms = new Map<string, string>();
    for (const r of full) {
      if (!fieldsByType.has(r.type_id)) {
        const t = await this.types.byId(tx, r.type_id);
        fieldsByType.set(r.type_id, t ? this.types.toType(t).fields : []);
      }
      const token = (field: string, value: string): string =>
        `pseudonym:${createHmac('sha256', indexKey).update(`${field}:${value}`).digest('hex').slice(0, 24)}`;
      const payload = pseudonymisePayload(
        fieldsByType.get(r.type_id)!,
        await this.records.decrypt(tx, r),
        token,
      );
      if (!pseudonyms.has(r.subject_id)) pseudonyms.set(r.subject_id, uuid7());
      const [sealed] = sealBatch(dataKey.key, dataKey.version, [
        { aad: `${orgId}|${r.record_id}|${r.version}`, plaintext: JSON.stringify(payload) },
      ]);
      await tx.db
        .updateTable('record')
        .set({
          payload: sealed!,
          key_version: dataKey.version,
          subject_id: pseudonyms.get(r.subject_id)!,
          status: 'pseudonymised',
          retain_until: null,
          updated_at: this.ctx.clock().toISOString(),
        })
        .where('record_id', '=', r.record_id)
        .execute();
    }
    await tx.db
      .deleteFrom('record_version')
      .where(
        'record_id',
        'in',
        rows.map((r) => r.record_id),
      )
      .execute();
    await forgetOrphans(
      tx,
      orgId,
      rows.map((r) => r.subject_id),
    );
  }
}
