// A transfer chunk's plaintext: records are sealed one canonical JSON text per line, and the
// opener hashes each line as sent and keeps it as the record's stored text. A chunk sealed as one
// JSON list (before lines) still opens, to the same records and digest. A line that is not a
// record, a stray newline inside one, or a list of non-records is refused as tampering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { canonical } from '../../../src/domain/agreements/model.ts';
import { Chunker } from '../../../src/domain/exchange/chunker.ts';
import type { SealedChunk } from '../../../src/domain/exchange/chunker.ts';
import {
  chunkDigest,
  decryptRecords,
  digestTexts,
  encryptChunk,
  encryptLines,
  recordDigests,
} from '../../../src/domain/exchange/envelope.ts';
import { openChunk } from '../../../src/domain/exchange/open-chunk.ts';
import { project, projection } from '../../../src/domain/exchange/projection.ts';
import { LIBRARY } from '../../../src/domain/records/library.ts';
import { recordAjv } from '../../../src/domain/records/record-ajv.ts';
import { fieldsOf } from '../../../src/domain/records/record-types.service.ts';
import type { RecordType } from '../../../src/domain/records/record-types.service.ts';

const pair = generateKeyPairSync('x25519');
const to = { kid: 'k1', key: pair.publicKey };
const openWith = async (): Promise<typeof pair.privateKey> => pair.privateKey;
// Keys out of order, a newline and a non-ASCII letter in values: the text is canonical JSON.
const records = [
  { postcode: 'AB1 0CD', givenName: 'Zoë', familyName: 'Smith\nJones', dateOfBirth: '1980-01-02' },
  { givenName: 'Ann', familyName: 'Lee', dateOfBirth: '1975-05-06', postcode: 'AB2 1CD' },
];

async function sealed(): Promise<SealedChunk> {
  const out: SealedChunk[] = [];
  const chunker = new Chunker(to, 'T1', { records: 10, bytes: 1 << 20 }, async (c) => {
    out.push(c);
  });
  for (const r of records) await chunker.add(canonical(r));
  await chunker.flush();
  assert.equal(out.length, 1);
  return out[0]!;
}

const refused = async (p: Promise<unknown>): Promise<void> => {
  await assert.rejects(p, (e: { code?: string }) => e.code === 'TRANSFER_TAMPERED');
};

test('records are sealed a canonical text per line and open to the same records and digest', async () => {
  const c = await sealed();
  const opened = await decryptRecords(openWith, 'T1', 0, c.jwe);
  assert.deepEqual(opened.records, records);
  assert.deepEqual(opened.texts, records.map(canonical));
  assert.equal(chunkDigest(digestTexts(opened.texts)), c.digest);
  assert.equal(chunkDigest(recordDigests(records)), c.digest);
});

test('a chunk sealed as one JSON list, before lines, opens to the same records and digest', async () => {
  const c = await sealed();
  const old = await encryptChunk(to, 'T1', 0, records);
  const opened = await decryptRecords(openWith, 'T1', 0, old);
  assert.deepEqual(opened.records, records);
  assert.equal(chunkDigest(digestTexts(opened.texts)), c.digest);
});

test('an opened chunk keeps each record as the text the digest matched', async () => {
  const c = await sealed();
  const { key, title, description, schema } = LIBRARY.find((t) => t.key === 'person')!;
  const type: RecordType = {
    ...{ key, title, description, schema },
    id: 'person-1',
    version: 1,
    fields: fieldsOf(schema),
    marking: 'OFFICIAL-SENSITIVE',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const rules = {
    transferId: 'T1',
    type,
    validate: recordAjv(false).compile(type.schema),
    agreed: new Set(Object.keys(records[0]!)),
    retainUntil: '2030-01-01',
  };
  const batch = await openChunk(rules, openWith, { ...c, index: 0 }, c.jwe, 0);
  assert.deepEqual(
    batch.map((r) => r.text),
    records.map(canonical),
  );
  assert.deepEqual(
    batch.map((r) => JSON.parse(r.text!) as unknown),
    records,
  );
});

test('a record’s agreed fields are written as the canonical JSON of its projection', () => {
  const fields = ['postcode', 'givenName', 'nested', 'zeta', 'Ärger', 'n', 'missing', 'nil'];
  const agreed = projection(fields);
  for (const payload of [
    ...records,
    { nested: { b: [1, { d: 2, c: 'x' }], a: null }, zeta: 1.5, Ärger: 'ü', n: -0, nil: null },
    { givenName: 'a"b\\c\u2028', other: 'not agreed' },
    {},
  ])
    assert.equal(agreed(payload), canonical(project(payload, fields)));
});

test('lines that are not records, or a chunk sealed elsewhere, are refused as tampering', async () => {
  const lines = records.map(canonical);
  // A record broken over two lines, a line that is a list, a number, null, an empty line; a
  // record whose text is not its canonical JSON (a duplicated key hiding a value JSON.parse
  // drops, padding, a number written another way, keys out of order).
  for (const bad of [
    [lines[0]!.replace('{', `{"familyName":"${'hidden '.repeat(500)}",`), lines[1]!],
    [` ${lines[0]!}`, lines[1]!],
    [lines[0]!, lines[1]!.replace('}', ',"n":1.50}')],
    [JSON.stringify(records[0]), lines[1]!],
    [lines[0]!.replace(',', ',\n'), lines[1]!],
    [lines[0]!, '[1,2]'],
    ['42', lines[1]!],
    ['null'],
    [lines[0]!, ''],
  ])
    await refused(decryptRecords(openWith, 'T1', 0, await encryptLines(to, 'T1', 0, bad)));
  await refused(
    decryptRecords(openWith, 'T1', 0, await encryptChunk(to, 'T1', 0, [records[0]!, 7] as never)),
  );
  // Sealed for another place in the transfer: the header binds it to chunk 0.
  await refused(decryptRecords(openWith, 'T1', 1, await encryptLines(to, 'T1', 0, lines)));
});
