// Reads an organisation's own records for exchange: finds a subject through the identifier index,
// and opens records page by page (so a large transfer never holds every row at once). Only the
// exchange services call this, after the decision point has allowed the operation; they record
// one audit entry for the operation rather than one per record.
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type Database from 'better-sqlite3';
import type { Executor, Tx } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import { lookupIdentifiers } from '../records/identifiers.ts';
import { openBatch } from '../records/sealing.ts';
import { findSubject } from '../records/subject-match.ts';
import type { Disagreement, SubjectMatch } from '../records/subject-match.ts';

export type { Disagreement, SubjectMatch } from '../records/subject-match.ts';

export const PAGE = 1000;

/** What to send: the records of one subject, or the records in one asset (optionally filtered). */
export type Selection =
  | { kind: 'subject'; identifiers: Record<string, string> }
  | { kind: 'asset'; assetId: string; where?: Record<string, string | number | boolean> };

export interface OpenedRecord {
  recordId: string;
  subjectId: string;
  payload: Record<string, unknown>;
  /** Processing restricted at the subject's request (UK GDPR Art. 18): kept, never shared. */
  restricted: boolean;
}

/** A record row as stored: its payload still sealed under the organisation's data key. */
export interface SealedRow {
  record_id: string;
  subject_id: string;
  version: number;
  payload: Buffer;
  key_version: number;
  restricted_at?: string | null;
}

/**
 * A page of sealed records as a big transfer reads them (`hexPages`), column by column, restricted
 * records left out: each sealed payload as hex text.
 */
export interface HexPage {
  recordIds: string[];
  versions: number[];
  keyVersions: number[];
  payloads: string[];
}

/** The same read as `rowPages` on SQLite's own connection, rows as arrays (see hexPages). */
const HEX_PAGE_SQL = `select record.record_id, record.version, record.key_version, hex(record.payload)
  from record inner join record_type on record_type.type_id = record.type_id
  where record.org_id = ? and record.status = 'active' and record.restricted_at is null
    and record_type.key = ? and record.asset_id = ? and record.record_id > ?
  order by record.record_id limit ${PAGE}`;
const hexStatements = new WeakMap<Database.Database, Database.Statement>();

type HexRow = Omit<SealedRow, 'payload'> & { payload: string };

/** Each row's payload text, opened with the data key of its version: one batch per version. */
export function openRows(
  orgId: string,
  rows: readonly Pick<SealedRow, 'record_id' | 'version' | 'payload' | 'key_version'>[],
  keys: ReadonlyMap<number, Buffer>,
): string[] {
  const texts = new Array<string>(rows.length);
  for (const version of new Set(rows.map((r) => r.key_version))) {
    const key = keys.get(version);
    if (!key) throw new Error(`no data key of version ${version} to open the records with`);
    const at = rows.flatMap((r, i) => (r.key_version === version ? [i] : []));
    const opened = openBatch(
      key,
      at.map((i) => rows[i]!.payload),
      at.map((i) => `${orgId}|${rows[i]!.record_id}|${rows[i]!.version}`),
    );
    at.forEach((i, k) => (texts[i] = opened[k]!));
  }
  return texts;
}

export class RecordSource {
  constructor(private readonly keyring: KeyService) {}

  /** The subject in `orgId` the identifiers given point to (records/subject-match.ts). */
  async subject(
    ex: Executor,
    orgId: string,
    identifiers: Record<string, string | undefined>,
  ): Promise<SubjectMatch | Disagreement | null> {
    const { ids, problems } = lookupIdentifiers(identifiers);
    assertNoProblems(problems, 'The identifiers are not valid.');
    return findSubject(ex, orgId, await this.keyring.indexKey(ex, orgId), ids);
  }

  /**
   * Active records of one type, of a subject or in an asset, a page at a time, still sealed (a
   * big transfer opens them on a worker thread).
   */
  sealedPages(
    ex: Executor,
    orgId: string,
    typeKey: string,
    by: { subjectId: string } | { assetId: string },
  ): AsyncGenerator<SealedRow[]> {
    return this.rowPages<SealedRow>(ex, orgId, typeKey, by, sql`record.payload`);
  }

  /**
   * The unrestricted records of an asset, a page at a time, for a big transfer's worker: each
   * sealed payload as hex text (restricted records stay where they are, Art. 18). A page is
   * packed into one buffer for the worker anyway: a Buffer made per row by the driver (then
   * collected), and an object per row, cost more main-thread time than reading the rows, so on
   * SQLite rows come as arrays from a statement of the transaction's connection.
   */
  async *hexPages(
    tx: Tx,
    orgId: string,
    typeKey: string,
    assetId: string,
  ): AsyncGenerator<HexPage> {
    if (!tx.sqlite) {
      const hex = sql`encode(record.payload, 'hex')`;
      for await (const rows of this.rowPages<HexRow>(tx, orgId, typeKey, { assetId }, hex)) {
        const kept = rows.filter((r) => r.restricted_at == null);
        yield {
          recordIds: kept.map((r) => r.record_id),
          versions: kept.map((r) => r.version),
          keyVersions: kept.map((r) => r.key_version),
          payloads: kept.map((r) => r.payload),
        };
      }
      return;
    }
    let st = hexStatements.get(tx.sqlite);
    if (!st) hexStatements.set(tx.sqlite, (st = tx.sqlite.prepare(HEX_PAGE_SQL).raw()));
    let after = '';
    for (;;) {
      const rows = st.all(orgId, typeKey, assetId, after) as [string, number, number, string][];
      if (rows.length === 0) return;
      yield {
        recordIds: rows.map((r) => r[0]),
        versions: rows.map((r) => r[1]),
        keyVersions: rows.map((r) => r[2]),
        payloads: rows.map((r) => r[3]),
      };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]![0];
    }
  }

  private async *rowPages<R extends { record_id: string }>(
    ex: Executor,
    orgId: string,
    typeKey: string,
    by: { subjectId: string } | { assetId: string },
    payload: RawBuilder<unknown>,
  ): AsyncGenerator<R[]> {
    let after = '';
    for (;;) {
      let q = ex.db
        .selectFrom('record')
        .innerJoin('record_type', 'record_type.type_id', 'record.type_id')
        .select([
          'record.record_id',
          'record.subject_id',
          'record.version',
          payload.as('payload'),
          'record.key_version',
          'record.restricted_at',
        ])
        .where('record.org_id', '=', orgId)
        .where('record.status', '=', 'active')
        .where('record_type.key', '=', typeKey)
        .where('record.record_id', '>', after)
        .orderBy('record.record_id')
        .limit(PAGE);
      q =
        'subjectId' in by
          ? q.where('record.subject_id', '=', by.subjectId)
          : q.where('record.asset_id', '=', by.assetId);
      const rows = (await q.execute()) as unknown as R[];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.record_id;
    }
  }

  /**
   * Whether an asset holds at least `n` active records (to choose how to read them). Walks at
   * most `n` index entries, however big the asset.
   */
  async holdsAtLeast(ex: Executor, assetId: string, n: number): Promise<boolean> {
    const nth = await ex.db
      .selectFrom('record')
      .select('record_id')
      .where('asset_id', '=', assetId)
      .where('status', '=', 'active')
      .orderBy('record_id')
      .limit(1)
      .offset(n - 1)
      .executeTakeFirst();
    return nth !== undefined;
  }

  /** Active records of one type, of a subject or in an asset, opened a page at a time. */
  async *pages(
    ex: Executor,
    orgId: string,
    typeKey: string,
    by: { subjectId: string } | { assetId: string },
  ): AsyncGenerator<OpenedRecord[]> {
    for await (const rows of this.sealedPages(ex, orgId, typeKey, by)) {
      // Opened a key version at a time, in one batch each (a page nearly always has one).
      const texts = openRows(orgId, rows, await this.keysFor(ex, orgId, rows));
      yield rows.map((r, i) => ({
        recordId: r.record_id,
        subjectId: r.subject_id,
        payload: JSON.parse(texts[i]!) as Record<string, unknown>,
        restricted: r.restricted_at != null,
      }));
    }
  }

  private async keysFor(
    ex: Executor,
    orgId: string,
    rows: readonly SealedRow[],
  ): Promise<Map<number, Buffer>> {
    const keys = new Map<number, Buffer>();
    for (const v of new Set(rows.map((r) => r.key_version)))
      keys.set(v, await this.keyring.dataKeyVersion(ex, orgId, v));
    return keys;
  }

  /** The records a selection picks, page by page. */
  async *select(
    ex: Executor,
    orgId: string,
    typeKey: string,
    selection: Selection,
  ): AsyncGenerator<OpenedRecord[]> {
    if (selection.kind === 'subject') {
      const s = await this.subject(ex, orgId, selection.identifiers);
      if (!s) throw new AccordError('NOT_FOUND', 'Nobody matches those identifiers.');
      if ('disagree' in s)
        throw new AccordError(
          'IDENTIFIERS_DISAGREE',
          `Those identifiers belong to different people here (${s.disagree.join(', ')}): check them.`,
        );
      for await (const page of this.pages(ex, orgId, typeKey, { subjectId: s.subjectId })) {
        const kept = page.filter((r) => !r.restricted);
        if (kept.length) yield kept;
      }
      return;
    }
    const where = Object.entries(selection.where ?? {});
    for await (const page of this.pages(ex, orgId, typeKey, { assetId: selection.assetId })) {
      // Restricted records stay where they are (Art. 18): left out of every transfer.
      const kept = page.filter((r) => !r.restricted && where.every(([k, v]) => r.payload[k] === v));
      if (kept.length) yield kept;
    }
  }
}
