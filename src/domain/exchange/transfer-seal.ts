// Sealing a draft transfer's records: each page is counted against the node's limit and linked
// line by line to its source records (for Art. 19 corrections), and the records are projected
// onto the agreed fields and cut into chunks encrypted to the recipient (chunker.ts), each stored
// as it is sealed. A big asset is opened, projected and encrypted on a worker thread
// (seal-pipeline.ts) while this thread stores; a small selection or an uploaded file, in line.
import { AccordError, assertNoProblems } from '../../errors.ts';
import { checkpointAside } from '../../store/checkpoint-aside.ts';
import { faultPoint } from '../faults.ts';
import { CHUNK_LINES } from '../federation/features.ts';
import type { Gate } from '../policy/gate.ts';
import { Chunker } from './chunker.ts';
import type { SealedChunk } from './chunker.ts';
import { sealedDigest, wholeDigest } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { projection } from './projection.ts';
import type { HexPage } from './record-source.ts';
import { sealThroughWorker } from './seal-pipeline.ts';
import { sealFlags } from './transfer-accuracy.ts';
import type { TravellingFlag } from './transfer-accuracy.ts';
import { linkSent } from './transfer-links.ts';

export interface SealedSource {
  pages: AsyncIterable<HexPage>;
  /** The selection's filter on fields, applied once opened. */
  where: [string, string | number | boolean][];
  dataKey: (version: number) => Promise<Buffer>;
}

/** The records a draft carries: the sender's own (with their ids), or rows of a file (without). */
export interface SealItem {
  recordId?: string;
  payload: Record<string, unknown>;
}

export interface DraftSource {
  /** How the records were picked, as both sides see it ("Picked from"). */
  describe: string;
  /** The records, page by page; read only after the decision allowed the transfer. */
  pages(row: TransferTable): AsyncIterable<SealItem[]>;
  /**
   * For a big selection, the same records still sealed (restricted ones left out), to be opened
   * and sealed on a worker thread; undefined to read them through `pages`.
   */
  sealed?(row: TransferTable): Promise<SealedSource | undefined>;
  /** More for the "drafted" audit entry, once every page was read (never personal data). */
  audit?(): Record<string, unknown>;
}

/** Streams the records into encrypted chunks; returns the manifest (unsigned until ready). */
export async function sealDraft(
  d: ExchangeDeps,
  gate: Gate,
  row: TransferTable,
  fields: string[],
  source: DraftSource,
  agreement: Manifest['agreement'],
): Promise<Manifest> {
  const tx = gate.tx;
  // Always the current key (read afresh): a rotation since the last transfer is honoured at once.
  const recipientKey = await d.exchangeKeys.current(tx, row.recipient_org_id);
  const { transferMaxRecords: max, transferChunkRecords, transferChunkBytes } = d.ctx.config;
  const chunks: Manifest['chunks'] = [];
  const flags: TravellingFlag[] = [];
  const accuracy = d.accuracy && (await d.accuracy.any(tx, row.org_id)) ? d.accuracy : undefined;
  // To a partner node each chunk is a message of its own, which must fit the partner's limit
  // (wrapped twice more in base64 on the way: about 1.8 times the sealed text).
  const partner = await d.federation.nodeOf(tx, row.recipient_org_id);
  const travelMax = partner ? Math.floor(d.ctx.config.federationMaxBytes / 4) : Infinity;
  // Sealed, a chunk is about 4/3 the size of its records: cut them small enough to travel, so
  // only a single record too large for any chunk is refused below.
  const limits = {
    records: transferChunkRecords,
    bytes: Math.min(transferChunkBytes, Math.floor(travelMax * 0.7)),
  };
  // A chunk a line per record, unless the partner node is older and takes only JSON lists.
  const format =
    partner && !(await d.federation.understands(tx, row.recipient_org_id, CHUNK_LINES))
      ? 'list'
      : 'lines';
  let count = 0;
  const stored = async (c: SealedChunk): Promise<void> => {
    await tx.db
      .insertInto('transfer_chunk')
      .values({
        transfer_id: row.transfer_id,
        chunk_index: c.index,
        org_id: row.org_id,
        record_count: c.count,
        jwe: c.jwe,
      })
      .execute();
    if (c.jwe.length > travelMax)
      gate.refuse(
        new AccordError(
          'TRANSFER_TOO_LARGE',
          `Chunk ${c.index + 1} is too large to travel to the partner node: a record in it is too large.`,
        ),
        'exchange.transfer.refused',
        `transfer:${row.transfer_id}`,
        { recipient: row.recipient_org_id, chunkBytes: c.jwe.length },
        row.purpose,
      );
    chunks.push({ index: c.index, count: c.count, digest: c.digest, sealed: sealedDigest(c.jwe) });
    row.byte_count += c.jwe.length;
    faultPoint('transfer.create.chunk');
  };
  /** A page of records about to be sealed: counted against the limit, linked, flags noted. */
  const counted = async (n: number, recordIds: string[] | undefined): Promise<void> => {
    count += n;
    if (count > max)
      gate.refuse(
        new AccordError(
          'TRANSFER_TOO_LARGE',
          `A transfer may carry at most ${max.toLocaleString('en-GB')} records; this one has more. Split it by a narrower query.`,
        ),
        'exchange.transfer.refused',
        `transfer:${row.transfer_id}`,
        { recipient: row.recipient_org_id, limit: max },
        row.purpose,
      );
    // Each line remembers its source record (for Art. 19 corrections) and its accuracy flag.
    // Rows of an uploaded file have no record here to remember (see transfer-upload.ts).
    if (!recordIds) return;
    const line = count - n;
    await linkSent(tx, row.transfer_id, row.org_id, line, recordIds);
    const flagged = await accuracy?.flagsFor(tx, row.org_id, recordIds);
    recordIds.forEach((id, i) => {
      const f = flagged?.get(id);
      if (f) flags.push({ line: line + i + 1, flag: f.flag, note: f.note });
    });
  };
  const bulk = await source.sealed?.(row);
  // A big asset is opened, projected and encrypted on a worker while this thread stores, and
  // the write-ahead log it leaves is copied back on another thread once it commits.
  if (bulk) {
    checkpointAside(tx);
    await sealThroughWorker(
      {
        transferId: row.transfer_id,
        orgId: row.org_id,
        fields,
        where: bulk.where,
        recipient: { kid: recipientKey.kid, jwk: recipientKey.key.export({ format: 'jwk' }) },
        limits,
        format,
      },
      bulk.pages,
      bulk.dataKey,
      { page: async (ids) => counted(ids.length, ids), chunk: stored },
    );
  } else {
    const chunker = new Chunker(recipientKey, row.transfer_id, limits, stored, format);
    const agreed = projection(fields);
    for await (const page of source.pages(row)) {
      const recordIds = page.flatMap((r) => (r.recordId ? [r.recordId] : []));
      await counted(page.length, recordIds.length === page.length ? recordIds : undefined);
      for (const r of page) await chunker.add(agreed(r.payload));
    }
    await chunker.flush();
  }
  if (count === 0)
    assertNoProblems([
      { field: 'selection', message: 'No records match: there is nothing to send' },
    ]);
  return {
    transferId: row.transfer_id,
    senderOrgId: row.org_id,
    recipientOrgId: row.recipient_org_id,
    agreement,
    purpose: row.purpose,
    recordType: row.record_type,
    fields,
    recordCount: count,
    chunks,
    digest: wholeDigest(chunks.map((c) => c.digest)),
    createdAt: row.created_at,
    ...(flags.length ? { accuracy: await sealFlags(recipientKey, row.transfer_id, flags) } : {}),
  };
}
