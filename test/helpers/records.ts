// Record fixtures: valid NHS numbers, people, and an asset ready to hold them.
import type { Asset } from '../../src/domain/records/assets.service.ts';
import type { Services } from '../../src/services.ts';
import type { OrgFixture } from './people.ts';

/** A valid NHS number (modulus-11 check digit) from any 9-digit seed. */
export function nhsNumber(seed: number): string {
  for (let s = seed; ; s++) {
    const base = String(100_000_000 + (s % 899_999_999)).slice(0, 9);
    const sum = [...base].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${base}${check === 11 ? 0 : check}`;
  }
}

const GIVEN = ['Amira', 'Ben', 'Chloe', 'Dev', 'Ellen', 'Femi', 'Grace', 'Harun', 'Isla', 'Jonah'];
const FAMILY = [
  'Ahmed',
  'Brown',
  'Clarke',
  'Davies',
  'Evans',
  'Foster',
  'Green',
  'Hughes',
  'Iqbal',
  'Jones',
];

/** i in letters (0 → a, 25 → z, 26 → ba): names normalise to letters only, so digits would not tell people apart. */
function letters(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

/** Person i: a different person for every i (NHS number, and name + date of birth + postcode). */
export function person(i: number): Record<string, unknown> {
  return {
    nhsNumber: nhsNumber(i * 7919 + 17),
    givenName: GIVEN[i % 10],
    familyName: `${FAMILY[Math.floor(i / 10) % 10]}${letters(i)}`,
    dateOfBirth: `19${String(50 + (i % 50)).padStart(2, '0')}-0${(i % 9) + 1}-1${i % 10}`,
    postcode: `AB${(i % 9) + 1} ${i % 10}CD`,
    address: `${i} High Street, Northtown`,
    lastContact: '2025-06-01',
  };
}

export async function personAsset(
  s: Services,
  org: OrgFixture,
  name = 'Residents',
): Promise<Asset> {
  return s.assets.create(await org.actor('iao'), {
    name,
    ownerPersonId: org.people.iao.personId,
    typeKey: 'person',
    classification: 'OFFICIAL-SENSITIVE',
    lawfulBasis: 'art6-1-e',
    retentionPeriod: 'P6Y',
    retentionFrom: 'lastContact',
    retentionAction: 'delete',
    application: 'Citizen index',
  });
}
