// Time-ordered ids (UUID version 7, RFC 9562): new rows land at the end of their indexes, which
// keeps bulk inserts fast, and the ids still reveal nothing but roughly when they were made.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// Random bytes drawn 4 KiB at a time: one system call per 512 ids instead of one per id (bulk
// writes make two ids a record).
let pool = Buffer.alloc(0);
let used = 0;
// Two hex digits per byte value: an id is spelt straight from the bytes, with no buffer made.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (n: number): string => HEX[n & 0xff] as string;

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
  if (used + 8 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  const r = pool;
  const at = used;
  used += 8;
  // 48 bits of milliseconds (too wide for the 32-bit bitwise operators), then version 7 with the
  // counter, then the variant bits and 62 random bits.
  const high = Math.floor(lastMs / 0x10000);
  return (
    `${hex(high >>> 24)}${hex(high >>> 16)}${hex(high >>> 8)}${hex(high)}-` +
    `${hex(lastMs >>> 8)}${hex(lastMs)}-${hex(0x70 | (seq >> 8))}${hex(seq)}-` +
    `${hex(0x80 | ((r[at] as number) & 0x3f))}${hex(r[at + 1] as number)}-` +
    `${hex(r[at + 2] as number)}${hex(r[at + 3] as number)}${hex(r[at + 4] as number)}` +
    `${hex(r[at + 5] as number)}${hex(r[at + 6] as number)}${hex(r[at + 7] as number)}`
  );
}
