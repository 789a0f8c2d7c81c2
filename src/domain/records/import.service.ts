// Imports: a CSV or JSON Lines file streamed into an asset in ONE transaction. Every row is
// validated against the record type; the first bad row stops writing but reading goes on, so
// the report lists every bad row (the first 1,000 in full, and how many in all) and nothing is
// committed. A killed process leaves nothing either: the transaction never committed.
import { randomUUID } from 'node:crypto';
import { Transform, finished } from 'node:stream';
import type { Readable } from 'node:stream';
import { AccordError, assertNoProblems } from '../../errors.ts';
import { checkpointAside } from '../../store/checkpoint-aside.ts';
import { widenCache } from '../../store/store.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { AssetsService } from './assets.service.ts';
import { RUNNER, markInterrupted, toJob } from './import-jobs.ts';
import type { ImportJob } from './import-jobs.ts';
import { storeOnThisThread, storeThroughWorker } from './import-pipeline.ts';
import type { StoredRows } from './import-pipeline.ts';
import type { ImportFormat } from './import-rows.ts';
import type { RecordTypesService } from './record-types.service.ts';
import { RecordWriter } from './record-writer.ts';
import { purposeProblems } from './records.service.ts';
import { retainUntilMemo } from './retention-date.ts';
import { MAX_PROBLEMS_KEPT, failedRowsMessage } from './validated-rows.ts';

/** Files at least this big are checked and sealed on a worker thread while this one stores. */
const WORKER_MIN_BYTES = 4 << 20;

const CUT_OFF = (): Error => new Error('the file ended before its end');
export { MAX_PROBLEMS_KEPT };
export type { ImportJob } from './import-jobs.ts';

export interface ImportProgress {
  rowsRead: number;
  bytesRead: number;
  totalBytes: number | null;
}

export interface ImportRequest {
  assetId: string;
  format: ImportFormat;
  fileName: string;
  stream: Readable;
  purpose: string;
  totalBytes?: number | null;
  fileSha256?: string | null;
  onProgress?: (p: ImportProgress) => void;
  /** Check and seal rows on a worker thread; by default only for files of WORKER_MIN_BYTES or more. */
  inWorker?: boolean;
  /** Called with the job id as soon as the job exists (pages redirect to it). */
  onStart?: (importId: string) => void;
}

export class ImportService {
  /** Progress of imports running in this process, for the page that watches them. */
  readonly progress = new Map<string, ImportProgress>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly keys: KeyService,
    private readonly types: RecordTypesService,
    private readonly assets: AssetsService,
  ) {}

  /** Marks imports whose process on this machine has died as interrupted (their rows never committed). */
  async markInterrupted(ex: Executor = this.ctx.store): Promise<number> {
    return markInterrupted(ex, () => this.ctx.clock());
  }

  async run(actor: Actor, req: ImportRequest): Promise<ImportJob> {
    const importId = randomUUID();
    const now = () => this.ctx.clock().toISOString();
    // The job row is written (and committed) first, so a failure or a crash still leaves a report.
    await withAccess(this.ctx, actor, async (gate) => {
      const asset = await this.assets.row(gate.tx, req.assetId);
      gate.require(
        'records.write',
        { orgId: asset?.org_id ?? '', ref: `asset:${req.assetId}` },
        { purpose: req.purpose, details: { import: importId, file: req.fileName } },
      );
      assertNoProblems(purposeProblems(req.purpose));
      await gate.tx.db
        .insertInto('import_job')
        .values({
          import_id: importId,
          org_id: actor.orgId,
          asset_id: req.assetId,
          format: req.format,
          file_name: req.fileName,
          file_sha256: req.fileSha256 ?? null,
          purpose: req.purpose,
          status: 'running',
          rows_read: 0,
          rows_imported: 0,
          rows_failed: 0,
          problems: '[]',
          message: null,
          runner: RUNNER,
          started_by: actor.ref,
          started_at: now(),
          finished_at: null,
        })
        .execute();
    });
    req.onStart?.(importId);
    const progress: ImportProgress = {
      rowsRead: 0,
      bytesRead: 0,
      totalBytes: req.totalBytes ?? null,
    };
    this.progress.set(importId, progress);
    try {
      const imported = await withAccess(this.ctx, actor, (gate) =>
        this.load(gate, importId, req, progress),
      );
      // The caller was allowed to import; the report is theirs whatever else they may read.
      const row = await this.ctx.store.db
        .selectFrom('import_job')
        .selectAll()
        .where('import_id', '=', importId)
        .executeTakeFirstOrThrow();
      return { ...toJob(row), rowsImported: imported };
    } catch (e) {
      req.stream.destroy();
      const problems = e instanceof AccordError ? e.problems : [];
      const failed = (e as { rowsFailed?: number }).rowsFailed ?? 0;
      await this.ctx.store.db
        .updateTable('import_job')
        .set({
          status: 'failed',
          rows_read: progress.rowsRead,
          rows_failed: failed,
          problems: JSON.stringify(problems.slice(0, MAX_PROBLEMS_KEPT)),
          message:
            e instanceof AccordError
              ? e.message
              : 'The import stopped on an unexpected error; nothing was saved.',
          finished_at: now(),
        })
        .where('import_id', '=', importId)
        .execute();
      throw e;
    } finally {
      this.progress.delete(importId);
    }
  }

  private async load(
    gate: Gate,
    importId: string,
    req: ImportRequest,
    progress: ImportProgress,
  ): Promise<number> {
    const orgId = gate.actor.orgId;
    const asset = (await this.assets.row(gate.tx, req.assetId))!;
    gate.require(
      'records.write',
      { orgId: asset.org_id, ref: `asset:${req.assetId}` },
      { purpose: req.purpose, details: { import: importId } },
    );
    const typeRow = (await this.types.latest(gate.tx, orgId, asset.type_key))!;
    const type = this.types.toType(typeRow);
    const validate = this.types.validator(typeRow);
    const writer = new RecordWriter(
      gate.tx,
      this.keys,
      {
        orgId,
        assetId: asset.asset_id,
        typeId: typeRow.type_id,
        source: `import:${importId}`,
        by: gate.actor.ref,
      },
      this.ctx.clock,
    );
    // A bigger page cache for the bulk load, so the identifier index stays in memory.
    const restoreCache = gate.tx.sqlite ? widenCache(gate.tx.sqlite, 64) : undefined;
    // Counts bytes as the rows are read (a 'data' listener would start the stream flowing early).
    const counted = req.stream.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          progress.bytesRead += chunk.length;
          done(null, chunk);
        },
      }),
    );
    // pipe() passes on neither an error nor a stream destroyed without one (an upload cut off):
    // either must end the import, not leave its reader waiting. `finished` also reports a stream
    // that broke off before this line ran (the look-ups above can take longer than an upload).
    finished(req.stream, { writable: false }, (e) => {
      if (e) counted.destroy(e.code === 'ERR_STREAM_PREMATURE_CLOSE' ? CUT_OFF() : e);
    });
    // The error stays on the stream and is thrown to whoever reads it; it can come before the
    // reading starts (a slow database ahead of it), when no listener would crash the process.
    counted.on('error', () => undefined);
    const big = req.inWorker ?? (req.totalBytes ?? 0) >= WORKER_MIN_BYTES;
    // A big load's write-ahead log is copied back on another thread once it commits.
    if (big) checkpointAside(gate.tx);
    let stored: StoredRows;
    try {
      stored = big
        ? await storeThroughWorker(
            {
              type,
              validator: this.types.validatorSource(typeRow),
              format: req.format,
              keys: await writer.keys(),
              orgId,
              retention: { period: asset.retention_period, from: asset.retention_from },
            },
            counted,
            writer,
            (rowsRead) => {
              progress.rowsRead = rowsRead;
              req.onProgress?.(progress);
            },
          )
        : await storeOnThisThread(
            {
              type,
              validate,
              format: req.format,
              dueDate: retainUntilMemo(asset.retention_period, asset.retention_from),
            },
            counted,
            writer,
            (rowsRead, batchDone) => {
              progress.rowsRead = rowsRead;
              if (batchDone) req.onProgress?.(progress);
            },
          );
    } finally {
      restoreCache?.();
    }
    const { report } = stored;
    const imported = stored.imported;
    progress.rowsRead = report.rowsRead;
    if (report.rowsFailed > 0)
      throw Object.assign(
        new AccordError(
          'VALIDATION_FAILED',
          failedRowsMessage(report, 'imported'),
          report.problems,
        ),
        { rowsFailed: report.rowsFailed },
      );
    if (imported === 0)
      throw new AccordError('VALIDATION_FAILED', 'The file has no records in it.');
    req.onProgress?.(progress);
    await gate.tx.db
      .updateTable('import_job')
      .set({
        status: 'committed',
        rows_read: progress.rowsRead,
        rows_imported: imported,
        finished_at: this.ctx.clock().toISOString(),
      })
      .where('import_id', '=', importId)
      .execute();
    gate.record(
      'records.imported',
      `import:${importId}`,
      { asset: asset.asset_id, rows: imported, file: req.fileName, sha256: req.fileSha256 ?? null },
      'ok',
      req.purpose,
    );
    return imported;
  }

  async job(actor: Actor, importId: string): Promise<ImportJob> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await gate.tx.db
        .selectFrom('import_job')
        .selectAll()
        .where('import_id', '=', importId)
        .executeTakeFirst();
      gate.require('assets.read', { orgId: row?.org_id ?? '', ref: `import:${importId}` });
      return toJob(row!);
    });
  }

  async jobs(actor: Actor, assetId?: string): Promise<ImportJob[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('assets.read', { orgId: actor.orgId, ref: 'imports' });
      let q = gate.tx.db.selectFrom('import_job').selectAll().where('org_id', '=', actor.orgId);
      if (assetId) q = q.where('asset_id', '=', assetId);
      return (await q.orderBy('started_at', 'desc').limit(100).execute()).map(toJob);
    });
  }
}
