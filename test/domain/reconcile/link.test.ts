// The linkage engine on its own: field comparisons, and a generated list and feed with planted
// variances, every one found and nothing else reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dobScore, jaroWinkler, soundex } from '../../../src/domain/reconcile/compare.ts';
import { DEFAULT_PARAMS, link } from '../../../src/domain/reconcile/link.ts';
import { parseCsv, parseFeed, toPersonRow } from '../../../src/domain/reconcile/rows.ts';
import { generate, plantedKey } from '../../helpers/reconcile-data.ts';

test('Jaro-Winkler gives the published values', () => {
  assert.equal(jaroWinkler('martha', 'marhta').toFixed(4), '0.9611');
  assert.equal(jaroWinkler('dwayne', 'duane').toFixed(4), '0.8400');
  assert.equal(jaroWinkler('dixon', 'dicksonx').toFixed(4), '0.8133');
  assert.equal(jaroWinkler('abc', 'abc'), 1);
  assert.equal(jaroWinkler('', 'abc'), 0);
});

test('Soundex and date-of-birth slips', () => {
  assert.equal(soundex('robert'), 'r163');
  assert.equal(soundex('ashcraft'), 'a261');
  assert.equal(dobScore('1980-03-04', '1980-04-03'), 0.5);
  assert.equal(dobScore('1980-03-04', '1981-03-04'), 0.5);
  assert.equal(dobScore('1980-03-04', '1980-03-40'), 0.5);
  assert.equal(dobScore('1980-03-04', '1975-11-22'), 0);
});

test('finds every planted variance and no false ones', () => {
  const data = generate(3000, 50);
  const a = data.members.map((m) => toPersonRow(`m:${m.membershipNumber}`, m, 'list'));
  const b = data.payments.map((p, i) => toPersonRow(`line:${i + 2}`, { ...p }, 'feed'));
  const r = link(a, b, DEFAULT_PARAMS);
  const found = new Set(
    r.variances.map((v) =>
      plantedKey(
        v.kind,
        v.reason,
        v.a >= 0 ? data.members[v.a]!.membershipNumber : null,
        v.b >= 0 ? v.b + 2 : null,
      ),
    ),
  );
  const missed = [...data.planted].filter((k) => !found.has(k));
  const extra = [...found].filter((k) => !data.planted.has(k));
  assert.deepEqual({ missed, extra }, { missed: [], extra: [] });
  assert.equal(r.variances.length, data.planted.size);
  assert.ok(r.counts.comparisons / b.length <= 50);
  assert.ok(r.counts.matchedByLinkage > 0 && r.counts.matchedByIdentifier > 0);
});

test('CSV: quotes, doubled quotes, CRLF, empty lines, and an unclosed quote refused', () => {
  assert.deepEqual(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n\n1,\n'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['1', ''],
  ]);
  assert.throws(() => parseCsv('a,b\n"open,1\n'), /line 2/);
  assert.throws(() => parseFeed('colour,size\nred,9'), /no columns to match on/);
});
