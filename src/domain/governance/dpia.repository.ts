// SQL for DPIAs.
import type { Executor } from '../../store/store.ts';
import type { DpiaTable } from './governance.table.ts';

export async function insert(ex: Executor, row: DpiaTable): Promise<void> {
  await ex.db.insertInto('dpia').values(row).execute();
}

/** A DPIA by id in any organisation (to tell "another organisation's" from "no such"). */
export async function anyOrg(ex: Executor, dpiaId: string): Promise<DpiaTable | undefined> {
  return ex.db.selectFrom('dpia').selectAll().where('dpia_id', '=', dpiaId).executeTakeFirst();
}

export async function get(
  ex: Executor,
  orgId: string,
  dpiaId: string,
): Promise<DpiaTable | undefined> {
  return ex.db
    .selectFrom('dpia')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('dpia_id', '=', dpiaId)
    .executeTakeFirst();
}

export async function byRef(
  ex: Executor,
  orgId: string,
  ref: string,
): Promise<DpiaTable | undefined> {
  return ex.db
    .selectFrom('dpia')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('ref', '=', ref)
    .executeTakeFirst();
}

export async function list(
  ex: Executor,
  orgId: string,
  f: { status?: string } = {},
): Promise<DpiaTable[]> {
  let q = ex.db.selectFrom('dpia').selectAll().where('org_id', '=', orgId);
  if (f.status) q = q.where('status', '=', f.status);
  return q.orderBy('ref', 'desc').execute();
}

export async function update(
  ex: Executor,
  orgId: string,
  dpiaId: string,
  set: Partial<DpiaTable>,
): Promise<void> {
  await ex.db
    .updateTable('dpia')
    .set(set)
    .where('org_id', '=', orgId)
    .where('dpia_id', '=', dpiaId)
    .execute();
}

/** Signed DPIAs whose review date has passed. */
export async function pastReview(ex: Executor, orgId: string, today: string): Promise<DpiaTable[]> {
  return ex.db
    .selectFrom('dpia')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'signed')
    .where('review_on', '<', today)
    .orderBy('review_on')
    .execute();
}

export async function published(ex: Executor, orgId: string): Promise<DpiaTable[]> {
  return ex.db
    .selectFrom('dpia')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'signed')
    .where('publish_summary', '=', 1)
    .orderBy('signed_at', 'desc')
    .execute();
}
