// Subject matching. Identifiers are normalised before hashing, so the same person matches however
// the value was typed: NHS numbers (10 digits with a modulus-11 check digit), National Insurance
// numbers (format and prefix rules), membership numbers and police references (case and spaces),
// or — where none of those is known — family name, given name, date of birth and postcode together.
import type { FieldInfo, Identifies } from './annotations.ts';

export type Scheme =
  'nhs-number' | 'ni-number' | 'membership-number' | 'police-reference' | 'name-dob-postcode';

/** Strongest first: a lookup reports the basis it matched on. */
export const SCHEMES: readonly Scheme[] = [
  'nhs-number',
  'ni-number',
  'membership-number',
  'police-reference',
  'name-dob-postcode',
];

export const SCHEME_LABELS: Record<Scheme, string> = {
  'nhs-number': 'NHS number',
  'ni-number': 'National Insurance number',
  'membership-number': 'membership number',
  'police-reference': 'police reference',
  'name-dob-postcode': 'name, date of birth and postcode',
};

export function nhsNumberValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 9)].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

const NI_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
export function niNumberValid(ni: string): boolean {
  return (
    /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(ni) &&
    !NI_BAD_PREFIXES.has(ni.slice(0, 2))
  );
}

const letters = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** The normalised form of one identifying value, or an error message. */
export function normalise(kind: Identifies, raw: unknown): { value: string } | { error: string } {
  const s = typeof raw === 'string' ? raw.trim() : '';
  switch (kind) {
    case 'nhs-number': {
      const d = s.replace(/[\s-]/g, '');
      return nhsNumberValid(d)
        ? { value: d }
        : { error: `“${s}” is not a valid NHS number (10 digits with a correct check digit)` };
    }
    case 'ni-number': {
      const n = s.replace(/\s/g, '').toUpperCase();
      return niNumberValid(n)
        ? { value: n }
        : { error: `“${s}” is not a valid National Insurance number` };
    }
    case 'membership-number':
    case 'police-reference': {
      const v = s.replace(/\s/g, '').toUpperCase();
      return v ? { value: v } : { error: 'is empty' };
    }
    case 'family-name':
    case 'given-name': {
      const first = kind === 'given-name' ? (s.split(/\s+/)[0] ?? '') : s;
      const v = letters(first);
      return v ? { value: v } : { error: 'has no letters' };
    }
    case 'date-of-birth':
      return /^\d{4}-\d{2}-\d{2}$/.test(s)
        ? { value: s }
        : { error: `“${s}” is not a date like 1980-03-31` };
    case 'postcode': {
      const v = s.replace(/\s/g, '').toUpperCase();
      return /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(v)
        ? { value: v }
        : { error: `“${s}” is not a UK postcode` };
    }
  }
}

export interface Extracted {
  scheme: Scheme;
  value: string;
}

const COMPOSITE: Identifies[] = ['family-name', 'given-name', 'date-of-birth', 'postcode'];

/**
 * The identifiers a record carries, from the fields its type marks as identifying. Returns
 * problems for identifying values that are present but malformed (a wrong NHS check digit is a
 * bad row, not a silent non-match).
 */
export function extractIdentifiers(
  fields: readonly FieldInfo[],
  payload: Record<string, unknown>,
): { ids: Extracted[]; problems: { field: string; message: string }[] } {
  const ids: Extracted[] = [];
  const problems: { field: string; message: string }[] = [];
  const parts = new Map<Identifies, string>();
  for (const f of fields) {
    if (!f.identifies) continue;
    const raw = payload[f.name];
    if (raw === undefined || raw === null || raw === '') continue;
    const n = normalise(f.identifies, raw);
    if ('error' in n) {
      problems.push({ field: f.name, message: n.error });
      continue;
    }
    if ((COMPOSITE as string[]).includes(f.identifies)) parts.set(f.identifies, n.value);
    else ids.push({ scheme: f.identifies as Scheme, value: n.value });
  }
  if (COMPOSITE.every((k) => parts.has(k)))
    ids.push({ scheme: 'name-dob-postcode', value: COMPOSITE.map((k) => parts.get(k)).join('|') });
  return { ids, problems };
}

/** What gets hashed: the scheme name keeps equal values of different schemes apart. */
export const hashInput = (e: Extracted): string => `${e.scheme}:${e.value}`;

/**
 * Identifiers a person asks to match on (a look-up form or API call): any of nhsNumber,
 * niNumber, membershipNumber, policeReference, or all of familyName, givenName, dateOfBirth, postcode.
 */
export function lookupIdentifiers(q: Record<string, string | undefined>): {
  ids: Extracted[];
  problems: { field: string; message: string }[];
} {
  const fields: FieldInfo[] = (
    [
      ['nhsNumber', 'nhs-number'],
      ['niNumber', 'ni-number'],
      ['membershipNumber', 'membership-number'],
      ['policeReference', 'police-reference'],
      ['familyName', 'family-name'],
      ['givenName', 'given-name'],
      ['dateOfBirth', 'date-of-birth'],
      ['postcode', 'postcode'],
    ] as const
  ).map(([name, identifies]) => ({
    name,
    identifies,
    title: name,
    type: 'string',
    required: false,
    description: '',
    category: 'personal',
    marking: 'OFFICIAL',
  }));
  const r = extractIdentifiers(fields, q);
  if (r.ids.length === 0 && r.problems.length === 0) {
    r.problems.push({
      field: 'identifiers',
      message:
        'Give an NHS number, a National Insurance number, a membership number, a police reference, or all of family name, given name, date of birth and postcode',
    });
  }
  return r;
}
