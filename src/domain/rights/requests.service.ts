// Subject requests: logged with how and when they arrived, matched to subjects through the
// identifier index, moved through their states on the statutory clock, every step kept on the
// request's timeline and in the audit log. What the subject sent is sealed like a record.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as m from './requests.model.ts';
import type { RequestStatus } from './requests.model.ts';
import { parseLogInput } from './requests.input.ts';
import type { LogRequestInput } from './requests.input.ts';
import { RequestStore } from './requests.store.ts';
import { toSummary } from './requests.view.ts';
import type { SubjectRequest, SubjectRequestSummary } from './requests.view.ts';
import type { Pause } from './statutory-clock.ts';
import { MAX_EXTENSION_MONTHS, dueDate } from './statutory-clock.ts';
import { matchSubjects, sealDetails } from './subjects.ts';
import type { RequestDetails } from './subjects.ts';

export type { LogRequestInput };

export interface MoveInput {
  move: string;
  reason?: string;
  /** With `resume` from waiting for identity: the proof was accepted. */
  identityVerified?: boolean;
}

const ref = (id: string): string => `request:${id}`;

export class RequestsService extends RequestStore {
  async log(actor: Actor, input: LogRequestInput): Promise<SubjectRequest> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('rights.manage', { orgId: actor.orgId, ref: 'subject-requests' });
      const now = this.ctx.clock();
      const { kind, channel, receivedOn, receivedAt, identifiers, description } = parseLogInput(
        input,
        now,
        this.today(),
      );

      const id = uuid7();
      const year = receivedOn.slice(0, 4);
      const count = await gate.tx.db
        .selectFrom('subject_request')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', actor.orgId)
        .where('reference', 'like', `SR-${year}-%`)
        .executeTakeFirstOrThrow();
      const reference = `SR-${year}-${String(Number(count.n) + 1).padStart(4, '0')}`;
      const details: RequestDetails = { identifiers, description, redactions: [] };
      const sealed = await sealDetails(gate.tx, this.keys, actor.orgId, id, details);
      const subjects = await matchSubjects(gate.tx, this.keys, actor.orgId, identifiers);
      const at = now.toISOString();
      await gate.tx.db
        .insertInto('subject_request')
        .values({
          request_id: id,
          org_id: actor.orgId,
          reference,
          kind,
          channel,
          received_at: receivedAt,
          received_on: receivedOn,
          details: sealed.sealed,
          key_version: sealed.keyVersion,
          subject_ids: JSON.stringify(subjects),
          identity_verified: input.identityVerified ? 1 : 0,
          status: 'received',
          pauses: '[]',
          extension_months: 0,
          extension_reason: null,
          due_on: dueDate({ receivedOn, extensionMonths: 0, pauses: [] }, this.today()),
          outcome: null,
          created_by: actor.ref,
          created_at: at,
          updated_at: at,
          closed_at: null,
        })
        .execute();
      await this.event(
        gate,
        id,
        'received',
        `Received by ${m.CHANNEL_LABELS[channel].toLowerCase()}`,
        {
          channel,
          matchedSubjects: subjects.length,
        },
      );
      gate.record('rights.request.logged', ref(id), {
        reference,
        kind: input.kind,
        channel: input.channel,
        receivedOn,
        matchedSubjects: subjects.length,
      });
      return this.load(gate, id);
    });
  }

  async list(
    actor: Actor,
    state: 'open' | 'closed' | 'all' = 'open',
  ): Promise<SubjectRequestSummary[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('rights.read', { orgId: actor.orgId, ref: 'subject-requests' });
      let q = gate.tx.db
        .selectFrom('subject_request')
        .selectAll()
        .where('org_id', '=', actor.orgId);
      if (state === 'open') q = q.where('closed_at', 'is', null);
      if (state === 'closed') q = q.where('closed_at', 'is not', null);
      const rows = await q.orderBy('due_on').orderBy('received_at').execute();
      return rows.map((r) => toSummary(r, this.today()));
    });
  }

  /** Open and overdue requests, for the dashboard (the access decision is the caller's). */
  async counts(
    ex: Executor,
    orgId: string,
  ): Promise<{ open: number; overdue: { id: string; reference: string; dueOn: string }[] }> {
    const rows = await ex.db
      .selectFrom('subject_request')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('closed_at', 'is', null)
      .execute();
    const today = this.today();
    const overdue = rows
      .map((r) => toSummary(r, today))
      .filter((r) => r.clock.overdue)
      .map((r) => ({ id: r.id, reference: r.reference, dueOn: r.clock.dueOn }));
    return { open: rows.length, overdue };
  }

  async get(actor: Actor, id: string): Promise<SubjectRequest> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.row(gate.tx, id);
      gate.require('rights.read', { orgId: row?.org_id ?? '', ref: ref(id) });
      return this.load(gate, id);
    });
  }

  async move(actor: Actor, id: string, input: MoveInput): Promise<SubjectRequest> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.row(gate.tx, id);
      gate.require('rights.manage', { orgId: row?.org_id ?? '', ref: ref(id) });
      const r = row!;
      if (!m.isMove(input.move))
        throw new AccordError('VALIDATION_FAILED', 'Choose what to do with the request', [
          { field: 'move', message: 'Choose what to do with the request' },
        ]);
      const status = r.status as RequestStatus;
      const next = m.nextStatus(status, input.move);
      if (!next)
        throw new AccordError(
          'CONFLICT',
          `A request that is “${m.STATUS_LABELS[status].toLowerCase()}” cannot move that way.`,
        );
      const reason = (input.reason ?? '').trim();
      if (input.move === 'refuse' && !reason)
        throw new AccordError('VALIDATION_FAILED', 'Say why the request is refused', [
          { field: 'reason', message: 'Say why the request is refused (the person will be told)' },
        ]);
      const today = this.today();
      const pauses = JSON.parse(r.pauses) as Pause[];
      if (m.PAUSED.has(next)) pauses.push({ from: today, to: null });
      if (input.move === 'resume') pauses[pauses.length - 1]!.to = today;
      const verified =
        r.identity_verified === 1 ||
        (input.move === 'resume' &&
          status === 'awaiting-identity' &&
          input.identityVerified === true);
      const closed = m.CLOSED.has(next);
      await gate.tx.db
        .updateTable('subject_request')
        .set({
          status: next,
          pauses: JSON.stringify(pauses),
          identity_verified: verified ? 1 : 0,
          due_on: dueDate(
            { receivedOn: r.received_on, extensionMonths: r.extension_months, pauses },
            today,
          ),
          outcome: closed ? reason || null : r.outcome,
          updated_at: this.ctx.clock().toISOString(),
          closed_at: closed ? this.ctx.clock().toISOString() : null,
        })
        .where('request_id', '=', id)
        .execute();
      const note = `${m.MOVE_LABELS[input.move]}${reason ? `: ${reason}` : ''}`;
      await this.event(gate, id, input.move, note, {
        from: status,
        to: next,
        identityVerified: verified,
      });
      gate.record(`rights.request.${input.move}`, ref(id), {
        from: status,
        to: next,
        reason: reason || null,
      });
      return this.load(gate, id);
    });
  }

  async extend(actor: Actor, id: string, months: number, reason: string): Promise<SubjectRequest> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.row(gate.tx, id);
      gate.require('rights.manage', { orgId: row?.org_id ?? '', ref: ref(id) });
      const r = row!;
      if (r.closed_at) throw new AccordError('CONFLICT', 'The request is closed.');
      const total = r.extension_months + months;
      const problems: Problem[] = [];
      if (!Number.isInteger(months) || months < 1 || total > MAX_EXTENSION_MONTHS)
        problems.push({
          field: 'months',
          message: `A request can be extended by at most ${MAX_EXTENSION_MONTHS} further months in all (${r.extension_months} used)`,
        });
      if (!reason?.trim())
        problems.push({
          field: 'reason',
          message: 'Say why the request needs longer (complex or numerous requests)',
        });
      assertNoProblems(problems, 'The deadline cannot be extended.');
      const pauses = JSON.parse(r.pauses) as Pause[];
      const dueOn = dueDate(
        { receivedOn: r.received_on, extensionMonths: total, pauses },
        this.today(),
      );
      await gate.tx.db
        .updateTable('subject_request')
        .set({
          extension_months: total,
          extension_reason: [r.extension_reason, reason.trim()].filter(Boolean).join('; '),
          due_on: dueOn,
          updated_at: this.ctx.clock().toISOString(),
        })
        .where('request_id', '=', id)
        .execute();
      await this.event(
        gate,
        id,
        'extended',
        `Extended by ${months} month${months === 1 ? '' : 's'}: ${reason.trim()}`,
        { months, total, dueOn },
      );
      gate.record('rights.request.extended', ref(id), {
        months,
        total,
        dueOn,
        reason: reason.trim(),
      });
      return this.load(gate, id);
    });
  }
}
