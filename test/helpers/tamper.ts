// Tampering with the audit log the way an attacker with database access would: drop the
// append-only triggers, then edit rows directly.
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.ts';

export async function withoutAppendOnly(store: Store, fn: () => Promise<void>): Promise<void> {
  if (store.dialect === 'sqlite') {
    for (const t of ['audit_entry', 'audit_tile', 'audit_checkpoint']) {
      for (const op of ['update', 'delete'])
        await sql`drop trigger if exists ${sql.id(`${t}_no_${op}`)}`.execute(store.db);
    }
  } else {
    for (const t of ['audit_entry', 'audit_tile', 'audit_checkpoint'])
      await sql`alter table ${sql.id(t)} disable trigger all`.execute(store.db);
  }
  await fn();
}
