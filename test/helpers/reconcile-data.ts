// A generated membership list and payments feed with planted variances, for the reconciliation
// tests and benchmark. Besides the variances it plants noise that must NOT be reported: payments
// without a membership number and with a misspelt surname, numbers typed with spaces and in lower
// case, a number belonging to somebody else, and members paying twice.

const GIVEN = (
  'Amira Ben Chloe Dev Ellen Femi Grace Harun Isla Jonah Kemi Liam Maya Nikhil Olu Priya Quinn ' +
  'Rosa Sami Tara Umar Vera Wyn Xander Yusuf Zara Aled Bethan Ciaran Dafydd Efa Fraser Gwen ' +
  'Hamish Iona Jamal Kirsty Lowri Morag Niamh'
).split(' ');
const STEM = (
  'Ash Brad Carr Dun Ell Farr Garn Hart Ing Jenk Kell Lang Mor Nash Ort Penn Quil Rad Sand Thorn ' +
  'Upton Vaugh Wald Yard Abbot Bell Coll Dray Eld Fitz Gil Holm Ire Jar Kim Lew Mill Neal Oak Pryce'
).split(' ');
const MID = 'a e i o u an en in on ar er ir or al el il ol ab ed ig'.split(' ');
const END = 'son ley ton well ford wood ham by er ridge croft field stone worth more'.split(' ');
const AREA = ['AB', 'B', 'CF', 'DN', 'E', 'G', 'LS', 'M', 'NE', 'S', 'SW', 'TR'];

/** A small deterministic generator (mulberry32), so every run plants the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Member = {
  membershipNumber: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  postcode: string;
  address: string;
  membershipStatus: 'current' | 'lapsed';
  paymentStatus: 'paid' | 'none';
};

export type Payment = {
  membershipNumber: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  postcode: string;
  address: string;
  amount: string;
};

/** kind|reason|membership number of the list row ('-')|line of the feed row ('-'). */
export type PlantedKey = string;

export interface GeneratedData {
  members: Member[];
  payments: Payment[];
  planted: Set<PlantedKey>;
  paymentsCsv(): string;
}

export const plantedKey = (
  kind: string,
  reason: string,
  member: string | null,
  line: number | null,
): PlantedKey => `${kind}|${reason}|${member ?? '-'}|${line ?? '-'}`;

/** `n` members; each kind of variance planted about once per `every` members (at least once). */
export function generate(n: number, every = 100, seed = 7): GeneratedData {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const two = (x: number) => String(x).padStart(2, '0');
  const personAt = (): Omit<Member, 'membershipNumber' | 'membershipStatus' | 'paymentStatus'> => {
    const postcode = `${pick(AREA)}${1 + Math.floor(r() * 40)} ${Math.floor(r() * 10)}${String.fromCharCode(65 + Math.floor(r() * 26))}${String.fromCharCode(65 + Math.floor(r() * 26))}`;
    return {
      familyName: `${pick(STEM)}${pick(MID)}${pick(END)}`,
      givenName: pick(GIVEN),
      dateOfBirth: `${1940 + Math.floor(r() * 66)}-${two(1 + Math.floor(r() * 12))}-${two(1 + Math.floor(r() * 28))}`,
      postcode,
      address: `${1 + Math.floor(r() * 200)} ${pick(STEM)} Road`,
    };
  };
  const members: Member[] = [];
  const payments: Payment[] = [];
  const planted = new Set<PlantedKey>();
  const pay = (m: Member, change: Partial<Payment> = {}): number => {
    payments.push({
      membershipNumber: m.membershipNumber,
      familyName: m.familyName,
      givenName: m.givenName,
      dateOfBirth: m.dateOfBirth,
      postcode: m.postcode,
      address: m.address,
      amount: '5.00',
      ...change,
    });
    return payments.length + 1; // CSV line: the header is line 1
  };
  for (let i = 0; i < n; i++) {
    const m: Member = {
      membershipNumber: `M${String(100000 + i)}`,
      ...personAt(),
      membershipStatus: 'current',
      paymentStatus: 'paid',
    };
    members.push(m);
    const slot = i % every;
    const no = m.membershipNumber;
    if (slot === 0) {
      m.membershipStatus = 'lapsed';
      m.paymentStatus = 'none';
      planted.add(plantedKey('status-mismatch', 'inactive-but-active-in-feed', no, pay(m)));
    } else if (slot === 1) {
      planted.add(plantedKey('status-mismatch', 'current-but-not-paying', no, null));
    } else if (slot === 2) {
      pay(m);
      // Somebody who is not a member: born after every member, so no member can be them (at
      // half a million members, a random stranger otherwise shares a birthday, district and
      // similar name with someone often enough to be a genuine possible match).
      const stranger = personAt();
      const line = pay(
        { ...m, ...stranger },
        { membershipNumber: '', dateOfBirth: `2007${stranger.dateOfBirth.slice(4)}` },
      );
      planted.add(plantedKey('only-in-b', 'not-on-list', null, line));
    } else if (slot === 3) {
      const moved = personAt();
      const line = pay(m, { postcode: moved.postcode, address: moved.address });
      planted.add(plantedKey('address-mismatch', 'postcode-differs', no, line));
    } else if (slot === 4) {
      // One digit of the year wrong and no number: close, but not close enough to be sure.
      const year = Number(m.dateOfBirth.slice(0, 4));
      const line = pay(m, {
        membershipNumber: '',
        dateOfBirth: `${year % 10 === 9 ? year - 1 : year + 1}${m.dateOfBirth.slice(4)}`,
      });
      planted.add(plantedKey('possible-match', 'needs-review', no, line));
    } else if (slot === 5 || slot === 6) {
      m.membershipStatus = 'lapsed'; // lapsed and not paying: as it should be
      m.paymentStatus = 'none';
    } else if (slot === 7) {
      // No number and a misspelt surname: linkage must find them.
      const f = m.familyName;
      pay(m, { membershipNumber: '', familyName: `${f.slice(0, -2)}${f.at(-1)}${f.at(-2)}` });
    } else if (slot === 8) {
      pay(m, { membershipNumber: ` ${no.toLowerCase().replace(/^m/, 'm ')} ` });
    } else if (slot === 9 && i > every) {
      // Somebody else's number typed by mistake: the rest of the record disagrees.
      pay(m, { membershipNumber: members[i - every + 10]!.membershipNumber });
    } else if (slot === 10) {
      pay(m);
      pay(m, { amount: '5.00' });
    } else pay(m);
  }
  return {
    members,
    payments,
    planted,
    paymentsCsv: () =>
      [
        'Membership number,Surname,First name,Date of birth,Postcode,Address,Amount',
        ...payments.map((p) =>
          [
            p.membershipNumber,
            p.familyName,
            p.givenName,
            p.dateOfBirth,
            p.postcode,
            `"${p.address}"`,
            p.amount,
          ].join(','),
        ),
      ].join('\n'),
  };
}
