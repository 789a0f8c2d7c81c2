// Writes new records in batches: matches each to a subject through the identifier index, seals
// the payloads, and inserts everything in the caller's transaction. On SQLite the inserts use
// prepared statements on the transaction's own connection; on PostgreSQL, COPY.
//
// Matching: a record's identifiers are looked up strongest first; the first one already known
// gives the subject, otherwise the record starts a new subject. Its unknown identifiers are then
// added to the index pointing at that subject.
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Tx } from '../../store/store.ts';
import { copyInto } from '../../store/pg-copy.ts';
import { uuid7 } from '../ids.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Extracted } from './identifiers.ts';
import { SCHEMES, hashInput } from './identifiers.ts';
import type { RecordTable } from './records.table.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers, sealBatch } from './sealing.ts';

export interface NewRecord {
  payload: Record<string, unknown>;
  ids: Extracted[];
  retainUntil: string | null;
}

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

interface SqliteStatements {
  /** Adds an identifier, or finds it: either way returns the subject it points at. */
  claimId: Database.Statement;
  insertRecord: Database.Statement;
}
const statements = new WeakMap<Database.Database, SqliteStatements>();

function sqliteStatements(raw: Database.Database): SqliteStatements {
  let s = statements.get(raw);
  if (!s) {
    s = {
      claimId: raw
        .prepare(
          'insert into record_identifier (org_id, hash, subject_id) values (?, ?, ?) on conflict (org_id, hash) do update set subject_id = subject_id returning subject_id',
        )
        .pluck(),
      insertRecord: raw.prepare(
        'insert into record (record_id, org_id, asset_id, type_id, subject_id, version, payload, key_version, source, retain_until, status, created_by, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    statements.set(raw, s);
  }
  return s;
}

const byStrength = (a: Extracted, b: Extracted): number =>
  SCHEMES.indexOf(a.scheme) - SCHEMES.indexOf(b.scheme);

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
    private readonly keys: KeyService,
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

  async write(batch: readonly NewRecord[]): Promise<Written[]> {
    if (batch.length === 0) return [];
    const t = this.target;
    this.dataKey ??= await this.keys.dataKey(this.tx, t.orgId);
    this.indexKey ??= await this.keys.indexKey(this.tx, t.orgId);
    const ordered = batch.map((r) => [...r.ids].sort(byStrength));
    const flat = ordered.flat();
    const hashes = hashIdentifiers(this.indexKey, flat.map(hashInput));
    const hashOf = (i: number): Buffer =>
      hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES);
    const at = this.now().toISOString();
    const ids = batch.map(() => uuid7());
    const sealed = sealBatch(
      this.dataKey.key,
      this.dataKey.version,
      batch.map((r, i) => ({
        aad: `${t.orgId}|${ids[i]}|1`,
        plaintext: JSON.stringify(r.payload),
      })),
    );
    const out: Written[] = [];
    if (this.tx.sqlite) {
      const s = sqliteStatements(this.tx.sqlite);
      let h = 0;
      for (let i = 0; i < batch.length; i++) {
        const mine = ordered[i] as Extracted[];
        // One statement per identifier, strongest first: the first decides the subject (the one
        // it already points at, or a new one); the rest are added pointing at that subject.
        const fresh = uuid7();
        let subject: string | undefined;
        for (let k = 0; k < mine.length; k++) {
          const got = s.claimId.get(t.orgId, hashOf(h + k), subject ?? fresh) as string;
          subject ??= got;
        }
        h += mine.length;
        subject ??= fresh;
        const matched = subject !== fresh;
        const r = batch[i] as NewRecord;
        s.insertRecord.run(
          ids[i],
          t.orgId,
          t.assetId,
          t.typeId,
          subject,
          sealed[i],
          this.dataKey.version,
          t.source,
          r.retainUntil,
          'active',
          t.by,
          at,
          at,
        );
        out.push({ recordId: ids[i] as string, subjectId: subject, matched });
      }
      return out;
    }
    // PostgreSQL: one look-up for the whole batch, then multi-row inserts.
    const known = new Map<string, string>();
    if (flat.length) {
      const rows = await sql<{
        hash: Buffer;
        subject_id: string;
      }>`select hash, subject_id from record_identifier where org_id = ${t.orgId} and hash = any(${Array.from({ length: flat.length }, (_, i) => hashOf(i))})`.execute(
        this.tx.db,
      );
      for (const r of rows.rows) known.set(r.hash.toString('hex'), r.subject_id);
    }
    const newIds: { org_id: string; hash: Buffer; subject_id: string }[] = [];
    const records: RecordTable[] = [];
    let h = 0;
    for (let i = 0; i < batch.length; i++) {
      const mine = ordered[i] as Extracted[];
      const keys = mine.map((_, k) => hashOf(h + k));
      h += mine.length;
      const found = keys.map((k) => known.get(k.toString('hex'))).find(Boolean);
      const subject = found ?? uuid7();
      for (const k of keys) {
        if (!known.has(k.toString('hex'))) {
          known.set(k.toString('hex'), subject);
          newIds.push({ org_id: t.orgId, hash: k, subject_id: subject });
        }
      }
      const r = batch[i] as NewRecord;
      records.push({
        record_id: ids[i] as string,
        org_id: t.orgId,
        asset_id: t.assetId,
        type_id: t.typeId,
        subject_id: subject,
        version: 1,
        payload: sealed[i] as Buffer,
        key_version: this.dataKey.version,
        source: t.source,
        retain_until: r.retainUntil,
        status: 'active',
        created_by: t.by,
        created_at: at,
        updated_at: at,
      });
      out.push({ recordId: ids[i] as string, subjectId: subject, matched: found !== undefined });
    }
    await this.storePg(newIds, records);
    return out;
  }
}
