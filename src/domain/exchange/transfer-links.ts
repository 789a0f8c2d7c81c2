// Which record each line of a transfer carried, on both sides (table in migration 0013, read by
// the corrections module for UK GDPR Art. 19): the sender links each line to its source record
// while sealing; the recipient links the same line to the record it imported. Corrections then
// find the partner's copy by this link, never by guessing from identifiers.
import type { Tx } from '../../store/store.ts';

const BATCH = 1000;

/** Links lines from+1 … from+n of a transfer to the sender's records, in the order sealed. */
export async function linkSent(
  tx: Tx,
  transferId: string,
  orgId: string,
  from: number,
  recordIds: readonly string[],
): Promise<void> {
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
