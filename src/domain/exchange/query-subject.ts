// What a look-up or a check rests on: the subject the identifiers point to, that subject's
// records of one type (held until the decision allows them), and the accuracy flag an answer
// passes on.
import type { Gate } from '../policy/gate.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { SubjectMatch } from './record-source.ts';

/** A subject's records as found, with their ids (for accuracy flags). */
export type Found = Record<string, unknown>[] & { restricted?: boolean; ids: string[] };
/** The accuracy flag an answer carries (issue 7, point 6). */
export type Accuracy = 'disputed' | 'verified' | null;
export const noneFound = (): Found => Object.assign([], { ids: [] as string[] });

/**
 * The subject the identifiers point to. Identifiers that point to different people match no
 * one: nobody is taken for someone else, and the asker is told to check them (the query is still
 * kept, counted and watched for fishing, as a miss). Each person they point to is still looked
 * at as a match would be: when one's records of the type are restricted (Art. 18), `restricted`
 * says so, and the decision refuses under that clause as it would for that person alone.
 */
export async function matchSubject(
  d: ExchangeDeps,
  gate: Gate,
  q: { providerOrgId: string; identifiers: Record<string, string> },
  recordType: string | undefined,
): Promise<{ hit: SubjectMatch | null; disagree?: string[]; restricted: boolean }> {
  const m = await d.source.subject(gate.tx, q.providerOrgId, q.identifiers);
  if (!m || !('disagree' in m)) return { hit: m, restricted: false };
  let restricted = false;
  if (recordType)
    for (const subjectId of m.subjects)
      if ((await recordsOf(d, gate, q.providerOrgId, recordType, { subjectId })).restricted)
        restricted = true;
  return { hit: null, disagree: m.disagree, restricted };
}

/** A matched subject's active records of one type, held here until the decision allows them. */
export async function recordsOf(
  d: ExchangeDeps,
  gate: Gate,
  orgId: string,
  recordType: string,
  hit: { subjectId: string },
): Promise<Found> {
  const out = noneFound();
  for await (const page of d.source.pages(gate.tx, orgId, recordType, hit))
    for (const r of page) {
      // A restricted record (Art. 18) is never disclosed; the decision refuses and says why.
      if (r.restricted) out.restricted = true;
      else {
        out.push(r.payload);
        out.ids.push(r.recordId);
      }
    }
  return out;
}

/**
 * The accuracy flag an answer passes on: disputed when any record it rests on is disputed,
 * verified when one is verified and none disputed, null otherwise.
 */
export async function accuracyOf(
  d: ExchangeDeps,
  gate: Gate,
  orgId: string,
  found: Found,
): Promise<Accuracy> {
  if (!d.accuracy || found.ids.length === 0) return null;
  const flags = [...(await d.accuracy.flagsFor(gate.tx, orgId, found.ids)).values()];
  if (flags.some((f) => f.flag === 'disputed')) return 'disputed';
  return flags.some((f) => f.flag === 'verified') ? 'verified' : null;
}
