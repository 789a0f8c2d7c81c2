// Checking what is typed when a request is logged: every problem named against its field.
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { lookupIdentifiers } from '../records/identifiers.ts';
import * as m from './requests.model.ts';
import { isDate, londonDate } from './statutory-clock.ts';
import { cleanIdentifiers } from './subjects.ts';

export interface LogRequestInput {
  kind: string;
  channel: string;
  /** YYYY-MM-DD (the UK date it arrived) or an ISO instant; defaults to now. */
  receivedOn?: string;
  identifiers: Record<string, unknown>;
  description?: string;
  identityVerified?: boolean;
}

export interface ParsedLogInput {
  kind: m.RequestKind;
  channel: m.Channel;
  receivedOn: string;
  receivedAt: string;
  identifiers: Record<string, string>;
  description: string;
}

export function parseLogInput(input: LogRequestInput, now: Date, today: string): ParsedLogInput {
  const problems: Problem[] = [];
  if (!m.isKind(input.kind))
    problems.push({ field: 'kind', message: 'Choose what the person is asking for' });
  if (!m.isChannel(input.channel))
    problems.push({ field: 'channel', message: 'Choose how the request arrived' });
  const received = input.receivedOn?.trim() || now.toISOString();
  const receivedOn = isDate(received)
    ? received
    : /^\d{4}-\d{2}-\d{2}T/.test(received) && !Number.isNaN(Date.parse(received))
      ? londonDate(new Date(received))
      : '';
  if (!receivedOn)
    problems.push({ field: 'receivedOn', message: 'Enter the date it arrived, like 2025-03-31' });
  else if (receivedOn > today)
    problems.push({ field: 'receivedOn', message: 'The date it arrived cannot be in the future' });
  const identifiers = cleanIdentifiers(input.identifiers ?? {});
  problems.push(...lookupIdentifiers(identifiers).problems);
  const description = (input.description ?? '').trim();
  if (description.length > 5000)
    problems.push({ field: 'description', message: 'Keep the description under 5,000 characters' });
  assertNoProblems(problems, 'The request cannot be logged yet.');
  return {
    kind: input.kind as m.RequestKind,
    channel: input.channel as m.Channel,
    receivedOn,
    // A date alone counts from midday, so the UK date is the same in any time zone.
    receivedAt: isDate(received) ? `${received}T12:00:00.000Z` : new Date(received).toISOString(),
    identifiers,
    description,
  };
}
