// SQL for roadmap items.
import type { Executor } from '../../store/store.ts';
import type { RoadmapItemTable } from './portfolio.table.ts';

export async function items(
  ex: Executor,
  orgId: string,
  appId?: string,
): Promise<RoadmapItemTable[]> {
  let q = ex.db.selectFrom('roadmap_item').selectAll().where('org_id', '=', orgId);
  if (appId) q = q.where('app_id', '=', appId);
  return q.execute();
}

export async function itemAnyOrg(
  ex: Executor,
  itemId: string,
): Promise<RoadmapItemTable | undefined> {
  return ex.db
    .selectFrom('roadmap_item')
    .selectAll()
    .where('item_id', '=', itemId)
    .executeTakeFirst();
}

export async function insertItem(ex: Executor, row: RoadmapItemTable): Promise<void> {
  await ex.db.insertInto('roadmap_item').values(row).execute();
}

export async function updateItem(ex: Executor, row: RoadmapItemTable): Promise<void> {
  await ex.db
    .updateTable('roadmap_item')
    .set(row)
    .where('org_id', '=', row.org_id)
    .where('item_id', '=', row.item_id)
    .execute();
}

/** A ticket of the organisation by id or by number (T-12 or 12). */
export async function ticketExists(ex: Executor, orgId: string, ref: string): Promise<boolean> {
  const n = Number(ref.replace(/^T-?/i, ''));
  const t = await ex.db
    .selectFrom('ticket')
    .select('ticket_id')
    .where('org_id', '=', orgId)
    .where((eb) =>
      Number.isInteger(n) && n > 0
        ? eb.or([eb('ticket_id', '=', ref), eb('number', '=', n)])
        : eb('ticket_id', '=', ref),
    )
    .executeTakeFirst();
  return t !== undefined;
}
