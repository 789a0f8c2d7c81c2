// Which record each line of a transfer carried, on both sides (tables in migration 0024, read by
// the corrections module for UK GDPR Art. 19): the sender links each line to its source record
// while sealing; the recipient records, per chunk opened, the records its lines became.
// Corrections then find the partner's copy by this link, never by guessing from identifiers.
import type Database from 'better-sqlite3';
import type { Executor, Tx } from '../../store/store.ts';

const BATCH = 1000;

/**
 * On SQLite, prepared statements on the transaction's connection: one inserting ROWS lines at a
 * time, and one for a single line (the rest). One statement per line spent as much time in the
 * calls into the driver as in SQLite: 100,000 lines took about 300 ms, 100 at a time about 190.
 */
const ROWS = 100;
const sentStatements = new WeakMap<
  Database.Database,
  { many: Database.Statement; one: Database.Statement }
>();
function sqliteSent(raw: Database.Database): { many: Database.Statement; one: Database.Statement } {
  let st = sentStatements.get(raw);
  if (!st) {
    const insert = (n: number): Database.Statement =>
      raw.prepare(
        `insert into transfer_sent (org_id, source_record_id, transfer_id, line) values ${Array(n)
          .fill('(?, ?, ?, ?)')
          .join(', ')}`,
      );
    st = { many: insert(ROWS), one: insert(1) };
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
    let k = 0;
    const args = new Array<string | number>(4 * ROWS);
    for (; k + ROWS <= recordIds.length; k += ROWS) {
      for (let r = 0; r < ROWS; r++) {
        args[4 * r] = orgId;
        args[4 * r + 1] = recordIds[k + r]!;
        args[4 * r + 2] = transferId;
        args[4 * r + 3] = from + k + r + 1;
      }
      st.many.run(args);
    }
    for (; k < recordIds.length; k++) st.one.run(orgId, recordIds[k], transferId, from + k + 1);
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
