// Field comparison for record linkage: Jaro-Winkler on names (written here: no well-kept package
// is installed), exact or near date of birth, postcode at unit and district level, and the
// blocking keys that keep the number of comparisons per record small.

let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to four characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  // Reused match flags: this runs millions of times and must not allocate.
  if (la > aFlags.length || lb > bFlags.length) {
    aFlags = new Uint8Array(Math.max(la, lb) * 2);
    bFlags = new Uint8Array(Math.max(la, lb) * 2);
  }
  const aMatched = aFlags.fill(0, 0, la);
  const bMatched = bFlags.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || b.charCodeAt(j) !== c) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Letters only, lower case, accents removed: the form names are compared in. */
export function nameKey(s: unknown): string {
  if (typeof s !== 'string') return '';
  // Most names are plain letters: skip the Unicode work for them.
  if (/^[A-Za-z]*$/.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** The first given name only ("Mary Ann" and "Mary" are the same person's given name). */
export function givenKey(s: unknown): string {
  if (typeof s !== 'string') return '';
  const t = s.trim();
  const space = t.search(/\s/);
  return nameKey(space < 0 ? t : t.slice(0, space));
}

/** A UK postcode without spaces, upper case; '' when absent. */
export function postcodeKey(s: unknown): string {
  return typeof s === 'string' ? s.replace(/\s/g, '').toUpperCase() : '';
}

/** The outward code (district): everything but the last three characters. */
export function outward(postcode: string): string {
  return postcode.length > 3 ? postcode.slice(0, -3) : postcode;
}

/** An address compared loosely: case, punctuation and spacing ignored. */
export function addressKey(s: unknown): string {
  return typeof s === 'string' ? s.toLowerCase().replace(/[^a-z0-9]/g, '') : '';
}

const SOUNDEX: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
}; // prettier-ignore

/** American Soundex of a normalised name: a blocking key that survives most spelling slips. */
export function soundex(name: string): string {
  if (!name) return '';
  let out = name[0]!;
  let last = SOUNDEX[name[0]!] ?? '';
  for (let i = 1; i < name.length && out.length < 4; i++) {
    const ch = name[i]!;
    const code = SOUNDEX[ch] ?? '';
    if (code && code !== last) out += code;
    // h and w do not separate equal codes; vowels do.
    if (ch !== 'h' && ch !== 'w') last = code;
  }
  return out.padEnd(4, '0');
}

/** 1 when equal; 0.5 when one slip apart (two digits swapped, or day and month swapped); else 0. */
export function dobScore(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  if (a.length !== b.length) return 0;
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 0.5;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  if (diff === 1) return 0.5;
  if (diff === 2) {
    const i = [...a].findIndex((c, n) => c !== b[n]);
    if (a[i] === b[i + 1] && a[i + 1] === b[i]) return 0.5;
  }
  return 0;
}

/** 1 when equal, 0.5 in the same district, 0 otherwise (or when either is missing). */
export function postcodeScore(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  return outward(a) === outward(b) ? 0.5 : 0;
}

/** The fields linkage compares, already normalised. */
export interface LinkFields {
  given: string;
  family: string;
  dob: string;
  postcode: string;
}

export interface Weights {
  family: number;
  given: number;
  dob: number;
  postcode: number;
}

/**
 * Names and date of birth carry the weight; the postcode only a little, so someone who moved
 * still links (and is then reported as an address mismatch).
 */
export const DEFAULT_WEIGHTS: Weights = { family: 0.3, given: 0.25, dob: 0.35, postcode: 0.1 };

/**
 * Below this a name disagrees outright: two unrelated names still share some letters. Above it
 * agreement is graded from 0 to 1, so a different surname that merely shares a stem (Pryceorton,
 * Pryceermore: 0.85) counts for little and a slip of the pen (Ashton, Ashotn: 0.97) for nearly all.
 */
const NAME_AGREES = 0.8;
const nameAgreement = (x: string, y: string): number => {
  const s = jaroWinkler(x, y);
  return s >= NAME_AGREES ? (s - NAME_AGREES) / (1 - NAME_AGREES) : 0;
};

/** A weighted score in [0, 1]. */
export function score(a: LinkFields, b: LinkFields, w: Weights = DEFAULT_WEIGHTS): number {
  return (
    w.family * nameAgreement(a.family, b.family) +
    w.given * nameAgreement(a.given, b.given) +
    w.dob * dobScore(a.dob, b.dob) +
    w.postcode * postcodeScore(a.postcode, b.postcode)
  );
}

/** FNV-1a over a tag and strings, continuing from `h`. */
function fnv(h: number, s: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
const FNV_BASIS = 0x811c9dc5;

/**
 * Blocking keys, as 32-bit hashes written into `out` (at most three; returns how many).
 * Candidates share at least one. Each key tolerates a different slip — a misspelt name (date of
 * birth with district), a wrong date of birth (postcode with initials), a move (surname sound
 * with date of birth). Hashes, not strings: a million rows make three million keys, and numbers
 * cost the garbage collector nothing; a rare collision only adds a candidate to score.
 */
export function blockingKeys(f: LinkFields, out: Uint32Array): number {
  let n = 0;
  if (f.dob && f.postcode)
    out[n++] = fnv(fnv(fnv(FNV_BASIS, 'd'), f.dob), f.postcode, 0, f.postcode.length - 3) >>> 0;
  if (f.dob && f.family) out[n++] = fnv(fnv(fnv(FNV_BASIS, 's'), soundex(f.family)), f.dob) >>> 0;
  if (f.postcode && f.family && f.given)
    out[n++] = fnv(fnv(fnv(FNV_BASIS, 'p'), f.postcode), `${f.given[0]}${f.family[0]}`) >>> 0;
  return n;
}
