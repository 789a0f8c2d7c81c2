// The import job row: its shape for callers, which process runs it, and marking the jobs whose
// process has died.
import os from 'node:os';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { ImportJobTable } from './records.table.ts';

/** Which process runs an import: host and pid, so a restart can tell its dead jobs from others'. */
export const RUNNER = `${os.hostname()}:${process.pid}`;

export interface ImportJob {
  id: string;
  assetId: string;
  format: string;
  fileName: string;
  purpose: string;
  status: 'running' | 'committed' | 'failed' | 'interrupted';
  rowsRead: number;
  rowsImported: number;
  rowsFailed: number;
  problems: Problem[];
  message: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
}

export const toJob = (r: ImportJobTable): ImportJob => ({
  id: r.import_id,
  assetId: r.asset_id,
  format: r.format,
  fileName: r.file_name,
  purpose: r.purpose,
  status: r.status as ImportJob['status'],
  rowsRead: r.rows_read,
  rowsImported: r.rows_imported,
  rowsFailed: r.rows_failed,
  problems: JSON.parse(r.problems) as Problem[],
  message: r.message,
  startedBy: r.started_by,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks imports whose process on this machine has died as interrupted (their rows never committed). */
export async function markInterrupted(ex: Executor, clock: () => Date): Promise<number> {
  const host = `${os.hostname()}:`;
  const running = await ex.db
    .selectFrom('import_job')
    .select(['import_id', 'runner'])
    .where('status', '=', 'running')
    .execute();
  const dead = running.filter(
    (r) => r.runner.startsWith(host) && !alive(Number(r.runner.slice(host.length))),
  );
  for (const r of dead) {
    await ex.db
      .updateTable('import_job')
      .set({
        status: 'interrupted',
        message:
          'The process running the import stopped before it finished. Nothing from it was saved.',
        finished_at: clock().toISOString(),
      })
      .where('import_id', '=', r.import_id)
      .execute();
  }
  return dead.length;
}
