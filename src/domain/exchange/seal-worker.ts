// The worker thread that seals a big transfer: for each page of the sender's records (still
// sealed at rest) it opens them, keeps those the selection picks, projects each onto the agreed
// fields and cuts them into chunks encrypted to the recipient (chunker.ts). It reports which
// records each page kept (the main thread links and counts them) and posts each sealed chunk
// (the main thread stores it). Nothing here touches the database; keys live only in its memory.
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { handleInOrder } from '../records/worker-channel.ts';
import { Chunker } from './chunker.ts';
import type { ChunkFormat, ChunkLimits } from './chunker.ts';
import { projection } from './projection.ts';
import { openRows } from './record-source.ts';
import type { SealPage, ToSealMain, ToSealWorker } from './seal-pipeline.ts';

export interface SealWorkerSetup {
  transferId: string;
  orgId: string;
  fields: string[];
  /** The selection's filter: a record is kept when every field has the value given. */
  where: [string, string | number | boolean][];
  recipient: { kid: string; jwk: JsonWebKey };
  limits: ChunkLimits;
  format: ChunkFormat;
}

const port = parentPort!;
const post = (m: ToSealMain): void => port.postMessage(m);

/** The job: seals each page it is given into chunks, then the last chunk at the end. */
function begin(setup: SealWorkerSetup): (m: ToSealWorker) => Promise<void> {
  const keys = new Map<number, Buffer>();
  const agreed = projection(setup.fields);
  const chunker = new Chunker(
    {
      kid: setup.recipient.kid,
      key: createPublicKey({ key: setup.recipient.jwk, format: 'jwk' }),
    },
    setup.transferId,
    setup.limits,
    async (c) => post({ kind: 'chunk', ...c }),
    setup.format,
  );

  async function seal(page: SealPage): Promise<void> {
    // Views onto the message's own copies, which are cleared at the end.
    for (const k of page.keys)
      keys.set(k.version, Buffer.from(k.key.buffer, k.key.byteOffset, k.key.byteLength));
    const rows = page.recordIds.map((record_id, i) => ({
      record_id,
      version: page.versions[i]!,
      key_version: page.keyVersions[i]!,
      payload: Buffer.from(
        page.sealed.buffer,
        page.sealed.byteOffset + (page.ends[i - 1] ?? 0),
        page.ends[i]! - (page.ends[i - 1] ?? 0),
      ),
    }));
    const texts = openRows(setup.orgId, rows, keys);
    const kept: string[] = [];
    const projected: string[] = [];
    texts.forEach((t, i) => {
      const payload = JSON.parse(t) as Record<string, unknown>;
      if (!setup.where.every(([k, v]) => payload[k] === v)) return;
      kept.push(rows[i]!.record_id);
      projected.push(agreed(payload));
    });
    // Kept first, as in line: the main thread counts and links a page before its chunks land.
    post({ kind: 'page', kept });
    for (const p of projected) await chunker.add(p);
  }

  return async (m) => {
    if (m.kind === 'page') return seal(m);
    await chunker.flush();
    for (const k of keys.values()) k.fill(0);
    post({ kind: 'done' });
  };
}

// One page at a time, in order; after a failure nothing more is sealed.
handleInOrder(port, begin, post);
