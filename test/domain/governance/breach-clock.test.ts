// The 72-hour clock: the deadline is awareness + 72 elapsed hours, whatever the calendar or the
// clocks in London do; it reads in London time with the zone in force then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  breachDeadline,
  clockState,
  formatDuration,
  formatLondon,
  londonToUtc,
  toLondonFields,
} from '../../../src/domain/governance/breach-clock.ts';

const hours = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 3_600_000;

test('across midnight: 23:30 on a Tuesday is due 23:30 on the Friday', () => {
  const aware = londonToUtc('2025-01-14', '23:30'); // Tuesday, GMT
  assert.equal(aware, '2025-01-14T23:30:00.000Z');
  const due = breachDeadline(aware);
  assert.equal(due, '2025-01-17T23:30:00.000Z');
  assert.equal(formatLondon(due), 'Friday 17 January 2025 at 11:30pm GMT');
  assert.equal(hours(aware, due), 72);
});

test('weekends count: aware on a Friday afternoon, due on the Monday afternoon', () => {
  const aware = londonToUtc('2025-02-07', '16:00'); // Friday
  const due = breachDeadline(aware);
  assert.equal(formatLondon(due), 'Monday 10 February 2025 at 4:00pm GMT');
  assert.equal(hours(aware, due), 72);
});

test('October clock change: 72 elapsed hours read an hour earlier on the London clock', () => {
  // Clocks go back at 02:00 BST on Sunday 27 October 2024.
  const aware = londonToUtc('2024-10-26', '10:00'); // Saturday, BST
  assert.equal(aware, '2024-10-26T09:00:00.000Z');
  const due = breachDeadline(aware);
  assert.equal(hours(aware, due), 72);
  assert.equal(formatLondon(aware), 'Saturday 26 October 2024 at 10:00am BST');
  assert.equal(formatLondon(due), 'Tuesday 29 October 2024 at 9:00am GMT');
});

test('March clock change: 72 elapsed hours read an hour later on the London clock', () => {
  // Clocks go forward at 01:00 GMT on Sunday 30 March 2025.
  const aware = londonToUtc('2025-03-29', '12:00'); // Saturday, GMT
  assert.equal(aware, '2025-03-29T12:00:00.000Z');
  const due = breachDeadline(aware);
  assert.equal(hours(aware, due), 72);
  assert.equal(formatLondon(due), 'Tuesday 1 April 2025 at 1:00pm BST');
});

test('awareness in the hour that happens twice takes the earlier instant; the skipped hour is refused', () => {
  assert.equal(londonToUtc('2024-10-27', '01:30'), '2024-10-27T00:30:00.000Z'); // 01:30 BST
  assert.equal(londonToUtc('2024-10-27', '02:30'), '2024-10-27T02:30:00.000Z'); // GMT again
  assert.equal(londonToUtc('2025-03-30', '01:30'), 'nonexistent');
  assert.equal(londonToUtc('2025-03-30', '02:00'), '2025-03-30T01:00:00.000Z');
  assert.equal(londonToUtc('2025-02-30', '10:00'), 'invalid');
  assert.equal(londonToUtc('2025-02-03', '24:00'), 'invalid');
  assert.deepEqual(toLondonFields('2024-07-01T23:15:00.000Z'), {
    day: '2024-07-02',
    time: '00:15',
  });
});

test('the clock counts down, runs past the deadline, and stops when the ICO is told or it is decided not to', () => {
  const aware = '2025-06-02T08:00:00.000Z';
  const base = { aware_at: aware, personal_data: 1, notify_ico: null, ico_notified_at: null };
  const running = clockState(base, new Date('2025-06-03T09:30:00.000Z'));
  assert.equal(running.status, 'running');
  assert.equal(running.remainingMs, (72 - 25.5) * 3_600_000);
  assert.equal(running.label, '1 day 22 hours 30 minutes left to notify the ICO');
  const over = clockState(base, new Date('2025-06-05T10:00:00.000Z'));
  assert.equal(over.status, 'overdue');
  assert.equal(over.label, '2 hours past the deadline to notify the ICO');
  const inTime = clockState(
    { ...base, notify_ico: 1, ico_notified_at: '2025-06-04T08:00:00.000Z' },
    new Date('2025-07-01T00:00:00.000Z'),
  );
  assert.equal(inTime.status, 'notified-in-time');
  assert.equal(inTime.remainingMs, null);
  const late = clockState(
    { ...base, notify_ico: 1, ico_notified_at: '2025-06-05T08:00:01.000Z' },
    new Date(),
  );
  assert.equal(late.status, 'notified-late');
  assert.equal(
    clockState({ ...base, notify_ico: 0 }, new Date('2025-07-01T00:00:00.000Z')).status,
    'not-notifiable',
  );
  assert.equal(clockState({ ...base, personal_data: 0 }, new Date()).status, 'not-personal-data');
  assert.equal(formatDuration(59_000), 'less than a minute');
  assert.equal(formatDuration(72 * 3_600_000), '3 days');
});
