// Time-ordered ids (UUID version 7, RFC 9562): new rows land at the end of their indexes, which
// keeps bulk inserts fast, and the ids still reveal nothing but roughly when they were made.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id (bulk
// writes make two ids a record).
let pool = Buffer.alloc(0);
let used = 0;
function random16(): Buffer {
  if (used + 16 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  used += 16;
  return Buffer.from(pool.subarray(used - 16, used));
}

export function uuid7(now = Date.now()): string {
  // A counter in the random bits keeps ids made in the same millisecond (or after the clock
  // stepped back) in order. It has 12 bits: past 4,096 ids in one millisecond the next
  // millisecond is borrowed (RFC 9562, 6.2), rather than wrapping round and sorting early.
  if (now <= lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  if (seq > 0xfff) {
    lastMs++;
    seq = 0;
  }
  const b = random16();
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
