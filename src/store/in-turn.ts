// Work on one transaction goes one query at a time. On PostgreSQL a transaction is one client:
// pg queues queries sent to it concurrently, warns that it is deprecated, and pg@9 will refuse
// them. On SQLite they ran in turn anyway. So a list is mapped in turn, never by Promise.all.

/** Maps each item in order, starting the next once the last has finished. */
export async function inTurn<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
