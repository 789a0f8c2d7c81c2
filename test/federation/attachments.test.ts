// A transfer chunk travels beside its envelope, its SHA-256 signed inside (attachments.ts). The
// receiving node puts it back into the message only when the signed digest matches: a swapped,
// missing or unsigned attachment is refused as a bad envelope, audited, and nothing is applied.
// A chunk message with the sealed chunk still inside its body (as a node before attachments
// sends it) is taken as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { setupOrg } from '../helpers/people.ts';
import { detach, reattach } from '../../src/domain/federation/attachments.ts';
import { keyFromJwk, newMessageId, seal } from '../../src/domain/federation/messages.ts';
import type { Message } from '../../src/domain/federation/messages.ts';
import type { AccordError } from '../../src/errors.ts';

let a: TestNode;
let b: TestNode;

before(async () => {
  [a, b] = await Promise.all([startNode('sqlite', 'A'), startNode('sqlite', 'B')]);
  const council = await setupOrg(a.services, 'Attachment Council');
  const police = await setupOrg(b.services, 'Attachment Police');
  await a.federation.trust.trust(
    await council.actor('administrator'),
    b.url,
    b.federation.trust.card().fingerprint,
  );
  await b.federation.trust.trust(
    await police.actor('administrator'),
    a.url,
    a.federation.trust.card().fingerprint,
  );
});
after(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

const chunk = { transferId: randomUUID(), index: 0, jwe: 'eyJ.sealed.chunk.text.here' };

test('a chunk’s sealed text is taken out of the body and put back only with its signed digest', () => {
  const out = detach('transfer.chunk', chunk);
  assert.deepEqual(out.body, { transferId: chunk.transferId, index: 0 });
  assert.equal(out.attachment, chunk.jwe);
  assert.match(out.sha256!, /^[0-9a-f]{64}$/);
  // Other kinds, and a chunk body without its text, travel whole.
  assert.deepEqual(detach('transfer.offer', chunk), { body: chunk });
  assert.deepEqual(detach('transfer.chunk', { transferId: 't', index: 1 }), {
    body: { transferId: 't', index: 1 },
  });
  const m: Message = {
    id: 'm1',
    from: 'a',
    to: 'b',
    iat: new Date().toISOString(),
    kind: 'transfer.chunk',
    body: out.body,
    attachment: { sha256: out.sha256! },
  };
  assert.deepEqual(reattach(m, out.attachment).body, chunk);
  const bad = (e: AccordError): boolean => e.code === 'FEDERATION_BAD_ENVELOPE';
  assert.throws(() => reattach(m, `${chunk.jwe}x`), bad);
  assert.throws(() => reattach(m, undefined), bad);
  assert.throws(() => reattach({ ...m, attachment: undefined }, out.attachment), bad);
  assert.throws(() => reattach({ ...m, kind: 'transfer.offer' }, out.attachment), bad);
  // Nothing declared, nothing posted: the message as it came.
  const plain = { ...m, attachment: undefined, body: chunk };
  assert.equal(reattach(plain, undefined), plain);
});

/** A chunk message from A to B, sealed with the attachment digest `sha256` declared. */
async function chunkEnvelope(sha256: string | undefined, body: unknown): Promise<string> {
  return seal(
    a.federation.identity,
    keyFromJwk(b.federation.trust.card().encryptionKey),
    {
      id: newMessageId(),
      to: b.federation.identity.nodeId,
      kind: 'transfer.chunk',
      body,
      ...(sha256 ? { attachment: { sha256 } } : {}),
    },
    new Date(),
  );
}

test('a swapped, missing or unsigned attachment is refused as a bad envelope and audited', async () => {
  const { body, attachment, sha256 } = detach('transfer.chunk', chunk);
  const refused = (e: AccordError): boolean => e.code === 'FEDERATION_BAD_ENVELOPE';
  const before = await b.services.audit.list({ action: 'federation.message.refused' });
  await assert.rejects(
    b.federation.inbox.receive(await chunkEnvelope(sha256, body), '', `${attachment}!`),
    refused,
  );
  await assert.rejects(b.federation.inbox.receive(await chunkEnvelope(sha256, body)), refused);
  await assert.rejects(
    b.federation.inbox.receive(await chunkEnvelope(undefined, body), '', attachment),
    refused,
  );
  const entries = await b.services.audit.list({ action: 'federation.message.refused' });
  const added = entries.filter((e) => !before.some((x) => x.seq === e.seq));
  // Audited once a minute per code (a flood is counted, not written out one by one).
  assert.equal(added.length, 1);
  assert.equal(added[0]!.details.code, 'FEDERATION_BAD_ENVELOPE');
  assert.match(String(added[0]!.details.reason), /attachment/);
  // None was applied: B never recorded them as received.
  const seen = await b.services.store.db
    .selectFrom('federation_seen')
    .select('message_id')
    .where('kind', '=', 'transfer.chunk')
    .execute();
  assert.equal(seen.length, 0);
});

test('a chunk whose digest matches reaches the chunk handler with its text back in its body', async () => {
  const { body, attachment, sha256 } = detach('transfer.chunk', chunk);
  // No such transfer on B: the handler's own refusal shows it was reached, with the text.
  for (const [envelope, posted] of [
    [await chunkEnvelope(sha256, body), attachment],
    // As a node before attachments sends it: the sealed text inside the signed body.
    [await chunkEnvelope(undefined, chunk), undefined],
  ] as const) {
    const answer = await b.federation.inbox.receive(envelope, '', posted);
    assert.equal(typeof answer, 'string');
  }
  const seen = await b.services.store.db
    .selectFrom('federation_seen')
    .select(['response'])
    .where('kind', '=', 'transfer.chunk')
    .execute();
  assert.equal(seen.length, 2);
  for (const s of seen) assert.doesNotMatch(s.response ?? '', /incomplete/);
});
