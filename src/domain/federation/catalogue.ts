// The catalogue of record types a node publishes for each organisation it hosts, beside its
// exchange key in the directory: each type's key, version and title, and each field's name, data
// category, security marking and identifier. It is the schema only, never a record. A proposer
// drafts and checks an agreement whose provider is on a partner node against it; the provider's
// node checks the proposal again against its real record types when it arrives, so a stale or
// forged catalogue can only make a proposal fail, never change what is shared.
import type { Executor } from '../../store/store.ts';
import { CATEGORIES, IDENTIFIES, MARKINGS } from '../records/annotations.ts';
import type { FieldInfo } from '../records/annotations.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';

export interface CatalogueType {
  key: string;
  version: number;
  title: string;
  fields: FieldInfo[];
}

/** Bounds on what a partner may publish, so a directory cannot fill the database. */
const MAX_TYPES = 200;
const MAX_FIELDS = 300;

const text = (x: unknown, max: number): string => (typeof x === 'string' ? x.slice(0, max) : '');
const oneOf = <T extends string>(list: readonly T[], x: unknown): T | undefined =>
  (list as readonly unknown[]).includes(x) ? (x as T) : undefined;

function readField(raw: unknown): FieldInfo | undefined {
  const f = raw as Partial<Record<keyof FieldInfo, unknown>> | null;
  if (!f || typeof f !== 'object' || typeof f.name !== 'string' || !f.name) return undefined;
  const category = oneOf(CATEGORIES, f.category);
  const marking = oneOf(MARKINGS, f.marking);
  // A field without a valid category or marking is not one a proposal can rely on.
  if (!category || !marking) return undefined;
  const identifies = oneOf(IDENTIFIES, f.identifies);
  return {
    name: text(f.name, 100),
    title: text(f.title, 200) || text(f.name, 100),
    type: text(f.type, 40) || 'any',
    required: f.required === true,
    description: text(f.description, 1000),
    category,
    marking,
    ...(identifies ? { identifies } : {}),
    ...(f.retentionDate === true ? { retentionDate: true } : {}),
  };
}

/** A partner's published catalogue, keeping only well-formed types and fields. */
export function readCatalogue(raw: unknown): CatalogueType[] {
  if (!Array.isArray(raw)) return [];
  const out: CatalogueType[] = [];
  for (const t of raw.slice(0, MAX_TYPES) as Partial<Record<keyof CatalogueType, unknown>>[]) {
    if (!t || typeof t !== 'object' || typeof t.key !== 'string' || !t.key) continue;
    if (out.some((x) => x.key === t.key)) continue;
    const fields: FieldInfo[] = [];
    for (const f of Array.isArray(t.fields) ? t.fields.slice(0, MAX_FIELDS) : []) {
      const field = readField(f);
      if (field && !fields.some((x) => x.name === field.name)) fields.push(field);
    }
    out.push({
      key: text(t.key, 100),
      version: Number.isInteger(t.version) ? (t.version as number) : 0,
      title: text(t.title, 200) || text(t.key, 100),
      fields,
    });
  }
  return out;
}

/**
 * The record types an organisation on a partner node published, or undefined when it is not on a
 * partner node (its own record types apply). A partner that published none: an empty list.
 */
export async function remoteTypes(
  ex: Executor,
  orgId: string,
): Promise<CatalogueType[] | undefined> {
  const r = await ex.db
    .selectFrom('federation_org')
    .select('record_types')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!r) return undefined;
  return r.record_types ? readCatalogue(JSON.parse(r.record_types)) : [];
}

/** What this node publishes for an organisation hosted here: the latest version of each type. */
export async function localCatalogue(
  ex: Executor,
  types: Pick<RecordTypesService, 'toType'>,
  orgId: string,
): Promise<CatalogueType[]> {
  const rows = await ex.db
    .selectFrom('record_type')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
  return rows
    .filter((r, i) => i === 0 || rows[i - 1]!.key !== r.key)
    .map((r) => types.toType(r))
    .map((t) => ({ key: t.key, version: t.version, title: t.title, fields: t.fields }));
}
