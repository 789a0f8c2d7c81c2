// Messages of the ordered kinds reach each partner in the order they were queued: a due message
// waits while an earlier one to the same node backs off after a failed attempt, so a decision
// never overtakes its proposal, nor a refusal the proposal it is about. (Unordered kinds, a
// transfer's chunks, go as they come.) A message that keeps failing holds the later ones for as
// long as its retries last; then it is given up on with them (outbox-revival.ts).
import type { Executor } from '../../store/store.ts';
import type { FederationOutboxTable } from './federation.table.ts';

type Place = { created_at: string; message_id: string };

/** Whether one message was queued before another (the outbox's own order). */
function before(x: Place, y: Place): boolean {
  return (
    x.created_at < y.created_at || (x.created_at === y.created_at && x.message_id < y.message_id)
  );
}

/** The due messages that may go now; the nodes of those that must wait are added to `held`. */
export async function inOrder(
  ex: Executor,
  now: Date,
  unordered: ReadonlySet<string>,
  due: FederationOutboxTable[],
  held: Set<string>,
): Promise<FederationOutboxTable[]> {
  const ordered = due.filter((r) => !unordered.has(r.kind));
  if (ordered.length === 0) return due;
  let q = ex.db
    .selectFrom('federation_outbox')
    .select(['node_id', 'created_at', 'message_id'])
    .where('state', '=', 'pending')
    .where('next_attempt_at', '>', now.toISOString())
    .where('node_id', 'in', [...new Set(ordered.map((r) => r.node_id))]);
  if (unordered.size) q = q.where('kind', 'not in', [...unordered]);
  const first = new Map<string, Place>();
  for (const w of await q.execute()) {
    const f = first.get(w.node_id);
    if (!f || before(w, f)) first.set(w.node_id, w);
  }
  return due.filter((r) => {
    const f = first.get(r.node_id);
    if (unordered.has(r.kind) || !f || before(r, f)) return true;
    held.add(r.node_id);
    return false;
  });
}
