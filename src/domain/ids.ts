// Time-ordered ids (UUID version 7, RFC 9562): new rows land at the end of their indexes, which
// keeps bulk inserts fast, and the ids still reveal nothing but roughly when they were made.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

export function uuid7(now = Date.now()): string {
  // A counter in the random bits keeps ids made in the same millisecond in order.
  if (now <= lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  const b = randomBytes(16);
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
