// The import's line reader splits exactly as readline does (LF, CRLF, lone CR, a last line
// without an end), whatever the chunk boundaries, so reported line numbers do not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { lineBatches } from '../../../src/domain/records/import-rows.ts';

const CASES = [
  'a\nb\n',
  'a\nb',
  'a\r\nb\r\n',
  'a\rb\rc',
  '\n\n{"x":1}\n',
  'é\nü€\n𝄞',
  'a\r',
  'a\r\n',
  '',
  'x\r\r\ny\n\r\n',
];

const chunked = (text: string, size: number): Readable => {
  const buf = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(Buffer.from(buf.subarray(i, i + size)));
  return Readable.from(parts);
};

async function collect(it: AsyncIterable<string | string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(...(Array.isArray(l) ? l : [l]));
  return out;
}
const lines = lineBatches;

test('lines match readline for every line ending and chunk size', async () => {
  for (const text of CASES) {
    for (const size of [1, 2, 3, 5, 1024]) {
      const expected = await collect(
        readline.createInterface({ input: chunked(text, size), crlfDelay: Infinity }),
      );
      assert.deepEqual(await collect(lines(chunked(text, size))), expected, JSON.stringify(text));
    }
  }
});

test('lines match readline on random mixes of line ends and multi-byte characters', async () => {
  let seed = 11;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = ['a', '\r', '\n', 'é', '€', ' '];
  for (let i = 0; i < 300; i++) {
    const text = Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]).join('');
    const size = 1 + next(7);
    const expected = await collect(
      readline.createInterface({ input: chunked(text, size), crlfDelay: Infinity }),
    );
    assert.deepEqual(await collect(lines(chunked(text, size))), expected, JSON.stringify(text));
  }
});
