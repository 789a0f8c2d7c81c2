// Fishing detection asks, per query, whether this person has asked about this subject before in
// the window: an index that answers it without reading the whole window.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('exchange_query_asker_subject')
    .on('exchange_query')
    .columns(['asked_by', 'org_id', 'subject_id', 'asked_at'])
    .execute();
}
