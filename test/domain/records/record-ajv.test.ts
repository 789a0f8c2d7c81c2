// A worker thread loads a record type's validator as the code ajv generated on the main thread
// instead of compiling the schema itself: it must judge every record exactly as a compiled one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIBRARY } from '../../../src/domain/records/library.ts';
import {
  recordAjv,
  sourceOf,
  validatorFromSource,
} from '../../../src/domain/records/record-ajv.ts';

/** The validator as a worker thread gets it: compiled on this thread, loaded as code. */
const loadedAsWorker = (schema: object) => {
  const ajv = recordAjv(true);
  return validatorFromSource(sourceOf(ajv, ajv.compile(schema)));
};

const records: Record<string, unknown>[] = [
  { givenName: 'Ann', familyName: 'Lee', dateOfBirth: '1980-02-29' },
  { givenName: 'Ann', familyName: 'Lee', dateOfBirth: '1981-02-29' }, // no such day
  { givenName: 'Ann', familyName: 'Lee', dateOfBirth: '1980-01-01', email: 'not an address' },
  { givenName: 'Ann', dateOfBirth: 'soon', shoeSize: 9 }, // several faults at once
  { givenName: 'Ann', familyName: 'Lee', dateOfBirth: '1980-01-01', email: 'ann@example.org' },
  {},
];

test('every library type: the loaded code judges records as the compiled schema does', () => {
  for (const type of LIBRARY) {
    const compiled = recordAjv().compile(type.schema);
    const loaded = loadedAsWorker(type.schema);
    for (const r of records) {
      assert.equal(loaded(r), compiled(r), `${type.key}: ${JSON.stringify(r)}`);
      assert.deepEqual(loaded.errors ?? null, compiled.errors ?? null, type.key);
    }
  }
});

test('the person type: formats and every fault are reported, not just the first', () => {
  const person = LIBRARY.find((t) => t.key === 'person')!;
  const validate = loadedAsWorker(person.schema);
  assert.equal(validate(records[0]), true);
  assert.equal(validate(records[1]), false, 'a date that does not exist');
  assert.equal(validate(records[2]), false, 'an e-mail address that is not one');
  assert.equal(validate(records[3]), false);
  const keywords = new Set(validate.errors!.map((e) => e.keyword));
  assert.ok(keywords.has('required') && keywords.has('additionalProperties'), [...keywords].join());
});
