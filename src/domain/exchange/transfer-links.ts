// Which record each line of a transfer carried, on both sides (tables in migration 0024, read by
// the corrections module for UK GDPR Art. 19): the sender links each line to its source record
// while sealing; the recipient records, per chunk opened, the records its lines became.
// Corrections then find the partner's copy by this link, never by guessing from identifiers.
import type Database from 'better-sqlite3';
import type { Executor, Tx } from '../../store/store.ts';

const BATCH = 1000;

/** On SQLite, one prepared statement per line on the transaction's connection (cheaper than SQL text). */
const sentStatements = new WeakMap<Database.Database, Database.Statement>();
function sqliteSent(raw: Database.Database): Database.Statement {
  let st = sentStatements.get(raw);
  if (!st) {
    st = raw.prepare(
      'insert into transfer_sent (org_id, source_record_id, transfer_id, line) values (?, ?, ?, ?)',
    );
    sentStatements.set(raw, st);
  }
  return st;
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
    const st = sqliteSent(tx.sqlite);
    recordIds.forEach((id, k) => st.run(orgId, id, transferId, from + k + 1));
    return;
  }
  for (let i = 0; i < recordIds.length; i += BATCH)
    await tx.db
      .insertInto('transfer_sent')
      .values(
        recordIds.slice(i, i + BATCH).map((id, k) => ({
          org_id: orgId,
          source_record_id: id,
          transfer_id: transferId,
          line: from + i + k + 1,
        })),
      )
      .execute();
}

/** Links lines from+1 … from+n to the records the recipient imported: one row for the run. */
export async function linkReceived(
  tx: Tx,
  transferId: string,
  from: number,
  recordIds: readonly string[],
): Promise<void> {
  if (recordIds.length === 0) return;
  await tx.db
    .insertInto('transfer_received')
    .values({
      transfer_id: transferId,
      first_line: from + 1,
      record_ids: JSON.stringify(recordIds),
    })
    .execute();
}

/** The record line `line` of a transfer became at the recipient (undefined: not opened here). */
export async function receivedRecord(
  ex: Executor,
  transferId: string,
  line: number,
): Promise<string | undefined> {
  const run = await ex.db
    .selectFrom('transfer_received')
    .select(['first_line', 'record_ids'])
    .where('transfer_id', '=', transferId)
    .where('first_line', '<=', line)
    .orderBy('first_line', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!run) return undefined;
  const ids = JSON.parse(run.record_ids) as string[];
  return ids[line - run.first_line];
}
