// The statutory clock against a table of dates worked out by hand from the ICO's wording and the
// GOV.UK bank-holiday list for England and Wales.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addCalendarMonths,
  clockState,
  dueDate,
  isWorkingDay,
  londonDate,
  nextWorkingDay,
} from '../../../src/domain/rights/statutory-clock.ts';
import {
  BANK_HOLIDAYS_TABLE,
  easterSunday,
  regularBankHolidays,
} from '../../../src/domain/rights/bank-holidays.ts';

const due = (
  receivedOn: string,
  extensionMonths = 0,
  pauses: { from: string; to: string | null }[] = [],
) => dueDate({ receivedOn, extensionMonths, pauses }, '2026-01-01');

test('one calendar month: the corresponding day, or the last day of a shorter month', () => {
  const cases: [string, number, string][] = [
    ['2025-09-03', 1, '2025-10-03'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'], // leap year
    ['2024-01-30', 1, '2024-02-29'],
    ['2025-01-29', 1, '2025-02-28'],
    ['2024-01-29', 1, '2024-02-29'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-08-31', 1, '2025-09-30'],
    ['2025-12-15', 1, '2026-01-15'], // across the year
    ['2024-02-29', 1, '2024-03-29'],
    ['2025-01-31', 3, '2025-04-30'], // extended by two more months
    ['2023-11-30', 3, '2024-02-29'],
  ];
  for (const [from, months, expected] of cases)
    assert.equal(addCalendarMonths(from, months), expected, `${from} + ${months} months`);
});

test('due dates move to the next working day past weekends and bank holidays', () => {
  const cases: [string, string, string][] = [
    ['2025-09-03', '2025-10-03', 'a Friday: stays'],
    ['2025-10-04', '2025-11-04', 'a Tuesday'],
    ['2025-09-04', '2025-10-06', '4 October 2025 is a Saturday: Monday'],
    ['2025-09-05', '2025-10-06', '5 October 2025 is a Sunday: Monday'],
    ['2025-01-31', '2025-02-28', 'last day of February, a Friday'],
    ['2026-01-31', '2026-03-02', '28 February 2026 is a Saturday: Monday 2 March'],
    ['2024-01-31', '2024-02-29', '29 February 2024, a Thursday'],
    ['2025-11-25', '2025-12-29', 'Christmas Thursday, Boxing Day Friday, then the weekend'],
    ['2025-11-26', '2025-12-29', 'Boxing Day 2025'],
    ['2026-11-25', '2026-12-29', 'Christmas 2026 Friday, Boxing Day substitute Monday 28th'],
    ['2026-11-28', '2026-12-29', '28 December 2026 is the Boxing Day substitute'],
    ['2027-11-25', '2027-12-29', 'Christmas 2027 Saturday: substitutes 27th and 28th'],
    ['2027-11-27', '2027-12-29', 'Monday 27 December 2027 is a substitute day'],
    ['2027-12-01', '2028-01-04', 'New Year 2028 Saturday: substitute Monday 3rd'],
    ['2026-03-03', '2026-04-07', 'Good Friday 3 April, weekend, Easter Monday 6 April 2026'],
    ['2026-03-06', '2026-04-07', 'Easter Monday 2026'],
    ['2025-04-05', '2025-05-06', 'early May bank holiday 5 May 2025'],
    ['2025-04-26', '2025-05-27', 'spring bank holiday 26 May 2025'],
    ['2025-07-25', '2025-08-26', 'summer bank holiday 25 August 2025'],
    ['2023-04-08', '2023-05-09', 'the Coronation bank holiday, 8 May 2023 (one-off)'],
    ['2022-08-19', '2022-09-20', 'the State Funeral, 19 September 2022 (one-off)'],
    ['2022-05-02', '2022-06-06', 'the Platinum Jubilee holidays, 2 and 3 June 2022'],
  ];
  for (const [received, expected, why] of cases) assert.equal(due(received), expected, why);
});

test('extensions add up to two further months, still on a working day', () => {
  assert.equal(due('2025-01-31', 1), '2025-03-31');
  assert.equal(due('2025-01-31', 2), '2025-04-30');
  assert.equal(due('2025-02-28', 2), '2025-05-28');
  assert.equal(due('2026-02-28', 2), '2026-05-28');
  assert.equal(due('2026-03-30', 2), '2026-06-30');
  assert.equal(due('2025-10-25', 2), '2026-01-26', '25 January 2026 is a Sunday');
  assert.throws(() => due('2025-01-01', 3), RangeError);
});

test('pauses for identity or clarification add the days paused', () => {
  // Received 3 September (due 3 October); paused 10–17 September: 7 days → 10 October (Friday).
  assert.equal(due('2025-09-03', 0, [{ from: '2025-09-10', to: '2025-09-17' }]), '2025-10-10');
  // Two pauses, 3 + 2 days: 8 October.
  assert.equal(
    due('2025-09-03', 0, [
      { from: '2025-09-04', to: '2025-09-07' },
      { from: '2025-09-20', to: '2025-09-22' },
    ]),
    '2025-10-08',
  );
  // A pause that lands the date on a weekend still moves to Monday: 3 Oct + 1 = Saturday 4th.
  assert.equal(due('2025-09-03', 0, [{ from: '2025-09-10', to: '2025-09-11' }]), '2025-10-06');
  // Pause and extension together: 31 Jan + 3 months = 30 April 2025, + 5 days = 5 May (bank
  // holiday) → 6 May.
  assert.equal(due('2025-01-31', 2, [{ from: '2025-02-03', to: '2025-02-08' }]), '2025-05-06');
});

test('the state shows days left, overdue, and an open pause counted to today', () => {
  const input = { receivedOn: '2025-09-03', extensionMonths: 0, pauses: [] };
  assert.deepEqual(clockState(input, '2025-09-23'), {
    dueOn: '2025-10-03',
    originalDueOn: '2025-10-03',
    pausedDays: 0,
    paused: false,
    daysLeft: 10,
    overdue: false,
  });
  assert.equal(clockState(input, '2025-10-03').overdue, false, 'the due day itself is in time');
  assert.equal(clockState(input, '2025-10-04').overdue, true);
  assert.equal(clockState(input, '2025-10-10').daysLeft, -7);
  const paused = clockState({ ...input, pauses: [{ from: '2025-09-10', to: null }] }, '2025-09-15');
  assert.deepEqual([paused.paused, paused.pausedDays, paused.dueOn], [true, 5, '2025-10-08']);
});

test('the table matches the rules for 2024 to 2028, and has the one-off days', () => {
  for (const year of [2024, 2025, 2026, 2027, 2028])
    assert.deepEqual(
      [...BANK_HOLIDAYS_TABLE[year]!].sort(),
      regularBankHolidays(year).sort(),
      `${year}`,
    );
  assert.deepEqual(easterSunday(2026), { month: 4, day: 5 });
  assert.deepEqual(easterSunday(2027), { month: 3, day: 28 });
  assert.ok(BANK_HOLIDAYS_TABLE[2023]!.includes('2023-05-08'));
  assert.ok(BANK_HOLIDAYS_TABLE[2022]!.includes('2022-09-19'));
  // Outside the table the rules still apply (2030: Christmas Wednesday, Easter Monday 22 April).
  assert.equal(isWorkingDay('2030-04-22'), false);
  assert.equal(nextWorkingDay('2030-12-25'), '2030-12-27');
});

test('a request counts as received on the UK calendar date', () => {
  assert.equal(londonDate(new Date('2025-06-30T23:30:00Z')), '2025-07-01', 'BST');
  assert.equal(londonDate(new Date('2025-12-31T23:30:00Z')), '2025-12-31', 'GMT');
});
