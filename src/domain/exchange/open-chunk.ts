// Opening one chunk of a transfer: decrypt it, check it against the signed manifest's entry
// (count and digest), and check each record carries only agreed fields and fits the recipient's
// record type. Pure (no database), so a big transfer runs it on a worker thread while the main
// thread stores the previous chunk, and a small one runs it in line: the same checks either way.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { ValidateFunction } from 'ajv';
import type { NewRecord } from '../records/record-prepare.ts';
import type { RecordType } from '../records/record-types.service.ts';
import { checkPayload } from '../records/validate-record.ts';
import { chunkDigest, decryptRecords, digestTexts } from './envelope.ts';
import type { ManifestChunk } from './envelope.ts';
import type { OpenWith } from './exchange-keys.ts';

export interface ChunkRules {
  transferId: string;
  type: RecordType;
  validate: ValidateFunction;
  /** The fields the agreement shares: a record with any other is refused as tampered. */
  agreed: ReadonlySet<string>;
  retainUntil: string | null;
}

export const tampered = (why: string): AccordError => new AccordError('TRANSFER_TAMPERED', why);

/** A sealed chunk's records, checked, ready to write; `line` is the last line before it. */
export async function openChunk(
  rules: ChunkRules,
  openWith: OpenWith,
  c: ManifestChunk,
  jwe: string,
  line: number,
): Promise<NewRecord[]> {
  const { records, texts } = await decryptRecords(openWith, rules.transferId, c.index, jwe);
  if (records.length !== c.count || chunkDigest(digestTexts(texts)) !== c.digest)
    throw tampered(`Chunk ${c.index + 1} does not match the signed manifest.`);
  const batch: NewRecord[] = [];
  const problems: Problem[] = [];
  for (const [i, payload] of records.entries()) {
    line++;
    if (Object.keys(payload).some((k) => !rules.agreed.has(k)))
      throw tampered(`Record ${line} carries fields the agreement does not share.`);
    const checked = checkPayload(rules.type, rules.validate, payload);
    for (const p of checked.problems) problems.push({ ...p, line });
    // The text the digest matched is the record's JSON as sent: kept as it is, not re-written.
    batch.push({ payload, text: texts[i], ids: checked.ids, retainUntil: rules.retainUntil });
  }
  assertNoProblems(problems, `Records in the transfer do not fit your ${rules.type.key} type.`);
  return batch;
}

/** Where a chunk sealed without a `kid` finds its key (no real `kid` looks like this). */
export const NO_KID = '\u0000none';

/** The `kid` a sealed chunk's protected header names (undefined: none, or unreadable). */
export function chunkKid(jwe: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(jwe.split('.')[0] ?? '', 'base64url').toString()) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
