// From a record's payload (or an uploaded row) to the compact row the linkage engine compares.
// Field names are those of the starter library's member type; uploaded CSV headers are mapped to
// them once, so "Surname", "last_name" and "familyName" all work.
import { AccordError } from '../../errors.ts';
import { normalise } from '../records/identifiers.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers } from '../records/sealing.ts';
import { addressKey, givenKey, nameKey, postcodeKey } from './compare.ts';
import type { PersonRow } from './link.ts';

export type Side = 'list' | 'feed';

const ACTIVE = new Set(['current', 'active', 'paid', 'ok', 'success', 'succeeded', 'complete']);
const INACTIVE = new Set([
  'lapsed',
  'resigned',
  'expelled',
  'inactive',
  'ended',
  'arrears',
  'none',
  'failed',
  'refunded',
  'cancelled',
  'unpaid',
]);

function activeOf(status: string, side: Side, amount: unknown): boolean | null {
  const s = status.toLowerCase();
  if (ACTIVE.has(s)) return true;
  if (INACTIVE.has(s)) return false;
  if (side === 'list') return null;
  // In a payments feed a row is a payment, unless its amount says nothing was paid.
  if (amount !== undefined && amount !== '' && !(Number(amount) > 0)) return false;
  return true;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The membership number in normalised form, or '' when absent. */
export function membershipNumberOf(p: Record<string, unknown>): string {
  const n = normalise('membership-number', str(p.membershipNumber));
  return 'value' in n ? n.value : '';
}

/** A compact row; idKey holds the normalised membership number until hashKeys() replaces it. */
export function toPersonRow(ref: string, p: Record<string, unknown>, side: Side): PersonRow {
  const status = str(
    side === 'list' ? (p.membershipStatus ?? p.status) : (p.paymentStatus ?? p.status),
  ).trim();
  return {
    ref,
    idKey: membershipNumberOf(p),
    given: givenKey(p.givenName),
    family: nameKey(p.familyName),
    dob: str(p.dateOfBirth).trim(),
    postcode: postcodeKey(p.postcode),
    address: addressKey(p.address),
    active: activeOf(status, side, p.amount),
  };
}

/**
 * Replaces each row's normalised membership number by its keyed hash under the organisation's
 * index key — the same hash the identifier index holds — so matching never keeps numbers in clear.
 */
export function hashKeys(indexKey: Buffer, rows: readonly PersonRow[], from = 0): void {
  const batch: number[] = [];
  const flush = () => {
    const hashes = hashIdentifiers(
      indexKey,
      batch.map((i) => `membership-number:${rows[i]!.idKey}`),
    );
    batch.forEach((i, n) => {
      rows[i]!.idKey = hashes.toString(
        'latin1',
        n * IDENTIFIER_HASH_BYTES,
        (n + 1) * IDENTIFIER_HASH_BYTES,
      );
    });
    batch.length = 0;
  };
  for (let i = from; i < rows.length; i++) {
    if (!rows[i]!.idKey) continue;
    batch.push(i);
    if (batch.length === 10_000) flush();
  }
  if (batch.length) flush();
}

const HEADERS: Record<string, string> = {
  membershipnumber: 'membershipNumber',
  membershipno: 'membershipNumber',
  memberno: 'membershipNumber',
  membernumber: 'membershipNumber',
  familyname: 'familyName',
  surname: 'familyName',
  lastname: 'familyName',
  givenname: 'givenName',
  firstname: 'givenName',
  forename: 'givenName',
  dateofbirth: 'dateOfBirth',
  dob: 'dateOfBirth',
  birthdate: 'dateOfBirth',
  postcode: 'postcode',
  address: 'address',
  membershipstatus: 'membershipStatus',
  paymentstatus: 'paymentStatus',
  status: 'status',
  amount: 'amount',
};

export const MAX_UPLOAD_ROWS = 1_000_000;

/**
 * An uploaded CSV (a header row naming at least the names, or a membership number) as payloads
 * with their line numbers. Unknown columns are ignored: a payments feed carries more than we need.
 */
export function parseFeed(csv: string): { line: number; payload: Record<string, unknown> }[] {
  let records: string[][];
  try {
    records = parseCsv(csv);
  } catch (e) {
    throw new AccordError('VALIDATION_FAILED', 'The CSV could not be read.', [
      { field: 'csv', message: `The CSV could not be read: ${(e as Error).message}` },
    ]);
  }
  const [header, ...body] = records;
  const names = (header ?? []).map((h) => HEADERS[h.toLowerCase().replace(/[^a-z]/g, '')]);
  const has = (n: string) => names.includes(n);
  if (!has('membershipNumber') && !(has('familyName') && has('givenName')))
    throw new AccordError('VALIDATION_FAILED', 'The CSV has no columns to match on.', [
      {
        field: 'csv',
        message:
          'The first row must name the columns, including a membership number or family and given names',
      },
    ]);
  if (body.length > MAX_UPLOAD_ROWS)
    throw new AccordError('VALIDATION_FAILED', 'The CSV is too long.', [
      { field: 'csv', message: `Upload at most ${MAX_UPLOAD_ROWS} rows at once` },
    ]);
  return body.map((cells, n) => {
    const payload: Record<string, unknown> = {};
    names.forEach((name, c) => {
      if (name && cells[c] !== undefined && cells[c] !== '') payload[name] = cells[c];
    });
    return { line: n + 2, payload };
  });
}

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, a leading byte-order mark), values
 * trimmed, empty lines skipped. Written here because a payments feed can hold half a million rows
 * and the general-purpose parser took seconds where this takes a fraction of one.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let row: string[] = [];
  const lineAt = (at: number) => text.slice(0, at).split('\n').length;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      let from = i + 1;
      field = '';
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`a quoted value on line ${lineAt(i)} is never closed`);
        field += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          field += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const c = text.charCodeAt(i);
      if (i < n && c !== 44 && c !== 10 && c !== 13)
        throw new Error(`unexpected text after a closing quote on line ${lineAt(i)}`);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field.trim());
    if (text.charCodeAt(i) === 44) {
      i++;
      if (i === n) row.push('');
      continue;
    }
    if (text.charCodeAt(i) === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  }
  return rows;
}
