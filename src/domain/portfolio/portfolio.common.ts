// What the portfolio services share: the lookups into other modules (people, vendors, assets,
// risks) that services.ts wires, and small checks for dates, money and addresses.
import { randomBytes } from 'node:crypto';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';

/** People, answered by the people module. */
export interface PortfolioPeople {
  activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean>;
  idByEmail(ex: Executor, orgId: string, email: string): Promise<string | undefined>;
  activePeople(ex: Executor, orgId: string): Promise<{ id: string; name: string }[]>;
  names(ex: Executor, orgId: string): Promise<Map<string, string>>;
}

/**
 * Registers other modules keep. Each is optional: until services.ts wires one, a link to that
 * register is refused with a message saying so (nothing unverified is stored).
 */
export interface PortfolioLinks {
  /** The vendor's name when the id is in the vendor register of the organisation. */
  vendor?(ex: Executor, orgId: string, vendorId: string): Promise<string | undefined>;
  /** The asset's name when the id is in the information asset register. */
  asset?(ex: Executor, orgId: string, assetId: string): Promise<string | undefined>;
  /** The risk's title when the id is in the risk register. */
  risk?(ex: Executor, orgId: string, riskId: string): Promise<string | undefined>;
}

export interface PortfolioContext {
  ctx: DomainContext;
  people: PortfolioPeople;
  links: PortfolioLinks;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function isDate(s: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
  );
}

/** A time from ISO-8601 text (with a zone, or UTC when none), or undefined. */
export function parseTime(s: unknown): string | undefined {
  if (typeof s === 'number' && Number.isFinite(s)) {
    // Seconds since the epoch (GitHub's repository.pushed_at) or milliseconds.
    return new Date(s < 1e11 ? s * 1000 : s).toISOString();
  }
  if (typeof s !== 'string' || !s.trim()) return undefined;
  let t = s.trim();
  // GitLab writes "2021-04-28 21:50:00 +0200" and "2013-12-03 17:23:34 UTC".
  const m =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    const zone = !m[3] || m[3] === 'UTC' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    t = `${m[1]}T${m[2]}${zone}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t = `${t}T00:00:00Z`;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Pounds (e.g. "12,500.50" or "£12500") to pence; undefined when not money. */
export function toPence(v: string | number | null | undefined): number | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  const s = String(v).replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return undefined;
  return Math.round(Number(s) * 100);
}

export function yesNo(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(s)) return true;
  if (['no', 'n', 'false', '0', ''].includes(s)) return false;
  return undefined;
}

export function httpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const parseIds = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

let lastMs = 0;
let seq = 0;
let pool = Buffer.alloc(0);
let at = 0;
/**
 * A UUID version 7 (RFC 9562): time-ordered, so rows written together sit together in the
 * primary-key index instead of dirtying a random page each (delivery events arrive in bulk).
 */
export function timeOrderedId(now = Date.now()): string {
  if (now <= lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  if (at + 8 > pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  const r = pool.subarray(at, (at += 8));
  const ms = lastMs.toString(16).padStart(12, '0');
  const counter = (seq & 0xfff).toString(16).padStart(3, '0');
  const variant = ((r[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter}-${variant}${r.subarray(1, 2).toString('hex')}-${r.subarray(2, 8).toString('hex')}`;
}
