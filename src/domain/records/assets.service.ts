// The information asset register: each organisation's records live in assets with an owner (a
// person holding the IAO role), a classification, a lawful basis and a retention rule. Assets
// without an owner, or with an owner who no longer holds the role, or without a retention rule,
// are flagged — on the register and on the compliance dashboard.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Role } from '../policy/roles.ts';
import { MARKINGS } from './annotations.ts';
import { isArticle6, isArticle9, isSchedule1 } from './lawful-bases.ts';
import type { RecordTypesService } from './record-types.service.ts';
import type { InformationAssetTable } from './records.table.ts';

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

export interface AssetInput {
  name: string;
  description?: string;
  ownerPersonId?: string | null;
  typeKey: string;
  classification: string;
  lawfulBasis: string;
  specialCondition?: string | null;
  retentionPeriod?: string | null;
  retentionFrom?: string | null;
  retentionAction?: string;
  application?: string | null;
}

/** What the asset register needs from the people and roles modules. */
export interface AssetPeople {
  names(ex: Executor, orgId: string): Promise<Map<string, string>>;
  activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean>;
  currentRoles(ex: Executor, orgId: string, personId: string): Promise<Role[]>;
}

export const PERIOD = /^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$/;

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
      return Promise.all(rows.map((r) => this.toAsset(gate.tx, r, names, counts)));
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

  private async problems(
    ex: Executor,
    orgId: string,
    input: AssetInput,
    exceptId?: string,
  ): Promise<Problem[]> {
    const problems: Problem[] = [];
    const name = input.name?.trim() ?? '';
    if (!name) problems.push({ field: 'name', message: 'Enter the asset’s name' });
    else {
      const clash = await ex.db
        .selectFrom('information_asset')
        .select('asset_id')
        .where('org_id', '=', orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (clash && clash.asset_id !== exceptId)
        problems.push({ field: 'name', message: 'There is already an asset with that name' });
    }
    const typeRow = input.typeKey ? await this.types.latest(ex, orgId, input.typeKey) : undefined;
    if (!typeRow)
      problems.push({ field: 'typeKey', message: 'Choose the type of record the asset holds' });
    const type = typeRow && this.types.toType(typeRow);
    if (input.ownerPersonId) {
      const ok =
        (await this.people.activePerson(ex, orgId, input.ownerPersonId)) &&
        (await this.people.currentRoles(ex, orgId, input.ownerPersonId)).includes('iao');
      if (!ok)
        problems.push({
          field: 'ownerPersonId',
          message:
            'The owner must be someone in your organisation who holds the Information Asset Owner role',
        });
    }
    if (!(MARKINGS as readonly string[]).includes(input.classification))
      problems.push({
        field: 'classification',
        message: `Choose a classification: ${MARKINGS.join(' or ')}`,
      });
    else if (type?.marking === 'OFFICIAL-SENSITIVE' && input.classification === 'OFFICIAL')
      problems.push({
        field: 'classification',
        message:
          'The record type has OFFICIAL-SENSITIVE fields, so the asset must be classified OFFICIAL-SENSITIVE',
      });
    if (!isArticle6(input.lawfulBasis ?? ''))
      problems.push({
        field: 'lawfulBasis',
        message:
          'Choose the lawful basis the asset is held under (UK GDPR Art. 6, or DPA 2018 Part 3)',
      });
    const special = type?.fields.some(
      (f) => f.category === 'special-category' || f.category === 'criminal-offence',
    );
    const conditions = (input.specialCondition ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (special && input.lawfulBasis !== 'dpa-part-3') {
      const art9 = conditions.find(isArticle9);
      if (!art9)
        problems.push({
          field: 'specialCondition',
          message:
            'The records include special-category or criminal-offence data: give the Art. 9(2) condition',
        });
      else if (
        ['art9-2-b', 'art9-2-g', 'art9-2-h', 'art9-2-i', 'art9-2-j'].includes(art9) &&
        !conditions.some(isSchedule1)
      ) {
        problems.push({
          field: 'specialCondition',
          message: 'That Art. 9(2) condition also needs a DPA 2018 Schedule 1 condition',
        });
      }
    }
    for (const c of conditions)
      if (!isArticle9(c) && !isSchedule1(c))
        problems.push({
          field: 'specialCondition',
          message: `“${c}” is not an Art. 9(2) or Schedule 1 condition`,
        });
    if (input.retentionPeriod) {
      if (!PERIOD.test(input.retentionPeriod))
        problems.push({
          field: 'retentionPeriod',
          message: 'Give the period like P6Y (6 years), P18M or P30D',
        });
      const dates = type?.fields.filter((f) => f.retentionDate).map((f) => f.name) ?? [];
      if (!input.retentionFrom || !dates.includes(input.retentionFrom))
        problems.push({
          field: 'retentionFrom',
          message: `Choose the date the period runs from${dates.length ? `: ${dates.join(', ')}` : ''}`,
        });
    }
    if (input.retentionAction && !['delete', 'pseudonymise'].includes(input.retentionAction))
      problems.push({
        field: 'retentionAction',
        message: 'When due, records are deleted or pseudonymised',
      });
    return problems;
  }

  private rowFrom(
    input: AssetInput,
  ): Omit<
    InformationAssetTable,
    'asset_id' | 'org_id' | 'created_by' | 'created_at' | 'updated_by' | 'updated_at'
  > {
    return {
      name: input.name.trim(),
      description: input.description?.trim() ?? '',
      owner_person_id: input.ownerPersonId || null,
      type_key: input.typeKey,
      classification: input.classification,
      lawful_basis: input.lawfulBasis,
      special_condition: input.specialCondition?.trim() || null,
      retention_period: input.retentionPeriod || null,
      retention_from: input.retentionPeriod ? (input.retentionFrom ?? null) : null,
      retention_action: input.retentionAction || 'delete',
      application: input.application?.trim() || null,
    };
  }

  async create(actor: Actor, input: AssetInput): Promise<Asset> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('assets.manage', { orgId: actor.orgId, ref: 'assets' });
      assertNoProblems(
        await this.problems(gate.tx, actor.orgId, input),
        'The asset cannot be saved.',
      );
      const at = this.ctx.clock().toISOString();
      const row: InformationAssetTable = {
        asset_id: randomUUID(),
        org_id: actor.orgId,
        ...this.rowFrom(input),
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
        await this.problems(gate.tx, actor.orgId, input, assetId),
        'The asset cannot be saved.',
      );
      const set = {
        ...this.rowFrom(input),
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
