// Messages the outbox stops sending before they are answered (state `dropped`, with why): what
// one carried is gone (a recalled transfer's chunk), or another message of the same transfer was
// refused or given up on, so the rest could not complete it.
import type { Executor } from '../../store/store.ts';

/** How many ids one update names. */
const BATCH = 500;

export async function dropMessages(
  ex: Executor,
  now: Date,
  why: string,
  which: { ids: string[] } | { nodeId: string; kind: string; pick: (stored: unknown) => boolean },
): Promise<void> {
  let ids: string[];
  if ('ids' in which) ids = which.ids;
  else {
    const waiting = await ex.db
      .selectFrom('federation_outbox')
      .select(['message_id', 'body'])
      .where('state', '=', 'pending')
      .where('node_id', '=', which.nodeId)
      .where('kind', '=', which.kind)
      .execute();
    ids = waiting.filter((w) => which.pick(JSON.parse(w.body))).map((w) => w.message_id);
  }
  for (let i = 0; i < ids.length; i += BATCH)
    await ex.db
      .updateTable('federation_outbox')
      .set({ state: 'dropped', last_error: why, done_at: now.toISOString() })
      .where('message_id', 'in', ids.slice(i, i + BATCH))
      // Answered or given up on meanwhile: that outcome stands.
      .where('state', '=', 'pending')
      .execute();
}
