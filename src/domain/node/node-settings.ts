// Node-wide settings (repository: SQL only).
import type { Executor } from '../../store/store.ts';

export async function get(ex: Executor, name: string): Promise<string | undefined> {
  const r = await ex.db
    .selectFrom('node_setting')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return r?.value;
}

export async function put(ex: Executor, name: string, value: string, at: Date): Promise<void> {
  await ex.db
    .insertInto('node_setting')
    .values({ name, value, updated_at: at.toISOString() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at.toISOString() }))
    .execute();
}
