// The success banner after a form redirects ("Request ACC-12 logged."). Its text travels in the
// address of the page redirected to, with a MAC, so a link someone else crafts cannot make
// Accord's own banner say what they like (an address such as `?done=Call this number…` is shown
// without a banner). The key lives only in this process: a banner lost to a restart is harmless.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const key = randomBytes(32);
const mac = (text: string): Buffer =>
  createHmac('sha256', key).update(text).digest().subarray(0, 16);

/** `path` with the banner text to show once the browser arrives there. */
export function withDone(path: string, text: string): string {
  const sep = path.includes('?') ? '&' : '?';
  return `${path}${sep}done=${encodeURIComponent(text)}&mac=${mac(text).toString('base64url')}`;
}

/** The banner text the address carries, when Accord wrote it. */
export function doneOf(req: FastifyRequest): string | undefined {
  const q = req.query as { done?: unknown; mac?: unknown };
  if (typeof q.done !== 'string' || typeof q.mac !== 'string') return undefined;
  const given = Buffer.from(q.mac, 'base64url');
  const want = mac(q.done);
  return given.length === want.length && timingSafeEqual(given, want) ? q.done : undefined;
}
