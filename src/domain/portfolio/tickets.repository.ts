// SQL for help-desk tickets and their comments.
import { sql } from 'kysely';
import type { Executor } from '../../store/store.ts';
import type { TicketCommentTable, TicketTable } from './portfolio.table.ts';

export async function ticketAnyOrg(
  ex: Executor,
  ticketId: string,
): Promise<TicketTable | undefined> {
  return ex.db
    .selectFrom('ticket')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
}

/** A ticket by its reference (T-12) in the organisation. */
export async function ticketByNumber(
  ex: Executor,
  orgId: string,
  n: number,
): Promise<TicketTable | undefined> {
  return ex.db
    .selectFrom('ticket')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', '=', n)
    .executeTakeFirst();
}

export interface TicketFilter {
  appId?: string;
  /** open: not resolved or closed. */
  state?: 'open' | 'closed' | 'all';
  assigneeId?: string;
  raisedBy?: string;
}

export async function tickets(
  ex: Executor,
  orgId: string,
  f: TicketFilter = {},
): Promise<TicketTable[]> {
  let q = ex.db.selectFrom('ticket').selectAll().where('org_id', '=', orgId);
  if (f.appId) q = q.where('app_id', '=', f.appId);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  if (f.raisedBy) q = q.where('raised_by', '=', f.raisedBy);
  if (f.state === 'open') q = q.where('status', 'not in', ['resolved', 'closed']);
  if (f.state === 'closed') q = q.where('status', 'in', ['resolved', 'closed']);
  return q.orderBy('number', 'desc').limit(1000).execute();
}

/** The next ticket number in the organisation (serialised on PostgreSQL by an advisory lock). */
export async function nextNumber(ex: Executor, orgId: string): Promise<number> {
  if (ex.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(${`accord-ticket:${orgId}`}))`.execute(ex.db);
  const r = await ex.db
    .selectFrom('ticket')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

export async function insertTicket(ex: Executor, t: TicketTable): Promise<void> {
  await ex.db.insertInto('ticket').values(t).execute();
}

export async function updateTicket(
  ex: Executor,
  orgId: string,
  ticketId: string,
  set: Partial<TicketTable>,
): Promise<void> {
  await ex.db
    .updateTable('ticket')
    .set(set)
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .execute();
}

export async function comments(
  ex: Executor,
  orgId: string,
  ticketId: string,
): Promise<TicketCommentTable[]> {
  return ex.db
    .selectFrom('ticket_comment')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .execute();
}

export async function insertComment(ex: Executor, c: TicketCommentTable): Promise<void> {
  await ex.db.insertInto('ticket_comment').values(c).execute();
}
