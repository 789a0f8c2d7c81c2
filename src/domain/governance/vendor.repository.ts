// SQL for vendors and processors.
import type { Executor } from '../../store/store.ts';
import type { VendorTable } from './governance.table.ts';

export async function insert(ex: Executor, row: VendorTable): Promise<void> {
  await ex.db.insertInto('vendor').values(row).execute();
}

export async function anyOrg(ex: Executor, vendorId: string): Promise<VendorTable | undefined> {
  return ex.db
    .selectFrom('vendor')
    .selectAll()
    .where('vendor_id', '=', vendorId)
    .executeTakeFirst();
}

export async function get(
  ex: Executor,
  orgId: string,
  vendorId: string,
): Promise<VendorTable | undefined> {
  return ex.db
    .selectFrom('vendor')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('vendor_id', '=', vendorId)
    .executeTakeFirst();
}

export async function list(
  ex: Executor,
  orgId: string,
  f: { status?: string; processor?: boolean } = {},
): Promise<VendorTable[]> {
  let q = ex.db.selectFrom('vendor').selectAll().where('org_id', '=', orgId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.processor !== undefined) q = q.where('is_processor', '=', f.processor ? 1 : 0);
  return q.orderBy('name').execute();
}

export async function update(
  ex: Executor,
  orgId: string,
  vendorId: string,
  set: Partial<VendorTable>,
): Promise<void> {
  await ex.db
    .updateTable('vendor')
    .set(set)
    .where('org_id', '=', orgId)
    .where('vendor_id', '=', vendorId)
    .execute();
}
