// The information asset register: each organisation's records live in assets with an owner (a
// person holding the IAO role), a classification, a lawful basis and a retention rule. Assets
// without an owner, or with an owner who no longer holds the role, or without a retention rule,
// are flagged — on the register and on the compliance dashboard.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { assetProblems, assetRowFrom } from './assets.rules.ts';
import type { AssetInput, AssetPeople } from './assets.rules.ts';
import type { RecordTypesService } from './record-types.service.ts';
import type { InformationAssetTable } from './records.table.ts';
import { inTurn } from '../../store/in-turn.ts';

// Callers import these from the service.
export { PERIOD } from './assets.rules.ts';
export type { AssetInput, AssetPeople } from './assets.rules.ts';

export type AssetFlag = 'no-owner' | 'owner-not-iao' | 'no-retention-rule';

export const FLAG_TEXT: Record<AssetFlag, string> = {
  'no-owner': 'No Information Asset Owner',
  'owner-not-iao': 'The owner no longer holds the IAO role',
  'no-retention-rule': 'No retention rule',
};

export interface Asset {
  id: string;
  name: string;
  description: string;
  ownerPersonId: string | null;
  ownerName: string | null;
  typeKey: string;
  classification: string;
  lawfulBasis: string;
  specialCondition: string | null;
  retentionPeriod: string | null;
  retentionFrom: string | null;
  retentionAction: string;
  application: string | null;
  records: number;
  flags: AssetFlag[];
  createdAt: string;
  updatedAt: string;
}

export class AssetsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly types: RecordTypesService,
    private readonly people: AssetPeople,
  ) {}

  private async toAsset(
    ex: Executor,
    row: InformationAssetTable,
    names: Map<string, string>,
    counts: Map<string, number>,
  ): Promise<Asset> {
    const flags: AssetFlag[] = [];
    if (!row.owner_person_id) flags.push('no-owner');
    else if (!(await this.people.currentRoles(ex, row.org_id, row.owner_person_id)).includes('iao'))
      flags.push('owner-not-iao');
    if (!row.retention_period) flags.push('no-retention-rule');
    return {
      id: row.asset_id,
      name: row.name,
      description: row.description,
      ownerPersonId: row.owner_person_id,
      ownerName: row.owner_person_id ? (names.get(row.owner_person_id) ?? null) : null,
      typeKey: row.type_key,
      classification: row.classification,
      lawfulBasis: row.lawful_basis,
      specialCondition: row.special_condition,
      retentionPeriod: row.retention_period,
      retentionFrom: row.retention_from,
      retentionAction: row.retention_action,
      application: row.application,
      records: counts.get(row.asset_id) ?? 0,
      flags,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private async counts(ex: Executor, orgId: string): Promise<Map<string, number>> {
    const rows = await ex.db
      .selectFrom('record')
      .select(['asset_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .groupBy('asset_id')
      .execute();
    return new Map(rows.map((r) => [r.asset_id, Number(r.n)]));
  }

  async list(actor: Actor): Promise<Asset[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('assets.read', { orgId: actor.orgId, ref: 'assets' });
      const rows = await gate.tx.db
        .selectFrom('information_asset')
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .orderBy('name')
        .execute();
      const names = await this.people.names(gate.tx, actor.orgId);
      const counts = await this.counts(gate.tx, actor.orgId);
      return inTurn(rows, (r) => this.toAsset(gate.tx, r, names, counts));
    });
  }

  async get(actor: Actor, assetId: string): Promise<Asset> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.row(gate.tx, assetId);
      gate.require('assets.read', { orgId: row?.org_id ?? '', ref: `asset:${assetId}` });
      return this.toAsset(
        gate.tx,
        row!,
        await this.people.names(gate.tx, actor.orgId),
        await this.counts(gate.tx, actor.orgId),
      );
    });
  }

  async row(ex: Executor, assetId: string): Promise<InformationAssetTable | undefined> {
    return ex.db
      .selectFrom('information_asset')
      .selectAll()
      .where('asset_id', '=', assetId)
      .executeTakeFirst();
  }

  async create(actor: Actor, input: AssetInput): Promise<Asset> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('assets.manage', { orgId: actor.orgId, ref: 'assets' });
      assertNoProblems(
        await assetProblems(gate.tx, this.types, this.people, actor.orgId, input),
        'The asset cannot be saved.',
      );
      const at = this.ctx.clock().toISOString();
      const row: InformationAssetTable = {
        asset_id: randomUUID(),
        org_id: actor.orgId,
        ...assetRowFrom(input),
        created_by: actor.ref,
        created_at: at,
        updated_by: actor.ref,
        updated_at: at,
      };
      await gate.tx.db.insertInto('information_asset').values(row).execute();
      gate.record('assets.created', `asset:${row.asset_id}`, {
        name: row.name,
        owner: row.owner_person_id,
        classification: row.classification,
        typeKey: row.type_key,
      });
      return this.toAsset(gate.tx, row, await this.people.names(gate.tx, actor.orgId), new Map());
    });
  }

  async update(actor: Actor, assetId: string, input: AssetInput): Promise<Asset> {
    return withAccess(this.ctx, actor, async (gate) => {
      const before = await this.row(gate.tx, assetId);
      gate.require('assets.manage', { orgId: before?.org_id ?? '', ref: `asset:${assetId}` });
      if (
        input.typeKey !== before!.type_key &&
        (await this.counts(gate.tx, actor.orgId)).get(assetId)
      ) {
        throw new AccordError(
          'CONFLICT',
          'The asset holds records, so the type of record it holds cannot change.',
        );
      }
      assertNoProblems(
        await assetProblems(gate.tx, this.types, this.people, actor.orgId, input, assetId),
        'The asset cannot be saved.',
      );
      const set = {
        ...assetRowFrom(input),
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await gate.tx.db
        .updateTable('information_asset')
        .set(set)
        .where('asset_id', '=', assetId)
        .execute();
      gate.record('assets.updated', `asset:${assetId}`, {
        before: { ...before, org_id: undefined },
        after: set,
      });
      return this.toAsset(
        gate.tx,
        { ...before!, ...set },
        await this.people.names(gate.tx, actor.orgId),
        await this.counts(gate.tx, actor.orgId),
      );
    });
  }
}
