// The record of each look-up and check (for fishing detection and the audit trail's cross-check)
// and the per-day count each budget is decided on. Both are written together, in the caller's
// transaction, so a budget can never count a query that was rolled back or miss one that stayed.
import type { Tx } from '../../store/store.ts';
import type { ExchangeQueryTable } from './exchange.table.ts';

const utcDay = (iso: string): string => iso.slice(0, 10);

export async function keepQuery(tx: Tx, row: ExchangeQueryTable): Promise<void> {
  await tx.db.insertInto('exchange_query').values(row).execute();
  await tx.db
    .insertInto('exchange_query_count')
    .values({
      org_id: row.org_id,
      kind: row.kind,
      day: utcDay(row.asked_at),
      agreement_id: row.agreement_id,
      n: 1,
    })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'kind', 'day', 'agreement_id'])
        .doUpdateSet((eb) => ({ n: eb('exchange_query_count.n', '+', 1) })),
    )
    .execute();
}

/** Look-ups or checks the organisation made on the UTC day of `now`, per agreement. */
export async function usedToday(
  tx: Tx,
  orgId: string,
  kind: string,
  now: Date,
): Promise<Map<string, number>> {
  const rows = await tx.db
    .selectFrom('exchange_query_count')
    .select(['agreement_id', 'n'])
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('day', '=', utcDay(now.toISOString()))
    .execute();
  return new Map(rows.map((r) => [r.agreement_id, Number(r.n)]));
}
