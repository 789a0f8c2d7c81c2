// Accuracy flags travel with a transfer (issue 7, point 6): the sender's flags in force on the
// records sent (disputed, verified, with their notes) are encrypted to the recipient as one more
// JWE named in the signed manifest, by line; on opening, the recipient's copies get the same
// flags. The notes may speak of the person, so they never travel in clear.
import type { Executor, Tx } from '../../store/store.ts';
import { decryptChunk, encryptChunk } from './envelope.ts';
import type { OpenWith, SealTo } from './exchange-keys.ts';

export interface TravellingFlag {
  line: number;
  flag: string;
  note: string;
}

/** What the exchange needs from the module that keeps accuracy flags. */
export interface AccuracyHooks {
  /** Whether the organisation has flagged any record at all (most have not: skip the look-ups). */
  any(ex: Executor, orgId: string): Promise<boolean>;
  /** The flag in force on each record named (none for records without one). */
  flagsFor(
    ex: Executor,
    orgId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, { flag: string; note: string }>>;
  /** Sets flags on records just received, noting who passed them on. */
  receive(
    tx: Tx,
    orgId: string,
    flags: readonly { recordId: string; flag: string; note: string }[],
    by: string,
    from: string,
  ): Promise<void>;
}

/** The chunk index the flags use in their JWE header (never a real chunk's). */
const FLAGS_INDEX = -1;

export function sealFlags(
  recipient: SealTo,
  transferId: string,
  flags: readonly TravellingFlag[],
): Promise<string> {
  return encryptChunk(
    recipient,
    transferId,
    FLAGS_INDEX,
    flags.map((f) => ({ ...f })),
  );
}

export async function openFlags(
  openWith: OpenWith,
  transferId: string,
  jwe: string,
): Promise<TravellingFlag[]> {
  const rows = await decryptChunk(openWith, transferId, FLAGS_INDEX, jwe);
  return rows
    .filter((r) => typeof r.line === 'number' && typeof r.flag === 'string')
    .map((r) => ({
      line: r.line as number,
      flag: r.flag as string,
      note: typeof r.note === 'string' ? r.note : '',
    }));
}
