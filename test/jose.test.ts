// The base64 built-ins src/jose.ts supplies on Node 20 (jose falls back to a slow character loop
// without them): they must read and write exactly what the standard says, or JOSE envelopes
// would change shape or accept what they should refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, toBase64 } from '../src/jose.ts';
import { CompactEncrypt, compactDecrypt } from '../src/jose.ts';
import { generateKeyPairSync } from 'node:crypto';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

test('encodes as the standard does: padding, alphabets, omitPadding', () => {
  assert.equal(toBase64(bytes()), '');
  assert.equal(toBase64(bytes(0x66)), 'Zg==');
  assert.equal(toBase64(bytes(0x66, 0x6f)), 'Zm8=');
  assert.equal(toBase64(bytes(0x66, 0x6f, 0x6f)), 'Zm9v');
  assert.equal(toBase64(bytes(0xfb, 0xff)), '+/8=');
  assert.equal(toBase64(bytes(0xfb, 0xff), { alphabet: 'base64url' }), '-_8=');
  assert.equal(toBase64(bytes(0xfb, 0xff), { alphabet: 'base64url', omitPadding: true }), '-_8');
  assert.equal(toBase64(bytes(0x66), { omitPadding: true }), 'Zg');
  // A view onto part of a bigger buffer encodes only its own bytes.
  assert.equal(toBase64(new Uint8Array([1, 0x66, 0x6f, 2]).subarray(1, 3)), 'Zm8=');
  assert.throws(() => toBase64(bytes(1), { alphabet: 'hex' as never }), TypeError);
});

test('decodes loosely as the standard does, and refuses what is not base64', () => {
  assert.deepEqual(fromBase64('Zm9v'), bytes(0x66, 0x6f, 0x6f));
  assert.deepEqual(fromBase64('Zm8'), bytes(0x66, 0x6f));
  assert.deepEqual(fromBase64('Zm8='), bytes(0x66, 0x6f));
  assert.deepEqual(fromBase64(' Zm 9v\n'), bytes(0x66, 0x6f, 0x6f));
  assert.deepEqual(fromBase64('-_8', { alphabet: 'base64url' }), bytes(0xfb, 0xff));
  assert.deepEqual(fromBase64(''), bytes());
  for (const bad of ['Z', 'Zm8==', 'Zm=8', 'Zm9v!', 'Zg=', '-_8'])
    assert.throws(() => fromBase64(bad), SyntaxError, bad);
  assert.throws(() => fromBase64('+/8', { alphabet: 'base64url' }), SyntaxError);
  assert.throws(() => fromBase64(1 as never), TypeError);
  // What comes back owns its memory (never a slice of Node's shared pool).
  const out = fromBase64('Zm9v');
  assert.equal(out.byteLength, out.buffer.byteLength);
});

test('jose still seals and opens through them, and refuses an altered envelope', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const text = 'x'.repeat(100_000);
  const jwe = await new CompactEncrypt(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
    .encrypt(publicKey);
  const { plaintext } = await compactDecrypt(jwe, privateKey);
  assert.equal(new TextDecoder().decode(plaintext), text);
  const parts = jwe.split('.');
  parts[3] = `${parts[3]!.slice(0, -2)}!!`;
  await assert.rejects(compactDecrypt(parts.join('.'), privateKey));
});
