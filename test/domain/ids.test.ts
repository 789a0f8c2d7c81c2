// Time-ordered ids: each id sorts after the one made before it in this process, whatever the
// clock does, and carries the version and variant bits of a UUIDv7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuid7 } from '../../src/domain/ids.ts';

const inOrder = (ids: string[]): boolean => ids.every((id, i) => i === 0 || id > ids[i - 1]!);

test('more ids in one millisecond than the counter holds still sort in the order made', () => {
  const at = Date.now() + 60_000; // a millisecond no earlier id used
  const ids = Array.from({ length: 10_000 }, () => uuid7(at));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(inOrder(ids));
  // The millisecond is borrowed only once the counter is used up.
  assert.equal(ids[4095]!.slice(0, 13), ids[0]!.slice(0, 13));
  assert.notEqual(ids[4096]!.slice(0, 13), ids[0]!.slice(0, 13));
});

test('a clock stepped back does not reorder ids', () => {
  const at = Date.now() + 120_000;
  const ids = [uuid7(at), uuid7(at - 5_000), uuid7(at - 10_000), uuid7(at + 1)];
  assert.ok(inOrder(ids));
});

test('version 7, RFC 9562 variant', () => {
  assert.match(uuid7(), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
