// What a node keeps of a partner's published catalogue: well-formed types and fields only, so a
// partner cannot slip in a field without a data category or marking, nor anything but the schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCatalogue } from '../../src/domain/federation/catalogue.ts';
import { providedMismatches } from '../../src/domain/agreements/screening.ts';
import type { FieldInfo } from '../../src/domain/records/annotations.ts';
import type { AgreementTerms } from '../../src/domain/agreements/model.ts';

test('a published catalogue keeps only well-formed types and fields', () => {
  const kept = readCatalogue([
    {
      key: 'person',
      version: 2,
      title: 'Person',
      fields: [
        { name: 'nhsNumber', category: 'personal', marking: 'OFFICIAL', identifies: 'nhs-number' },
        { name: 'health', category: 'special-category', marking: 'OFFICIAL-SENSITIVE' },
        { name: 'noCategory', marking: 'OFFICIAL' },
        { name: 'badMarking', category: 'personal', marking: 'SECRET' },
        { name: 'odd', category: 'none', marking: 'OFFICIAL', identifies: 'shoe-size' },
        { name: 'nhsNumber', category: 'none', marking: 'OFFICIAL' },
      ],
      records: [{ familyName: 'Smith' }],
    },
    { key: 'person', version: 3, title: 'Duplicate', fields: [] },
    { title: 'No key' },
    'nonsense',
  ]);
  assert.equal(kept.length, 1);
  assert.deepEqual(Object.keys(kept[0]!).sort(), ['fields', 'key', 'title', 'version']);
  assert.deepEqual(
    kept[0]!.fields.map((f) => [f.name, f.category, f.identifies ?? null]),
    [
      ['nhsNumber', 'personal', 'nhs-number'],
      ['health', 'special-category', null],
      ['odd', 'none', null],
    ],
  );
  assert.deepEqual(readCatalogue({ not: 'a list' }), []);
});

test('terms are checked against what the provider really holds', () => {
  const f = (name: string, category: FieldInfo['category']): FieldInfo => ({
    name,
    title: name,
    type: 'string',
    required: false,
    description: '',
    category,
    marking: 'OFFICIAL',
  });
  const real = [f('postcode', 'special-category'), f('familyName', 'personal')];
  const terms = {
    flows: [
      { from: 'p', to: 'c', recordType: 'person', fields: ['familyName', 'postcode'], special: [] },
      { from: 'c', to: 'p', recordType: 'case', fields: ['anything'], special: [] },
    ],
    checks: [
      { key: 'k', question: 'q', from: 'p', recordType: 'person', field: 'shoe', yesWhen: ['x'] },
    ],
  } as unknown as AgreementTerms;
  const problems = providedMismatches(
    terms,
    (o) => o === 'p',
    (o, r) => (o === 'p' && r === 'person' ? real : undefined),
  );
  assert.deepEqual(problems, [
    'The special-category or criminal-offence fields of person are postcode, not none.',
    'The check “k” uses “shoe”, not a field of person.',
  ]);
});
