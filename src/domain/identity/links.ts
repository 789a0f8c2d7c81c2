// One-time links for setting a password (a new account) or resetting one. No mail server is
// needed: the administrator is shown the link and passes it on. Only its hash is stored.
import { createHash, randomBytes } from 'node:crypto';

export const INVITE_DAYS = 7;
export const RESET_HOURS = 24;

export function newSecretToken(prefix = ''): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function linkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/password/${token}`;
}
