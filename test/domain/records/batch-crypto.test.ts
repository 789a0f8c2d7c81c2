// The native batch-crypto addon (native/merkle_hash.c) against node:crypto: SHA-256 of many texts
// and AES-256-GCM opening of many sealed payloads give exactly what one call at a time gives, a
// payload that does not open is refused, and two threads using the addon at once (an import or
// transfer worker beside the main thread) do not mix each other's work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { native } from '../../../src/domain/audit/hasher.ts';
import { digestTexts } from '../../../src/domain/exchange/envelope.ts';
import {
  open,
  openBatch,
  sealBatch,
  sealPacked,
  sealedKeyVersion,
} from '../../../src/domain/records/sealing.ts';

const texts = ['', 'abc', 'é ü 漢字 🙂', 'x'.repeat(70_000), JSON.stringify({ a: 1, b: [2, 3] })];
const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

test('many texts hashed at once match node:crypto one at a time', () => {
  assert.deepEqual(digestTexts(texts), texts.map(sha));
  assert.deepEqual(digestTexts([]), []);
});

test('sealed payloads opened at once match opening one at a time; a bad one fails them all', () => {
  const key = randomBytes(32);
  const items = texts.map((plaintext, i) => ({ aad: `org|rec-${i}|1`, plaintext }));
  const sealed = sealBatch(key, 3, items);
  const aads = items.map((i) => i.aad);
  assert.deepEqual(openBatch(key, sealed, aads), texts);
  assert.deepEqual(
    sealed.map((s, i) => open(key, s, aads[i]!)),
    texts,
  );
  // Moved onto another row (other AAD), altered, or under another key: nothing opens.
  assert.throws(() =>
    openBatch(
      key,
      sealed,
      aads.map((a, i) => (i === 2 ? 'org|other|1' : a)),
    ),
  );
  const altered = sealed.map((s) => Buffer.from(s));
  altered[1]![20] = altered[1]![20]! ^ 1;
  assert.throws(() => openBatch(key, altered, aads));
  assert.throws(() => openBatch(randomBytes(32), sealed, aads));
});

test('a batch sealed into one buffer holds, end to end, payloads that open one by one', () => {
  const key = randomBytes(32);
  const items = texts.map((plaintext, i) => ({ aad: `org|rec-${i}|1`, plaintext }));
  const { sealed, ends } = sealPacked(key, 258, items);
  assert.equal(ends.length, texts.length);
  assert.equal(ends[ends.length - 1], sealed.length);
  const each = [...ends].map((end, i) => sealed.subarray(i ? ends[i - 1] : 0, end));
  // Each the size sealBatch's would be (header, IV, text, tag), under its key version.
  assert.deepEqual(
    each.map((s) => s.length),
    sealBatch(key, 258, items).map((s) => s.length),
  );
  assert.deepEqual(
    each.map((s) => sealedKeyVersion(s)),
    texts.map(() => 258),
  );
  assert.deepEqual(
    each.map((s, i) => open(key, s, items[i]!.aad)),
    texts,
  );
  assert.deepEqual(
    openBatch(
      key,
      each,
      items.map((i) => i.aad),
    ),
    texts,
  );
  // Fresh IVs each time: the same batch never seals to the same bytes.
  assert.notDeepEqual(sealPacked(key, 258, items).sealed, sealed);
  assert.equal(sealPacked(key, 1, []).sealed.length, 0);
});

test('a worker thread and this one using the addon at once each get their own right answers', async (t) => {
  if (!native) return t.skip('the native addon is not built here');
  const addon = createRequire(import.meta.url).resolve(
    '../../../native/build/Release/merkle_hash.node',
  );
  const key = randomBytes(32);
  const inputs = Array.from({ length: 2000 }, (_, i) => `identifier-${i}-${'y'.repeat(i % 300)}`);
  const expected = Buffer.concat(
    inputs.map((s) => createHmac('sha256', key).update(s).digest().subarray(0, 16)),
  );
  // The worker hashes identifiers over and over while this thread hashes other texts.
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const m = require(workerData.addon);
     const out = Buffer.alloc(16 * workerData.inputs.length);
     let bad = 0;
     for (let round = 0; round < 300; round++) {
       m.hmacBatch(Buffer.from(workerData.key), workerData.inputs, out, 16);
       if (!out.equals(Buffer.from(workerData.expected))) bad++;
     }
     parentPort.postMessage(bad);`,
    { eval: true, workerData: { addon, key, inputs, expected } },
  );
  const done = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const mine = inputs.map((s) => `${s}-main`);
  const want = mine.map(sha);
  let wrong = 0;
  for (let round = 0; round < 300; round++)
    if (digestTexts(mine).some((d, i) => d !== want[i])) wrong++;
  assert.equal(await done, 0, 'the worker got wrong hashes');
  assert.equal(wrong, 0, 'this thread got wrong hashes');
  await worker.terminate();
});
