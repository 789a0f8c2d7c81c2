// A transfer from an uploaded file: the sender holds the records outside Accord (an export from
// another system) and passes them on under an agreement. Each row is read as an import reads it
// (CSV or JSON Lines, streaming, checked against the sender's record type), projected onto the
// agreed fields and sealed exactly as records picked from an asset are. A bad, empty or oversized
// file, or a record type the agreement does not cover, leaves nothing but a refusal in the audit
// log; the refusal carries counts and the file's digest, never a row.
//
// The rows are NOT stored in any of the sender's assets. The sender is passing data on, not
// taking it into its own register: a copy in Accord would be a new holding with no asset owner,
// retention rule or lawful basis of its own, and the one copy Accord keeps is the sealed payload,
// readable only by the recipient and destroyed on recall, rejection or expiry. The price: the
// lines of such a transfer link to no sender record, so a later correction of one of them
// (Art. 19) is the sender's to send by hand, and no accuracy flag travels with them.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { ImportFormat } from '../records/import-rows.ts';
import { emptyReport, failedRowsMessage, validatedRows } from '../records/validated-rows.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { baseProblems, draftTransfer, requireSend } from './transfer-create.ts';
import type { SealItem, TransferInput } from './transfer-create.ts';
import type { Transfer, TransferViews } from './transfers.view.ts';

export interface UploadInput extends Omit<TransferInput, 'selection'> {
  format: ImportFormat;
  stream: Readable;
  /** The file's size when known in advance (Content-Length): a file too large is refused unread. */
  totalBytes?: number | null;
}

/** How much of the upload was read, whether it passed the limit, and its running digest. */
interface Reading {
  bytes: number;
  over: boolean;
  hash: Hash;
}

const FORMAT_NAMES: Record<ImportFormat, string> = { csv: 'CSV', jsonl: 'JSON Lines' };

/** A size as people read it: "512 KB", "256 MB". */
const size = (n: number): string =>
  n < 1_048_576
    ? `${Math.floor(n / 1024).toLocaleString('en-GB')} KB`
    : `${(n / 1_048_576).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`;

/** Reads, checks, projects and seals the file's rows into a draft; all rows or nothing. */
export async function createTransferFromFile(
  d: ExchangeDeps,
  views: TransferViews,
  actor: Actor,
  input: UploadInput,
): Promise<Transfer> {
  const limit = d.ctx.config.transferUploadMaxBytes;
  return withAccess(d.ctx, actor, async (gate) => {
    requireSend(gate, input.purpose);
    const problems = baseProblems(input);
    if (input.format !== 'csv' && input.format !== 'jsonl')
      problems.push({ field: 'file', message: 'The file must be CSV or JSON Lines' });
    assertNoProblems(problems, 'The transfer is not complete.');
    const file = { source: 'upload', format: input.format };
    const refuse = (e: AccordError, id: string | null, more: Record<string, unknown> = {}) =>
      gate.refuse(
        e,
        'exchange.transfer.refused',
        id ? `transfer:${id}` : 'transfer:new',
        { recipient: input.recipientOrgId, ...file, ...more },
        input.purpose,
      );
    if (input.totalBytes != null && input.totalBytes > limit)
      refuse(tooLarge(limit), null, { bytes: input.totalBytes, limit });
    const reading: Reading = { bytes: 0, over: false, hash: createHash('sha256') };
    return draftTransfer(d, views, gate, input, {
      describe: `an uploaded ${FORMAT_NAMES[input.format]} file`,
      pages: (row) => filePages(d, gate, row, input, limit, reading, refuse),
      audit: () => ({ ...file, bytes: reading.bytes, sha256: reading.hash.digest('hex') }),
    });
  });
}

function tooLarge(limit: number): AccordError {
  return new AccordError(
    'TRANSFER_TOO_LARGE',
    `The file is larger than the ${size(limit)} this node accepts for a transfer. Split it into smaller files.`,
  );
}

/**
 * The upload's bytes, counted and hashed, ending early once past the limit. The caller's stream
 * is left open rather than destroyed: an HTTP request must still be answered.
 */
function limited(stream: Readable, limit: number, reading: Reading): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<
      Buffer | string
    >) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      reading.bytes += b.length;
      if (reading.bytes > limit) {
        reading.over = true;
        return;
      }
      reading.hash.update(b);
      yield b;
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** The file's good rows in pages; refuses (after reading it all) if any row is bad. */
async function* filePages(
  d: ExchangeDeps,
  gate: Gate,
  row: TransferTable,
  input: UploadInput,
  limit: number,
  reading: Reading,
  refuse: (e: AccordError, id: string | null, more?: Record<string, unknown>) => never,
): AsyncGenerator<SealItem[]> {
  // The rows are checked against the sender's own definition of the type: the agreement covers
  // the type by its key, and the sender answers for what its file holds.
  const typeRow = await d.recordTypes.latest(gate.tx, row.org_id, row.record_type);
  if (!typeRow)
    refuse(
      new AccordError('VALIDATION_FAILED', 'The transfer is not complete.', [
        {
          field: 'recordType',
          message: `Your organisation has no ${row.record_type} record type to check the file against`,
        },
      ]),
      row.transfer_id,
    );
  const type = d.recordTypes.toType(typeRow);
  const validate = d.recordTypes.validator(typeRow);
  const report = emptyReport();
  const counts = () => ({
    rowsRead: report.rowsRead,
    rowsFailed: report.rowsFailed,
    bytes: reading.bytes,
    ...(reading.over ? {} : { sha256: reading.hash.digest('hex') }),
  });
  let page: SealItem[] = [];
  try {
    const stream = limited(input.stream, limit, reading);
    for await (const good of validatedRows(type, validate, input.format, stream, report, 'sent')) {
      // After the first bad row nothing more is sealed (the draft will not be kept), but the
      // reading goes on so that the report names every bad row.
      if (report.rowsFailed > 0) continue;
      page.push({ payload: good.value });
      if (page.length === d.ctx.config.transferChunkRecords) {
        yield page;
        page = [];
      }
    }
  } catch (e) {
    if (!(e instanceof AccordError)) throw e;
    refuse(e, row.transfer_id, counts());
  }
  if (reading.over) refuse(tooLarge(limit), row.transfer_id, { limit, ...counts() });
  if (report.rowsFailed > 0)
    refuse(
      new AccordError('VALIDATION_FAILED', failedRowsMessage(report, 'sent'), report.problems),
      row.transfer_id,
      counts(),
    );
  if (report.rowsRead === 0)
    refuse(
      new AccordError('VALIDATION_FAILED', 'The file has no records in it: nothing was sent.', [
        { field: 'file', message: 'The file has no records in it' },
      ]),
      row.transfer_id,
      counts(),
    );
  if (page.length) yield page;
}
