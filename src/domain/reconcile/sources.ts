// Reading a source for reconciliation: an information asset's records, streamed from the store in
// batches and opened in memory straight into compact rows (the payloads are not kept), or an
// uploaded feed. Also re-opens just the records a variance names, to show who it is about.
import { createDecipheriv } from 'node:crypto';
import type { Tx } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { PersonRow } from './link.ts';
import type { Side } from './rows.ts';
import { toPersonRow } from './rows.ts';

const BATCH = 5_000;
const HEADER = 3;

interface SealedRow {
  record_id: string;
  version: number;
  key_version: number;
  payload: Buffer;
}

/** Opens one sealed payload (the layout of records/sealing.ts), without copying the ciphertext. */
function openPayload(key: Buffer, orgId: string, r: SealedRow): Record<string, unknown> {
  const sealed = r.payload;
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(HEADER, HEADER + 12));
  d.setAAD(Buffer.from(`${orgId}|${r.record_id}|${r.version}`, 'utf8'));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  // Straight to a string: no intermediate buffers for a million small payloads.
  const text =
    d.update(sealed.subarray(HEADER + 12, sealed.length - 16), undefined, 'utf8') + d.final('utf8');
  return JSON.parse(text) as Record<string, unknown>;
}

async function keysFor(
  tx: Tx,
  keys: KeyService,
  orgId: string,
  versions: Iterable<number>,
): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  for (const v of versions) out.set(v, await keys.dataKeyVersion(tx, orgId, v));
  return out;
}

/**
 * Every active record of an asset as a compact row. On SQLite the rows are iterated on the
 * transaction's own connection; on PostgreSQL they are read in keyset pages. Either way only one
 * batch of sealed payloads is held at a time.
 */
export async function readAsset(
  tx: Tx,
  keys: KeyService,
  orgId: string,
  assetId: string,
  side: Side,
): Promise<PersonRow[]> {
  // By asset alone (the caller has checked the asset is the organisation's): the asset's index
  // serves it, where the organisation's would scan every record the organisation holds.
  const versions = await tx.db
    .selectFrom('record')
    .select('key_version')
    .distinct()
    .where('asset_id', '=', assetId)
    .execute();
  const dataKeys = await keysFor(
    tx,
    keys,
    orgId,
    versions.map((v) => v.key_version),
  );
  const out: PersonRow[] = [];
  const take = (r: SealedRow) =>
    out.push(
      toPersonRow(
        `record:${r.record_id}`,
        openPayload(dataKeys.get(r.key_version)!, orgId, r),
        side,
      ),
    );
  if (tx.sqlite) {
    const rows = tx.sqlite
      .prepare(
        "select record_id, version, key_version, payload from record where asset_id = ? and org_id = ? and status = 'active' order by record_id",
      )
      .raw(true)
      .iterate(assetId, orgId) as IterableIterator<[string, number, number, Buffer]>;
    // Rows as arrays: the driver builds them faster than keyed objects.
    for (const [record_id, version, key_version, payload] of rows)
      take({ record_id, version, key_version, payload });
    return out;
  }
  let after = '';
  for (;;) {
    const page = await tx.db
      .selectFrom('record')
      .select(['record_id', 'version', 'key_version', 'payload'])
      .where('asset_id', '=', assetId)
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .where('record_id', '>', after)
      .orderBy('record_id')
      .limit(BATCH)
      .execute();
    for (const r of page) take(r);
    if (page.length < BATCH) return out;
    after = page[page.length - 1]!.record_id;
  }
}

/** The payloads of the records named, opened (for the few a variance list shows). */
export async function openRecords(
  tx: Tx,
  keys: KeyService,
  orgId: string,
  recordIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const dataKeys = new Map<number, Buffer>();
  for (let i = 0; i < recordIds.length; i += 500) {
    // By primary key alone: with org_id in the query SQLite may pick the organisation's index
    // and scan every record of the organisation for each batch. The organisation is checked here.
    const rows = await tx.db
      .selectFrom('record')
      .select(['org_id', 'record_id', 'version', 'key_version', 'payload'])
      .where('record_id', 'in', recordIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      if (r.org_id !== orgId) continue;
      if (!dataKeys.has(r.key_version))
        dataKeys.set(r.key_version, await keys.dataKeyVersion(tx, orgId, r.key_version));
      out.set(r.record_id, openPayload(dataKeys.get(r.key_version)!, orgId, r));
    }
  }
  return out;
}

export interface SideDetail {
  ref: string;
  membershipNumber: string;
  name: string;
  dateOfBirth: string;
  postcode: string;
  address: string;
  status: string;
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

/** What a variance shows of one side: enough to tell who it is and what differs. */
export function sideDetail(ref: string, p: Record<string, unknown>, side: Side): SideDetail {
  return {
    ref,
    membershipNumber: text(p.membershipNumber).trim(),
    name: [text(p.givenName), text(p.familyName)].filter(Boolean).join(' '),
    dateOfBirth: text(p.dateOfBirth),
    postcode: text(p.postcode),
    address: text(p.address),
    status: text(
      side === 'list'
        ? (p.membershipStatus ?? p.status)
        : (p.paymentStatus ?? p.status ?? p.amount),
    ),
  };
}
