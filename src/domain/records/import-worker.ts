// The import worker thread: reads the file's bytes as the main thread hands them over, checks
// every row against the record type, and seals and hashes each good batch (record-prepare.ts).
// The main thread only matches and stores, so parsing and cryptography run on the other core.
// It holds the organisation's keys only in memory, as the main thread does; nothing here touches
// the database.
//
// Flow control both ways keeps memory flat: the main thread sends a few chunks ahead and waits
// for them to be taken; this thread stays at most `ahead` batches ahead of the store, and a batch
// holds at most BATCH_BYTES of the file (wide rows make short batches), so a small heap will do.
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { ImportFormat } from './import-rows.ts';
import { validatorFromSource } from './record-ajv.ts';
import { forTransfer, prepareBatch } from './record-prepare.ts';
import type { NewRecord, WriterKeys } from './record-prepare.ts';
import type { RecordType } from './record-types.service.ts';
import { retainUntilMemo } from './retention-date.ts';
import { emptyReport, validatedRows } from './validated-rows.ts';
import { Waiters } from './waiters.ts';
import { toFailed } from './worker-channel.ts';
import type { ToMain, ToWorker } from './import-pipeline.ts';

export interface WorkerSetup {
  type: RecordType;
  /** The type's validator as code (record-ajv.ts): loading it is quicker than compiling here. */
  validator: string;
  format: ImportFormat;
  keys: WriterKeys;
  orgId: string;
  retention: { period: string | null; from: string | null };
  batchSize: number;
  ahead: number;
}

/** The job, given as the first message (a spare worker is started before it is known). */
let setup: WorkerSetup;
const BATCH_BYTES = 8 << 20;
/**
 * Once a row is bad nothing more is prepared, so no batch carries progress: it is reported every
 * PROGRESS_EVERY good rows read, and every PROGRESS_MS (a file whose rest is all bad).
 */
const PROGRESS_EVERY = 5000;
const PROGRESS_MS = 500;
const port = parentPort!;
const post = (m: ToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

// Waiting chunks and credits, fed by the main thread's messages.
const chunks: (Buffer | null)[] = [];
let bytesInBatch = 0;
let credits = 0;
const waiters = new Waiters();

// A message that cannot be read would be a chunk or a credit lost: end the import instead.
port.on('messageerror', (e) => {
  throw e;
});
port.on('message', (m: ToWorker) => {
  if (m.kind === 'setup') {
    setup = m.setup;
    credits = setup.ahead;
    start();
  } else if (m.kind === 'chunk')
    chunks.push(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
  else if (m.kind === 'end') chunks.push(null);
  else credits++;
  waiters.wake();
});

async function* input(): AsyncGenerator<Buffer> {
  for (;;) {
    await waiters.until(() => chunks.length > 0);
    const c = chunks.shift()!;
    if (c === null) return;
    post({ kind: 'taken' });
    bytesInBatch += c.length;
    yield c;
  }
}

async function run(): Promise<void> {
  // The x-accord annotations were checked when the type was defined; here only rows are judged.
  const validate = validatorFromSource(setup.validator);
  const dueDate = retainUntilMemo(setup.retention.period, setup.retention.from);
  const report = emptyReport();
  let prepared = 0;
  let batch: NewRecord[] = [];
  const ticker = setInterval(() => {
    if (report.rowsFailed > 0) post({ kind: 'progress', rowsRead: report.rowsRead });
  }, PROGRESS_MS);
  const flush = async (): Promise<void> => {
    await waiters.until(() => credits > 0);
    credits--;
    const [p, transfer] = forTransfer(prepareBatch(setup.keys, setup.orgId, batch));
    prepared += batch.length;
    batch = [];
    bytesInBatch = 0;
    post({ kind: 'batch', prepared: p, rowsRead: report.rowsRead }, transfer);
  };
  for await (const row of validatedRows(
    setup.type,
    validate,
    setup.format,
    // One chunk at a time: the flow control above is in chunks, not in what a stream buffers.
    Readable.from(input(), { highWaterMark: 1 }),
    report,
    'imported',
  )) {
    // After the first bad row nothing more is prepared: the import will not commit anyway.
    if (report.rowsFailed > 0) {
      if (report.rowsRead % PROGRESS_EVERY === 0)
        post({ kind: 'progress', rowsRead: report.rowsRead });
      continue;
    }
    batch.push({ payload: row.value, ids: row.ids, retainUntil: dueDate(row.value) });
    if (batch.length === setup.batchSize || bytesInBatch >= BATCH_BYTES) await flush();
  }
  if (report.rowsFailed === 0 && batch.length > 0) await flush();
  clearInterval(ticker);
  post({ kind: 'done', report, rowsPrepared: prepared });
}

function start(): void {
  run()
    .finally(() => {
      // The keys were copies made for this thread; nothing needs them now.
      setup.keys.dataKey.key.fill(0);
      setup.keys.indexKey.fill(0);
    })
    .catch((e: unknown) => post(toFailed(e)));
}
