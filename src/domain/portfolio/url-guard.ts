// SSRF protection for health checks: Accord only ever calls http(s) addresses whose host an
// administrator has registered, never one with credentials in it, and never follows a redirect.
import { AccordError } from '../../errors.ts';

/** A registered host: a hostname (any port) or hostname:port, lower case. */
export function normaliseHost(input: string): string | undefined {
  const s = input.trim().toLowerCase().replace(/\.$/, '');
  if (!s || s.length > 253) return undefined;
  // host, host:port, [v6], [v6]:port
  const m =
    /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:(\d{1,5}))?$/.exec(
      s,
    );
  if (!m) return undefined;
  if (m[6] && (Number(m[6]) < 1 || Number(m[6]) > 65535)) return undefined;
  return s;
}

export interface UrlVerdict {
  ok: boolean;
  reason?: string;
}

/** Whether `url` may be checked, given the registered hosts. */
export function checkUrl(url: string, hosts: readonly string[]): UrlVerdict {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'Enter a full address, like https://service.example.org/health' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { ok: false, reason: `Only http and https addresses can be checked, not ${u.protocol}` };
  if (u.username || u.password)
    return { ok: false, reason: 'The address must not contain a user name or password' };
  const host = u.hostname.toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const allowed = hosts.some((h) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(h);
    const hHost = m?.[1] ?? h;
    const hPort = m?.[2];
    return hHost === host && (!hPort || hPort === port);
  });
  if (!allowed)
    return {
      ok: false,
      reason: `${u.host} is not a registered health-check host: an administrator must register it first`,
    };
  return { ok: true };
}

/** Throws HEALTH_URL_REFUSED naming the field when `url` may not be checked. */
export function assertCheckable(
  url: string,
  hosts: readonly string[],
  field = 'healthCheckUrl',
): void {
  const v = checkUrl(url, hosts);
  if (!v.ok) throw new AccordError('HEALTH_URL_REFUSED', v.reason, [{ field, message: v.reason! }]);
}
