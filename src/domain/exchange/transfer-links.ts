// Which record each line of a transfer carried, on both sides (table in migration 0013, read by
// the corrections module for UK GDPR Art. 19): the sender links each line to its source record
// while sealing; the recipient links the same line to the record it imported. Corrections then
// find the partner's copy by this link, never by guessing from identifiers.
import type Database from 'better-sqlite3';
import type { Tx } from '../../store/store.ts';

const BATCH = 1000;

/** On SQLite, one prepared statement per row on the transaction's connection (cheaper than SQL text). */
interface SqliteLinks {
  sent: Database.Statement;
  received: Database.Statement;
}
const prepared = new WeakMap<Database.Database, SqliteLinks>();
function sqliteLinks(raw: Database.Database): SqliteLinks {
  let s = prepared.get(raw);
  if (!s) {
    s = {
      sent: raw.prepare(
        'insert into transfer_record (transfer_id, line, org_id, source_record_id, recipient_record_id) values (?, ?, ?, ?, null)',
      ),
      received: raw.prepare(
        "insert into transfer_record (transfer_id, line, org_id, source_record_id, recipient_record_id) values (?, ?, ?, '', ?) on conflict (transfer_id, line) do update set recipient_record_id = excluded.recipient_record_id",
      ),
    };
    prepared.set(raw, s);
  }
  return s;
}

/** Links lines from+1 … from+n of a transfer to the sender's records, in the order sealed. */
export async function linkSent(
  tx: Tx,
  transferId: string,
  orgId: string,
  from: number,
  recordIds: readonly string[],
): Promise<void> {
  if (tx.sqlite) {
    const st = sqliteLinks(tx.sqlite).sent;
    recordIds.forEach((id, k) => st.run(transferId, from + k + 1, orgId, id));
    return;
  }
  for (let i = 0; i < recordIds.length; i += BATCH)
    await tx.db
      .insertInto('transfer_record')
      .values(
        recordIds.slice(i, i + BATCH).map((id, k) => ({
          transfer_id: transferId,
          line: from + i + k + 1,
          org_id: orgId,
          source_record_id: id,
          recipient_record_id: null,
        })),
      )
      .execute();
}

/**
 * Links lines from+1 … from+n to the records the recipient imported. An upsert, so a transfer
 * whose sender keeps its links on another node still gets the recipient's half here.
 */
export async function linkReceived(
  tx: Tx,
  transferId: string,
  senderOrgId: string,
  from: number,
  recordIds: readonly string[],
): Promise<void> {
  if (tx.sqlite) {
    const st = sqliteLinks(tx.sqlite).received;
    recordIds.forEach((id, k) => st.run(transferId, from + k + 1, senderOrgId, id));
    return;
  }
  for (let i = 0; i < recordIds.length; i += BATCH)
    await tx.db
      .insertInto('transfer_record')
      .values(
        recordIds.slice(i, i + BATCH).map((id, k) => ({
          transfer_id: transferId,
          line: from + i + k + 1,
          org_id: senderOrgId,
          source_record_id: '',
          recipient_record_id: id,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['transfer_id', 'line'])
          .doUpdateSet((eb) => ({ recipient_record_id: eb.ref('excluded.recipient_record_id') })),
      )
      .execute();
}
