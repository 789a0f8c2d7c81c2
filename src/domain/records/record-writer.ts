// Writes new records in batches: seals the payloads (record-prepare.ts), matches each to a
// subject through the identifier index, and inserts everything in the caller's transaction. On
// SQLite, record-store.sqlite.ts inserts with prepared statements on the transaction's own
// connection; on PostgreSQL, COPY.
//
// Matching: a record's identifiers are looked up strongest first; the first one already known
// gives the subject, otherwise the record starts a new subject. Its unknown identifiers are then
// added to the index pointing at that subject. Known identifiers are left as they are, even when
// they point at another subject (two subjects are never merged by an import).
import { sql } from 'kysely';
import type { Tx } from '../../store/store.ts';
import { copyInto } from '../../store/pg-copy.ts';
import type { KeyService } from '../keys/key.service.ts';
import { identifierHash, prepareBatch } from './record-prepare.ts';
import type { NewRecord, PreparedBatch, WriterKeys } from './record-prepare.ts';
import type { RecordTable } from './records.table.ts';
import { recordRows, storeSqlite } from './record-store.sqlite.ts';
import { IDENTIFIER_HASH_BYTES } from './sealing.ts';

export type { NewRecord } from './record-prepare.ts';

export interface Written {
  recordId: string;
  subjectId: string;
  /** Whether the subject was already known (matched) or started by this record. */
  matched: boolean;
}

export interface WriterTarget {
  orgId: string;
  assetId: string;
  typeId: string;
  source: string;
  by: string;
}

const RECORD_COLUMNS = [
  'record_id',
  'org_id',
  'asset_id',
  'type_id',
  'subject_id',
  'version',
  'payload',
  'key_version',
  'source',
  'retain_until',
  'status',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export class RecordWriter {
  private staged = false;
  private dataKey: { version: number; key: Buffer } | undefined;
  private indexKey: Buffer | undefined;

  constructor(
    private readonly tx: Tx,
    private readonly keyService: KeyService,
    private readonly target: WriterTarget,
    private readonly now: () => Date,
  ) {}

  /**
   * PostgreSQL: COPY the records straight in; COPY new identifiers into a staging table and add
   * the ones no concurrent writer added first (COPY itself cannot skip conflicts).
   */
  private async storePg(
    newIds: { org_id: string; hash: Buffer; subject_id: string }[],
    records: RecordTable[],
  ): Promise<void> {
    const client = this.tx.pg;
    if (!client) {
      for (let i = 0; i < newIds.length; i += 2000)
        await this.tx.db
          .insertInto('record_identifier')
          .values(newIds.slice(i, i + 2000))
          .onConflict((oc) => oc.doNothing())
          .execute();
      for (let i = 0; i < records.length; i += 1000)
        await this.tx.db
          .insertInto('record')
          .values(records.slice(i, i + 1000))
          .execute();
      return;
    }
    if (!this.staged) {
      await client.query(
        'create temp table if not exists record_identifier_staging (org_id text, hash bytea, subject_id text) on commit drop',
      );
      this.staged = true;
    }
    await copyInto(
      client,
      'record_identifier_staging',
      ['org_id', 'hash', 'subject_id'],
      newIds.map((r) => [r.org_id, r.hash, r.subject_id]),
    );
    await client.query(
      'insert into record_identifier select org_id, hash, subject_id from record_identifier_staging on conflict do nothing',
    );
    await client.query('truncate record_identifier_staging');
    await copyInto(
      client,
      'record',
      RECORD_COLUMNS,
      records.map((r) => RECORD_COLUMNS.map((c) => r[c])),
    );
  }

  /** The subjects the org's index already gives these hashes (the ones it knows). */
  private async known(hashes: readonly Buffer[]): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    const orgId = this.target.orgId;
    for (let i = 0; i < hashes.length; i += 5000) {
      const rows = await sql<{
        hash: Buffer;
        subject_id: string;
      }>`select hash, subject_id from record_identifier where org_id = ${orgId} and hash = any(${hashes.slice(i, i + 5000)})`.execute(
        this.tx.db,
      );
      for (const r of rows.rows) known.set(r.hash.toString('latin1'), r.subject_id);
    }
    return known;
  }

  /** The organisation's current data key and index key (a bulk import hands them to its worker). */
  async keys(): Promise<WriterKeys> {
    this.dataKey ??= await this.keyService.dataKey(this.tx, this.target.orgId);
    this.indexKey ??= await this.keyService.indexKey(this.tx, this.target.orgId);
    return { dataKey: this.dataKey, indexKey: this.indexKey };
  }

  async write(batch: readonly NewRecord[]): Promise<Written[]> {
    if (batch.length === 0) return [];
    return this.store(prepareBatch(await this.keys(), this.target.orgId, batch));
  }

  /** Matches and stores a prepared batch (see the header for the matching rule). */
  async store(p: PreparedBatch): Promise<Written[]> {
    const t = this.target;
    if (p.recordIds.length === 0) return [];
    const at = this.now().toISOString();
    const hashList = Array.from({ length: p.hashes.length / IDENTIFIER_HASH_BYTES }, (_, n) =>
      identifierHash(p, n),
    );
    if (this.tx.sqlite) return storeSqlite(this.tx.sqlite, t, p, hashList, at);
    // One look-up pass for the whole batch, then each record in file order, so identifiers
    // added by an earlier record of the batch count as known for the later ones.
    const known = await this.known(hashList);
    const newIds: { org_id: string; hash: Buffer; subject_id: string }[] = [];
    const out: Written[] = [];
    let h = 0;
    p.recordIds.forEach((recordId, i) => {
      const mine = hashList.slice(h, h + (p.idCounts[i] as number));
      h += mine.length;
      const keys = mine.map((k) => k.toString('latin1'));
      const found = keys.map((k) => known.get(k)).find((s) => s !== undefined);
      const fresh = p.newSubjectIds[i];
      if (fresh === undefined) throw new Error('a prepared batch is missing a subject id');
      const subject = found ?? fresh;
      keys.forEach((k, n) => {
        if (known.has(k)) return;
        known.set(k, subject);
        newIds.push({ org_id: t.orgId, hash: mine[n] as Buffer, subject_id: subject });
      });
      out.push({ recordId, subjectId: subject, matched: found !== undefined });
    });
    await this.storePg(newIds, recordRows(t, p, out, at));
    return out;
  }
}
