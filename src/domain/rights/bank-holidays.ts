// Bank holidays in England and Wales, as published on GOV.UK (www.gov.uk/bank-holidays), for the
// years a statutory clock running now can reach. Substitute days are listed as the day off
// actually given (a Christmas on Saturday gives Monday 27th and Tuesday 28th). One-off holidays
// (the 2022 Platinum Jubilee and State Funeral, the 2023 Coronation) are in the table because
// they cannot be computed. Years outside the table fall back to the regular rules below, which
// cannot know of one-off days: extend the table when new years are announced.
export const BANK_HOLIDAYS_TABLE: Readonly<Record<number, readonly string[]>> = {
  2022: [
    '2022-01-03', // New Year's Day (substitute: 1 January was a Saturday)
    '2022-04-15', // Good Friday
    '2022-04-18', // Easter Monday
    '2022-05-02', // Early May bank holiday
    '2022-06-02', // Spring bank holiday (moved for the Platinum Jubilee)
    '2022-06-03', // Platinum Jubilee bank holiday (one-off)
    '2022-08-29', // Summer bank holiday
    '2022-09-19', // State Funeral of Queen Elizabeth II (one-off)
    '2022-12-26', // Boxing Day
    '2022-12-27', // Christmas Day (substitute: 25 December was a Sunday)
  ],
  2023: [
    '2023-01-02', // New Year's Day (substitute)
    '2023-04-07', // Good Friday
    '2023-04-10', // Easter Monday
    '2023-05-01', // Early May bank holiday
    '2023-05-08', // Coronation of King Charles III (one-off)
    '2023-05-29', // Spring bank holiday
    '2023-08-28', // Summer bank holiday
    '2023-12-25', // Christmas Day
    '2023-12-26', // Boxing Day
  ],
  2024: [
    '2024-01-01',
    '2024-03-29', // Good Friday
    '2024-04-01', // Easter Monday
    '2024-05-06',
    '2024-05-27',
    '2024-08-26',
    '2024-12-25',
    '2024-12-26',
  ],
  2025: [
    '2025-01-01',
    '2025-04-18',
    '2025-04-21',
    '2025-05-05',
    '2025-05-26',
    '2025-08-25',
    '2025-12-25',
    '2025-12-26',
  ],
  2026: [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28', // Boxing Day (substitute: 26 December is a Saturday)
  ],
  2027: [
    '2027-01-01',
    '2027-03-26',
    '2027-03-29',
    '2027-05-03',
    '2027-05-31',
    '2027-08-30',
    '2027-12-27', // Christmas Day (substitute: 25 December is a Saturday)
    '2027-12-28', // Boxing Day (substitute: 26 December is a Sunday)
  ],
  2028: [
    '2028-01-03', // New Year's Day (substitute: 1 January is a Saturday)
    '2028-04-14',
    '2028-04-17',
    '2028-05-01',
    '2028-05-29',
    '2028-08-28',
    '2028-12-25',
    '2028-12-26',
  ],
};

const iso = (y: number, m: number, d: number): string =>
  new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const weekday = (y: number, m: number, d: number): number =>
  new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** Easter Sunday (Gregorian; the anonymous algorithm in Meeus). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** The regular bank holidays of a year by rule (no one-off days). */
export function regularBankHolidays(year: number): string[] {
  const out: string[] = [];
  // New Year's Day, or the Monday after when it falls at a weekend.
  const ny = weekday(year, 1, 1);
  out.push(iso(year, 1, ny === 6 ? 3 : ny === 0 ? 2 : 1));
  const e = easterSunday(year);
  out.push(iso(year, e.month, e.day - 2), iso(year, e.month, e.day + 1));
  const firstMonday = (m: number): number => 1 + ((8 - weekday(year, m, 1)) % 7);
  const lastMonday = (m: number): number => {
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    return last - ((weekday(year, m, last) + 6) % 7);
  };
  out.push(iso(year, 5, firstMonday(5)), iso(year, 5, lastMonday(5)), iso(year, 8, lastMonday(8)));
  // Christmas and Boxing Day; at a weekend each moves to the next weekday not already taken.
  const xmas = weekday(year, 12, 25);
  if (xmas === 6) out.push(iso(year, 12, 27), iso(year, 12, 28));
  else if (xmas === 0) out.push(iso(year, 12, 26), iso(year, 12, 27));
  else if (xmas === 5) out.push(iso(year, 12, 25), iso(year, 12, 28));
  else out.push(iso(year, 12, 25), iso(year, 12, 26));
  return out;
}

const cache = new Map<number, ReadonlySet<string>>();

/** The bank holidays of a year: the published table where we have it, else the rules. */
export function bankHolidays(year: number): ReadonlySet<string> {
  let s = cache.get(year);
  if (!s) cache.set(year, (s = new Set(BANK_HOLIDAYS_TABLE[year] ?? regularBankHolidays(year))));
  return s;
}

export function isBankHoliday(date: string): boolean {
  return bankHolidays(Number(date.slice(0, 4))).has(date);
}
