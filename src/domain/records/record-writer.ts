// Writes new records in batches: matches each to a subject through the identifier index, seals
// the payloads, and inserts everything in the caller's transaction. On SQLite the inserts use
// prepared statements on the transaction's own connection; on PostgreSQL, COPY.
//
// Matching: a record's identifiers are looked up strongest first; the first one already known
// gives the subject, otherwise the record starts a new subject. Its unknown identifiers are then
// added to the index pointing at that subject. Known identifiers are left as they are, even when
// they point at another subject (two subjects are never merged by an import).
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
  /** The subject a hash points at in the organisation, if it is known. */
  findId: Database.Statement;
  insertId: Database.Statement;
  insertRecord: Database.Statement;
}
const statements = new WeakMap<Database.Database, SqliteStatements>();

function sqliteStatements(raw: Database.Database): SqliteStatements {
  let s = statements.get(raw);
  if (!s) {
    s = {
      findId: raw
        .prepare('select subject_id from record_identifier where hash = ? and org_id = ?')
        .pluck(),
      insertId: raw.prepare(
        'insert into record_identifier (org_id, hash, subject_id) values (?, ?, ?)',
      ),
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

  /** The subjects the org's index already gives these hashes (the ones it knows). */
  private async known(hashes: readonly Buffer[]): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    const orgId = this.target.orgId;
    if (this.tx.sqlite) {
      // Point look-ups on the small hash index; a miss touches no table page.
      const find = sqliteStatements(this.tx.sqlite).findId;
      for (const h of hashes) {
        const subject = find.get(h, orgId) as string | undefined;
        if (subject !== undefined) known.set(h.toString('latin1'), subject);
      }
      return known;
    }
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

  async write(batch: readonly NewRecord[]): Promise<Written[]> {
    if (batch.length === 0) return [];
    const t = this.target;
    this.dataKey ??= await this.keys.dataKey(this.tx, t.orgId);
    this.indexKey ??= await this.keys.indexKey(this.tx, t.orgId);
    const ordered = batch.map((r) => [...r.ids].sort(byStrength));
    const flat = ordered.flat();
    const hashes = hashIdentifiers(this.indexKey, flat.map(hashInput));
    const hashList = Array.from({ length: flat.length }, (_, i) =>
      hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES),
    );
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
    // The matching rule (see the header), the same on both dialects: one look-up pass for the
    // whole batch, then each record in file order, so identifiers added by an earlier record of
    // the batch count as known for the later ones.
    const known = await this.known(hashList);
    const newIds: { org_id: string; hash: Buffer; subject_id: string }[] = [];
    const out: Written[] = [];
    let h = 0;
    for (let i = 0; i < batch.length; i++) {
      const mine = hashList.slice(h, h + (ordered[i] as Extracted[]).length);
      h += mine.length;
      const keys = mine.map((k) => k.toString('latin1'));
      const found = keys.map((k) => known.get(k)).find((s) => s !== undefined);
      const subject = found ?? uuid7();
      keys.forEach((k, n) => {
        if (known.has(k)) return;
        known.set(k, subject);
        newIds.push({ org_id: t.orgId, hash: mine[n] as Buffer, subject_id: subject });
      });
      out.push({ recordId: ids[i] as string, subjectId: subject, matched: found !== undefined });
    }
    const records: RecordTable[] = batch.map((r, i) => ({
      record_id: ids[i] as string,
      org_id: t.orgId,
      asset_id: t.assetId,
      type_id: t.typeId,
      subject_id: (out[i] as Written).subjectId,
      version: 1,
      payload: sealed[i] as Buffer,
      key_version: this.dataKey!.version,
      source: t.source,
      retain_until: r.retainUntil,
      status: 'active',
      created_by: t.by,
      created_at: at,
      updated_at: at,
    }));
    if (this.tx.sqlite) this.storeSqlite(this.tx.sqlite, newIds, records);
    else await this.storePg(newIds, records);
    return out;
  }

  /**
   * SQLite: new identifiers in hash order (neighbouring inserts share index pages), then the
   * records, as prepared statements on the transaction's connection.
   */
  private storeSqlite(
    raw: Database.Database,
    newIds: { org_id: string; hash: Buffer; subject_id: string }[],
    records: RecordTable[],
  ): void {
    const s = sqliteStatements(raw);
    newIds.sort((a, b) => Buffer.compare(a.hash, b.hash));
    for (const n of newIds) s.insertId.run(n.org_id, n.hash, n.subject_id);
    for (const r of records)
      s.insertRecord.run(
        r.record_id,
        r.org_id,
        r.asset_id,
        r.type_id,
        r.subject_id,
        r.payload,
        r.key_version,
        r.source,
        r.retain_until,
        r.status,
        r.created_by,
        r.created_at,
        r.updated_at,
      );
  }
}
