// What an asset's input must satisfy (an owner holding the IAO role, a classification that fits
// the record type, a lawful basis with its special-category conditions, a retention rule), and the
// row it becomes.
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Role } from '../policy/roles.ts';
import { MARKINGS } from './annotations.ts';
import { isArticle6, isArticle9, isSchedule1 } from './lawful-bases.ts';
import type { RecordTypesService } from './record-types.service.ts';
import type { InformationAssetTable } from './records.table.ts';

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

/** A retention period: ISO 8601 years, months and/or days, like P6Y, P18M or P30D. */
export const PERIOD = /^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$/;

/**
 * What is wrong with an asset's input. `exceptId` is the asset being changed, whose own name is
 * no clash.
 */
export async function assetProblems(
  ex: Executor,
  types: RecordTypesService,
  people: AssetPeople,
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
  const typeRow = input.typeKey ? await types.latest(ex, orgId, input.typeKey) : undefined;
  if (!typeRow)
    problems.push({ field: 'typeKey', message: 'Choose the type of record the asset holds' });
  const type = typeRow && types.toType(typeRow);
  if (input.ownerPersonId) {
    const ok =
      (await people.activePerson(ex, orgId, input.ownerPersonId)) &&
      (await people.currentRoles(ex, orgId, input.ownerPersonId)).includes('iao');
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

/** The columns an asset's input sets (on creation and on every change). */
export function assetRowFrom(
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
