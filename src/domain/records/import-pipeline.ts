// The two ways an import checks and stores a file's rows. Small files: on this thread, a batch
// at a time. Big files: on a worker thread (import-worker.ts) that checks, seals and hashes while
// this thread stores; the file's bytes go over a few chunks ahead, and each prepared batch is
// stored as it arrives while the worker prepares the next. The worker never writes: the store
// and its one transaction stay here, so a failed or killed import still commits nothing.
import type { Readable } from 'node:stream';
import type { ValidateFunction } from 'ajv';
import type { WorkerSetup } from './import-worker.ts';
import type { NewRecord, PreparedBatch } from './record-prepare.ts';
import type { RecordType } from './record-types.service.ts';
import type { RecordWriter } from './record-writer.ts';
import { emptyReport, validatedRows } from './validated-rows.ts';
import type { RowReport } from './validated-rows.ts';
import type { ImportFormat } from './import-rows.ts';
import { WorkerChannel, ownCopy } from './worker-channel.ts';
import type { Failed, Setup } from './worker-channel.ts';
import type { WorkerKind } from './worker-spares.ts';

export type ToWorker =
  Setup<WorkerSetup> | { kind: 'chunk'; bytes: Uint8Array } | { kind: 'end' } | { kind: 'credit' };
export type ToMain =
  | { kind: 'taken' }
  | { kind: 'batch'; prepared: PreparedBatch; rowsRead: number }
  | { kind: 'progress'; rowsRead: number }
  | { kind: 'done'; report: RowReport; rowsPrepared: number }
  | Failed;

export const IMPORT_WORKER: WorkerKind = {
  entry: new URL('./import-worker.mjs', import.meta.url),
  // Its rows are garbage a batch later; a small heap keeps the import's memory flat.
  limits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
};

/** Rows stored at a time. */
const BATCH = 1000;
/** Batches the worker may prepare before the store has taken them. */
const BATCHES_AHEAD = 4;
/** Chunks handed over and not yet taken: enough to keep the worker busy, few enough to stay small. */
const CHUNKS_AHEAD = 8;

export interface StoredRows {
  imported: number;
  report: RowReport;
}

/**
 * Reads `stream` through a worker that checks and prepares the rows, storing each batch with
 * `writer`. Resolves with the count stored and the worker's report of bad rows.
 */
export async function storeThroughWorker(
  setup: Omit<WorkerSetup, 'batchSize' | 'ahead'>,
  stream: Readable,
  writer: RecordWriter,
  onBatch: (rowsRead: number) => void,
): Promise<StoredRows> {
  // The keys go over as exact-size copies, cleared once the worker has its own.
  const dataKey = ownCopy(setup.keys.dataKey.key);
  const indexKey = ownCopy(setup.keys.indexKey);
  let ahead = 0;
  const worker = new WorkerChannel<ToWorker, ToMain>(
    IMPORT_WORKER,
    {
      ...setup,
      batchSize: BATCH,
      ahead: BATCHES_AHEAD,
      keys: { dataKey: { version: setup.keys.dataKey.version, key: dataKey }, indexKey },
    },
    (m) => {
      if (m.kind !== 'taken') return false;
      ahead--;
      return true;
    },
  );
  // The setup was cloned as it was posted: these copies are done with.
  dataKey.fill(0);
  indexKey.fill(0);
  const feeding = (async () => {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      await worker.until(() => ahead < CHUNKS_AHEAD);
      ahead++;
      worker.send({ kind: 'chunk', bytes: chunk });
    }
    worker.send({ kind: 'end' });
  })();
  // A stream that fails ends the import; until then the feeder runs beside the store.
  feeding.catch((e: unknown) => worker.fail(e));
  try {
    let imported = 0;
    for (;;) {
      const m = await worker.next();
      if (m.kind === 'done') {
        // Every row the worker prepared must be stored, or nothing is committed.
        if (imported !== m.rowsPrepared)
          throw new Error(`stored ${imported} of the ${m.rowsPrepared} rows the worker prepared`);
        return { imported, report: m.report };
      }
      if (m.kind === 'progress') onBatch(m.rowsRead);
      if (m.kind !== 'batch') continue;
      imported += (await writer.store(m.prepared)).length;
      worker.send({ kind: 'credit' });
      onBatch(m.rowsRead);
      // Storing is synchronous: let the feeder hand over the next chunk before the next batch,
      // or the worker waits for bytes while batches are queued here.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await worker.close();
  }
}

export interface InLineSetup {
  type: RecordType;
  validate: ValidateFunction;
  format: ImportFormat;
  dueDate: (payload: Record<string, unknown>) => string | null;
}

/** Checks and stores the rows on this thread, a batch at a time (a worker is slow to start). */
export async function storeOnThisThread(
  setup: InLineSetup,
  stream: Readable,
  writer: RecordWriter,
  onRow: (rowsRead: number, batchDone: boolean) => void,
): Promise<StoredRows> {
  const report = emptyReport();
  let imported = 0;
  let batch: NewRecord[] = [];
  const { type, validate, format, dueDate } = setup;
  for await (const row of validatedRows(type, validate, format, stream, report, 'imported')) {
    onRow(report.rowsRead, false);
    // After the first bad row nothing more is written: the import will not commit anyway.
    if (report.rowsFailed > 0) continue;
    batch.push({ payload: row.value, ids: row.ids, retainUntil: dueDate(row.value) });
    if (batch.length === BATCH) {
      imported += (await writer.write(batch)).length;
      batch = [];
      onRow(report.rowsRead, true);
    }
  }
  onRow(report.rowsRead, false);
  if (report.rowsFailed === 0) imported += (await writer.write(batch)).length;
  return { imported, report };
}
