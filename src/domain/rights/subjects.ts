// Finding the subjects a request is about, through the identifier index, and keeping what the
// request says about them sealed like any record (identifiers, the request text, redaction marks).
import type { Executor } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import { hashInput, lookupIdentifiers } from '../records/identifiers.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers, open, sealBatch } from '../records/sealing.ts';

/** A passage of free text marked to be withheld from the bundle (third-party data). */
export interface Redaction {
  recordId: string;
  field: string;
  text: string;
  reason: string;
  by: string;
  at: string;
}

export interface RequestDetails {
  identifiers: Record<string, string>;
  description: string;
  redactions: Redaction[];
}

/** The identifier fields a request can carry (as in a records look-up). */
export const IDENTIFIER_FIELDS = [
  'nhsNumber',
  'niNumber',
  'membershipNumber',
  'policeReference',
  'familyName',
  'givenName',
  'dateOfBirth',
  'postcode',
] as const;

export function cleanIdentifiers(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of IDENTIFIER_FIELDS) {
    const v = raw[k];
    if (typeof v === 'string' && v.trim()) out[k] = v.trim();
  }
  return out;
}

/** Every subject any of the identifiers points at (several when records were never linked). */
export async function matchSubjects(
  ex: Executor,
  keys: KeyService,
  orgId: string,
  identifiers: Record<string, string>,
): Promise<string[]> {
  const { ids } = lookupIdentifiers(identifiers);
  if (ids.length === 0) return [];
  const hashes = hashIdentifiers(await keys.indexKey(ex, orgId), ids.map(hashInput));
  const list = ids.map((_, i) =>
    hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES),
  );
  const rows = await ex.db
    .selectFrom('record_identifier')
    .select('subject_id')
    .where('org_id', '=', orgId)
    .where('hash', 'in', list)
    .execute();
  return [...new Set(rows.map((r) => r.subject_id))].sort();
}

const aad = (orgId: string, requestId: string): string => `${orgId}|request:${requestId}`;

export async function sealDetails(
  ex: Executor,
  keys: KeyService,
  orgId: string,
  requestId: string,
  d: RequestDetails,
): Promise<{ sealed: Buffer; keyVersion: number }> {
  const k = await keys.dataKey(ex, orgId);
  const [sealed] = sealBatch(k.key, k.version, [
    { aad: aad(orgId, requestId), plaintext: JSON.stringify(d) },
  ]);
  return { sealed: sealed!, keyVersion: k.version };
}

export async function openDetails(
  ex: Executor,
  keys: KeyService,
  row: { org_id: string; request_id: string; details: Buffer; key_version: number },
): Promise<RequestDetails> {
  const key = await keys.dataKeyVersion(ex, row.org_id, row.key_version);
  return JSON.parse(open(key, row.details, aad(row.org_id, row.request_id))) as RequestDetails;
}
