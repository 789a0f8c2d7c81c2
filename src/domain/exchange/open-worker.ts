// The worker thread that opens a big transfer's chunks: decrypts each one, checks it against the
// manifest and the recipient's record type (open-chunk.ts), then seals and hashes its records
// for storing (record-prepare.ts). The main thread only matches, stores and links, so the
// cryptography of opening runs on the other core. Chunks are handled strictly in the order they
// come; nothing here touches the database, and the keys it is given live only in its memory.
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { validatorFromSource } from '../records/record-ajv.ts';
import { forTransfer, prepareBatch } from '../records/record-prepare.ts';
import type { WriterKeys } from '../records/record-prepare.ts';
import type { RecordType } from '../records/record-types.service.ts';
import { handleInOrder } from '../records/worker-channel.ts';
import { NO_KID, openChunk } from './open-chunk.ts';
import type { ManifestChunk } from './envelope.ts';
import type { ToOpenMain, ToOpenWorker } from './open-pipeline.ts';

export interface OpenWorkerSetup {
  transferId: string;
  type: RecordType;
  /** The type's validator as code (record-ajv.ts): loading it is quicker than compiling here. */
  validator: string;
  fields: string[];
  retainUntil: string | null;
  orgId: string;
  keys: WriterKeys;
}

const port = parentPort!;
const post = (m: ToOpenMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/**
 * The job: opens each chunk it is given; says it is ready once the record type's validator is
 * loaded.
 */
function begin(setup: OpenWorkerSetup): (m: ToOpenWorker) => Promise<void> {
  const rules = {
    transferId: setup.transferId,
    type: setup.type,
    validate: validatorFromSource(setup.validator),
    agreed: new Set(setup.fields),
    retainUntil: setup.retainUntil,
  };
  const privateKeys = new Map<string, KeyObject>();
  const openWith = async (kid: string | undefined): Promise<KeyObject | undefined> =>
    privateKeys.get(kid ?? NO_KID);

  async function open(m: Extract<ToOpenWorker, { kind: 'chunk' }>): Promise<void> {
    for (const k of m.keys) {
      // A view, not a copy: clearing the message's bytes clears the only copy here.
      const der = Buffer.from(k.der.buffer, k.der.byteOffset, k.der.byteLength);
      privateKeys.set(k.kid, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
      k.der.fill(0);
    }
    const chunk: ManifestChunk = { index: m.index, count: m.count, digest: m.digest };
    const batch = await openChunk(rules, openWith, chunk, m.jwe, m.line);
    const [prepared, transfer] = forTransfer(prepareBatch(setup.keys, setup.orgId, batch));
    post({ kind: 'batch', index: m.index, prepared }, transfer);
  }

  // Everything is compiled and listening: the main thread may hand over chunks from now on.
  post({ kind: 'ready' });
  return async (m) => {
    if (m.kind === 'chunk') return open(m);
    // The keys were copies made for this thread; nothing needs them now.
    setup.keys.dataKey.key.fill(0);
    setup.keys.indexKey.fill(0);
    privateKeys.clear();
  };
}

// One chunk at a time, in order; after a failure nothing more is opened.
handleInOrder(port, begin, post);
