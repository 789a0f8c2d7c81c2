// Which person identifiers point to, in one organisation's identifier index (keyed hashes). All
// the identifiers given are looked up together; the person is the one the strongest of them
// points to. When they point to different people (a mistyped NHS number that is someone else's,
// beside the right name, date of birth and postcode) nobody is matched, so nobody is taken for
// someone else. An identifier held for nobody does not count against the one that matches (the
// person has moved, say). Used by an organisation's own look-up and by partners' queries.
import type { Executor } from '../../store/store.ts';
import { SCHEMES, hashInput } from './identifiers.ts';
import type { Extracted, Scheme } from './identifiers.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers } from './sealing.ts';

/** The subject identifiers point to, and the strongest identifier that does. */
export interface SubjectMatch {
  subjectId: string;
  basis: Scheme;
}
/** Identifiers that point to different people: the schemes that found someone, and whom. */
export interface Disagreement {
  disagree: Scheme[];
  subjects: string[];
}

export async function findSubject(
  ex: Executor,
  orgId: string,
  indexKey: Buffer,
  ids: readonly Extracted[],
): Promise<SubjectMatch | Disagreement | null> {
  if (ids.length === 0) return null;
  const sorted = [...ids].sort((a, b) => SCHEMES.indexOf(a.scheme) - SCHEMES.indexOf(b.scheme));
  const hashes = hashIdentifiers(indexKey, sorted.map(hashInput));
  const each = sorted.map((_, i) =>
    hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES),
  );
  const rows = await ex.db
    .selectFrom('record_identifier')
    .select(['hash', 'subject_id'])
    .where('org_id', '=', orgId)
    .where('hash', 'in', each)
    .execute();
  const held = new Map(rows.map((r) => [Buffer.from(r.hash).toString('hex'), r.subject_id]));
  const hits = sorted.flatMap((id, i) => {
    const subjectId = held.get(each[i]!.toString('hex'));
    return subjectId ? [{ subjectId, basis: id.scheme }] : [];
  });
  if (hits.length === 0) return null;
  if (hits.some((h) => h.subjectId !== hits[0]!.subjectId))
    return {
      disagree: hits.map((h) => h.basis),
      subjects: [...new Set(hits.map((h) => h.subjectId))],
    };
  return hits[0]!;
}
