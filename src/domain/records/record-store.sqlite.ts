// Storing a prepared batch on SQLite. The matching rule is record-writer.ts's, applied without a
// look-up pass: a bulk load is mostly new people, so every identifier is inserted at once with
// the record's would-be new subject ("insert … on conflict do nothing"), in the prepared order
// (by hash, so neighbouring inserts share index pages). An insert that changes nothing found an identifier
// that was already known. Only those records are then settled, in file order: the strongest
// known identifier gives the subject, and the identifiers the record did add are pointed at it.
// That gives the same subjects as looking every identifier up first, for half the index work.
import type Database from 'better-sqlite3';
import type { WriterTarget, Written } from './record-writer.ts';
import type { PreparedBatch } from './record-prepare.ts';
import { sealedPayload } from './record-prepare.ts';
import type { RecordTable } from './records.table.ts';

interface Statements {
  addId: Database.Statement;
  findId: Database.Statement;
  pointId: Database.Statement;
  insertRecord: Database.Statement;
}
const statements = new WeakMap<Database.Database, Statements>();

function prepared(raw: Database.Database): Statements {
  let s = statements.get(raw);
  if (!s) {
    s = {
      addId: raw.prepare(
        'insert into record_identifier (org_id, hash, subject_id) values (?, ?, ?) on conflict do nothing',
      ),
      findId: raw
        .prepare('select subject_id from record_identifier where hash = ? and org_id = ?')
        .pluck(),
      pointId: raw.prepare(
        'update record_identifier set subject_id = ? where hash = ? and org_id = ?',
      ),
      insertRecord: raw.prepare(
        'insert into record (record_id, org_id, asset_id, type_id, subject_id, version, payload, key_version, source, retain_until, status, created_by, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    statements.set(raw, s);
  }
  return s;
}

/** The record rows of a prepared batch, once each record's subject is known. */
export function recordRows(
  t: WriterTarget,
  p: PreparedBatch,
  written: readonly Written[],
  at: string,
): RecordTable[] {
  return p.recordIds.map((recordId, i) => ({
    record_id: recordId,
    org_id: t.orgId,
    asset_id: t.assetId,
    type_id: t.typeId,
    subject_id: (written[i] as Written).subjectId,
    version: 1,
    payload: sealedPayload(p, i),
    key_version: p.keyVersion,
    source: t.source,
    retain_until: p.retainUntil[i] ?? null,
    status: 'active',
    created_by: t.by,
    created_at: at,
    updated_at: at,
  }));
}

export function storeSqlite(
  raw: Database.Database,
  t: WriterTarget,
  p: PreparedBatch,
  hashes: readonly Buffer[],
  at: string,
): Written[] {
  const s = prepared(raw);
  const n = p.recordIds.length;
  const tentative = p.newSubjectIds;
  // The record each identifier belongs to.
  const owner = new Uint32Array(hashes.length);
  for (let i = 0, h = 0; i < n; i++)
    for (const end = h + (p.idCounts[i] as number); h < end; h++) owner[h] = i;
  const known = new Map<number, number[]>(); // record → its identifiers that were already known
  for (const hi of p.insertOrder) {
    const i = owner[hi] as number;
    if (s.addId.run(t.orgId, hashes[hi], tentative[i]).changes === 0)
      known.set(i, [...(known.get(i) ?? []), hi]);
  }
  const out: Written[] = [];
  let h = 0;
  for (let i = 0; i < n; i++) {
    const first = h;
    h += p.idCounts[i] as number;
    const mine = known.get(i);
    if (!mine) {
      out.push({
        recordId: p.recordIds[i] as string,
        subjectId: tentative[i] as string,
        matched: false,
      });
      continue;
    }
    // Identifiers are strongest first, so the lowest index is the strongest known one.
    const strongest = Math.min(...mine);
    const subject = s.findId.get(hashes[strongest], t.orgId) as string | undefined;
    // A hash of another organisation's index: as likely as guessing its key, and never merged.
    if (subject === undefined)
      throw new Error('an identifier hash is held by another organisation');
    const wasKnown = new Set(mine.map((k) => (hashes[k] as Buffer).toString('latin1')));
    for (let k = first; k < h; k++)
      if (!wasKnown.has((hashes[k] as Buffer).toString('latin1')))
        s.pointId.run(subject, hashes[k], t.orgId);
    out.push({ recordId: p.recordIds[i] as string, subjectId: subject, matched: true });
  }
  for (const r of recordRows(t, p, out, at))
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
  return out;
}
