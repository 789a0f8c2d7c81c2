// Writing a corrected record as a new version, in the caller's transaction: the current version
// is kept (still sealed, as it was) in record_version for the audit trail and never served, the
// new payload is sealed under the current data key, and new identifiers join the index pointing
// at the same subject. Used by rectification here and by corrections applied from a partner.
import type { Tx } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Extracted } from '../records/identifiers.ts';
import { hashInput } from '../records/identifiers.ts';
import type { RecordTable } from '../records/records.table.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers, sealBatch } from '../records/sealing.ts';

export interface NewVersion {
  row: Pick<
    RecordTable,
    'record_id' | 'org_id' | 'subject_id' | 'version' | 'payload' | 'key_version'
  >;
  next: Record<string, unknown>;
  ids: readonly Extracted[];
  retainUntil: string | null;
  by: string;
  reason: string;
  at: string;
}

/** Returns the new version number. */
export async function writeVersion(tx: Tx, keys: KeyService, v: NewVersion): Promise<number> {
  const { row } = v;
  const orgId = row.org_id;
  const version = row.version + 1;
  const k = await keys.dataKey(tx, orgId);
  const [sealed] = sealBatch(k.key, k.version, [
    { aad: `${orgId}|${row.record_id}|${version}`, plaintext: JSON.stringify(v.next) },
  ]);
  await tx.db
    .insertInto('record_version')
    .values({
      record_id: row.record_id,
      version: row.version,
      org_id: orgId,
      payload: row.payload,
      key_version: row.key_version,
      superseded_at: v.at,
      superseded_by: v.by,
      reason: v.reason,
    })
    .execute();
  await tx.db
    .updateTable('record')
    .set({
      version,
      payload: sealed!,
      key_version: k.version,
      retain_until: v.retainUntil,
      updated_at: v.at,
    })
    .where('org_id', '=', orgId)
    .where('record_id', '=', row.record_id)
    .execute();
  const hashes = hashIdentifiers(await keys.indexKey(tx, orgId), v.ids.map(hashInput));
  for (let i = 0; i < v.ids.length; i++)
    await tx.db
      .insertInto('record_identifier')
      .values({
        org_id: orgId,
        hash: hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES),
        subject_id: row.subject_id,
      })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  return version;
}
