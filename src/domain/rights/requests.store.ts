// Reading and writing one subject request: its row, its sealed details, its timeline. The
// request services build on it; callers have made the access decision.
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Gate } from '../policy/gate.ts';
import { toRequest } from './requests.view.ts';
import type { RequestEvent, SubjectRequest } from './requests.view.ts';
import type { SubjectRequestTable } from './rights.table.ts';
import { londonDate } from './statutory-clock.ts';
import { matchSubjects, openDetails, sealDetails } from './subjects.ts';
import type { RequestDetails } from './subjects.ts';

export class RequestStore {
  constructor(
    protected readonly ctx: DomainContext,
    protected readonly keys: KeyService,
    /** People's names by person id (the people module's look-up). */
    private readonly names: (ex: Executor, orgId: string) => Promise<Map<string, string>>,
  ) {}

  /** Today's date in the UK, on the context's clock. */
  today(): string {
    return londonDate(this.ctx.clock());
  }

  // For the other services of the module (bundle, erasure, restriction, rectification).

  async row(ex: Executor, id: string): Promise<SubjectRequestTable | undefined> {
    return ex.db
      .selectFrom('subject_request')
      .selectAll()
      .where('request_id', '=', id)
      .executeTakeFirst();
  }

  async details(ex: Executor, row: SubjectRequestTable): Promise<RequestDetails> {
    return openDetails(ex, this.keys, row);
  }

  async saveDetails(gate: Gate, row: SubjectRequestTable, d: RequestDetails): Promise<void> {
    const s = await sealDetails(gate.tx, this.keys, row.org_id, row.request_id, d);
    await gate.tx.db
      .updateTable('subject_request')
      .set({
        details: s.sealed,
        key_version: s.keyVersion,
        updated_at: this.ctx.clock().toISOString(),
      })
      .where('request_id', '=', row.request_id)
      .execute();
  }

  /** The subjects the request's identifiers match now (records may have arrived since it was logged). */
  async rematch(gate: Gate, row: SubjectRequestTable): Promise<string[]> {
    const d = await this.details(gate.tx, row);
    const subjects = await matchSubjects(gate.tx, this.keys, row.org_id, d.identifiers);
    await gate.tx.db
      .updateTable('subject_request')
      .set({ subject_ids: JSON.stringify(subjects) })
      .where('request_id', '=', row.request_id)
      .execute();
    return subjects;
  }

  async event(
    gate: Gate,
    requestId: string,
    kind: string,
    note: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    await gate.tx.db
      .insertInto('subject_request_event')
      .values({
        event_id: uuid7(),
        org_id: gate.actor.orgId,
        request_id: requestId,
        at: this.ctx.clock().toISOString(),
        by: gate.actor.ref,
        kind,
        note,
        data: JSON.stringify(data),
      })
      .execute();
  }

  /** A line on a request's timeline written by a partner (acknowledging a correction notice). */
  async partnerEvent(
    ex: Executor,
    orgId: string,
    requestId: string,
    by: string,
    kind: string,
    note: string,
  ): Promise<void> {
    await ex.db
      .insertInto('subject_request_event')
      .values({
        event_id: uuid7(),
        org_id: orgId,
        request_id: requestId,
        at: this.ctx.clock().toISOString(),
        by,
        kind,
        note,
        data: '{}',
      })
      .execute();
  }

  async load(gate: Gate, id: string): Promise<SubjectRequest> {
    const row = (await this.row(gate.tx, id))!;
    const events = await gate.tx.db
      .selectFrom('subject_request_event')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('at')
      .orderBy('event_id')
      .execute();
    const names = await this.names(gate.tx, row.org_id);
    const timeline: RequestEvent[] = events.map((e) => ({
      at: e.at,
      by: e.by,
      byName: names.get(e.by.replace(/^person:/, '')) ?? (e.by === 'node' ? 'Accord' : e.by),
      kind: e.kind,
      note: e.note,
      data: JSON.parse(e.data) as Record<string, unknown>,
    }));
    return toRequest(row, await this.details(gate.tx, row), timeline, this.today());
  }
}
