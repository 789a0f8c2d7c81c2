// Acting on a request across every asset of the organisation: erasure (refused, record by record,
// with the reason, where a legal hold or a retention rule requires keeping it), restriction (the
// record stays, flagged, and sharing and look-ups leave it out) and rectification (a new version;
// the old one is kept sealed for the audit trail and never served).
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { hashInput } from '../records/identifiers.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { RecordTable } from '../records/records.table.ts';
import { retainUntil } from '../records/retention-date.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers, sealBatch } from '../records/sealing.ts';
import type { HoldsService } from './holds.service.ts';
import { destroyRecords, retentionKeeps, setRestriction } from './record-ops.ts';
import type { RequestKind } from './requests.model.ts';
import type { RequestsService } from './requests.service.ts';

export interface RecordOutcome {
  recordId: string;
  assetName: string;
  outcome: 'erased' | 'kept' | 'restricted' | 'unrestricted' | 'corrected';
  /** Why it was kept (a legal hold, a retention rule). */
  reason: string | null;
}

export class RightsActions {
  constructor(
    private readonly ctx: DomainContext,
    private readonly requests: RequestsService,
    private readonly holds: HoldsService,
    private readonly keys: KeyService,
    private readonly records: RecordsService,
  ) {}

  /** The open, verified request of the right kind, with the records about its subjects. */
  private async prepare(gate: Gate, requestId: string, kinds: RequestKind[]) {
    const row = await this.requests.row(gate.tx, requestId);
    gate.require('rights.manage', { orgId: row?.org_id ?? '', ref: `request:${requestId}` });
    const r = row!;
    if (!kinds.includes(r.kind as RequestKind))
      throw new AccordError('CONFLICT', `This is not a ${kinds.join(' or ')} request.`);
    if (r.closed_at) throw new AccordError('CONFLICT', 'The request is closed.');
    if (!r.identity_verified)
      throw new AccordError(
        'CONFLICT',
        'Confirm the person’s identity before acting on the request.',
      );
    const subjects = await this.requests.rematch(gate, r);
    const rows = subjects.length
      ? await gate.tx.db
          .selectFrom('record')
          .innerJoin('information_asset', 'information_asset.asset_id', 'record.asset_id')
          .selectAll('record')
          .select([
            'information_asset.name as asset_name',
            'information_asset.lawful_basis as lawful_basis',
            'information_asset.retention_period as retention_period',
          ])
          .where('record.org_id', '=', r.org_id)
          .where('record.subject_id', 'in', subjects)
          .orderBy('record.created_at')
          .execute()
      : [];
    return { request: r, rows };
  }

  async erase(actor: Actor, requestId: string): Promise<RecordOutcome[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      const { request, rows } = await this.prepare(gate, requestId, ['erasure']);
      const held = await this.holds.held(gate.tx, request.org_id);
      const today = this.requests.today();
      const out: RecordOutcome[] = [];
      const gone: RecordTable[] = [];
      for (const row of rows) {
        const hold = held.reason(row);
        const keep = hold
          ? `it is under a legal hold: ${hold}`
          : retentionKeeps(
              {
                name: row.asset_name,
                lawful_basis: row.lawful_basis,
                retention_period: row.retention_period,
              },
              row.retain_until,
              today,
            );
        if (keep) {
          out.push({
            recordId: row.record_id,
            assetName: row.asset_name,
            outcome: 'kept',
            reason: keep,
          });
          gate.record(
            'rights.erasure.refused',
            `record:${row.record_id}`,
            { request: requestId, reason: keep },
            'refused',
          );
        } else {
          out.push({
            recordId: row.record_id,
            assetName: row.asset_name,
            outcome: 'erased',
            reason: null,
          });
          gone.push(row);
          gate.record('rights.erasure.erased', `record:${row.record_id}`, {
            request: requestId,
            asset: row.asset_id,
          });
        }
      }
      await destroyRecords(
        gate.tx,
        request.org_id,
        gone.map((r) => r.record_id),
        gone.map((r) => r.subject_id),
      );
      const kept = out.filter((o) => o.outcome === 'kept');
      await this.requests.event(
        gate,
        requestId,
        'erasure',
        `${gone.length} record${gone.length === 1 ? '' : 's'} erased; ${kept.length} kept`,
        { outcomes: out },
      );
      return out;
    });
  }

  async restrict(
    actor: Actor,
    requestId: string,
    reason: string,
    lift = false,
  ): Promise<RecordOutcome[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      const { request, rows } = await this.prepare(gate, requestId, [
        'restriction',
        'objection',
        'rectification',
      ]);
      if (!lift && !reason?.trim())
        throw new AccordError('VALIDATION_FAILED', 'Say why processing is restricted', [
          {
            field: 'reason',
            message: 'Say why processing is restricted (e.g. accuracy contested)',
          },
        ]);
      const at = this.ctx.clock().toISOString();
      await setRestriction(
        gate.tx,
        request.org_id,
        rows.map((r) => r.record_id),
        lift ? null : { at, reason: reason.trim() },
      );
      const outcome = lift ? 'unrestricted' : 'restricted';
      for (const r of rows)
        gate.record(`rights.${outcome}`, `record:${r.record_id}`, {
          request: requestId,
          reason: reason?.trim() || null,
        });
      await this.requests.event(
        gate,
        requestId,
        outcome,
        `${rows.length} record${rows.length === 1 ? '' : 's'} ${outcome}${reason?.trim() ? `: ${reason.trim()}` : ''}`,
        { records: rows.map((r) => r.record_id) },
      );
      return rows.map((r) => ({
        recordId: r.record_id,
        assetName: r.asset_name,
        outcome,
        reason: null,
      }));
    });
  }

  /**
   * Corrects one record: the changed fields are checked against the record type, the current
   * version is kept (still sealed, as it was) and a new version written; new identifiers join the
   * index pointing at the same subject.
   */
  async rectify(
    actor: Actor,
    requestId: string,
    recordId: string,
    changes: Record<string, unknown>,
    reason: string,
  ): Promise<RecordOutcome> {
    return withAccess(this.ctx, actor, async (gate) => {
      const { request, rows } = await this.prepare(gate, requestId, ['rectification']);
      const row = rows.find((r) => r.record_id === recordId);
      if (!row) throw new AccordError('NOT_FOUND', 'That record is not about this person.');
      const problems = [];
      if (!reason?.trim())
        problems.push({ field: 'reason', message: 'Say what was wrong and how it was shown' });
      if (!changes || Object.keys(changes).length === 0)
        problems.push({ field: 'changes', message: 'Give at least one corrected field' });
      assertNoProblems(problems, 'The correction cannot be made.');
      const current = await this.openRecord(gate, row);
      const next = { ...current, ...changes };
      const c = await this.records.check(gate.tx, request.org_id, row.asset_id, next);
      assertNoProblems(c.problems, 'The corrected record is not valid.');
      const version = row.version + 1;
      const k = await this.keys.dataKey(gate.tx, request.org_id);
      const [sealed] = sealBatch(k.key, k.version, [
        { aad: `${request.org_id}|${recordId}|${version}`, plaintext: JSON.stringify(next) },
      ]);
      const at = this.ctx.clock().toISOString();
      await gate.tx.db
        .insertInto('record_version')
        .values({
          record_id: recordId,
          version: row.version,
          org_id: request.org_id,
          payload: row.payload,
          key_version: row.key_version,
          superseded_at: at,
          superseded_by: actor.ref,
          reason: reason.trim(),
        })
        .execute();
      await gate.tx.db
        .updateTable('record')
        .set({
          version,
          payload: sealed!,
          key_version: k.version,
          retain_until: retainUntil(next, c.asset.retention_period, c.asset.retention_from),
          updated_at: at,
        })
        .where('record_id', '=', recordId)
        .execute();
      const hashes = hashIdentifiers(
        await this.keys.indexKey(gate.tx, request.org_id),
        c.ids.map(hashInput),
      );
      for (let i = 0; i < c.ids.length; i++)
        await gate.tx.db
          .insertInto('record_identifier')
          .values({
            org_id: request.org_id,
            hash: hashes.subarray(i * IDENTIFIER_HASH_BYTES, (i + 1) * IDENTIFIER_HASH_BYTES),
            subject_id: row.subject_id,
          })
          .onConflict((oc) => oc.column('hash').doNothing())
          .execute();
      const fields = Object.keys(changes).sort();
      gate.record('rights.rectified', `record:${recordId}`, {
        request: requestId,
        fields,
        from: row.version,
        to: version,
        reason: reason.trim(),
      });
      await this.requests.event(
        gate,
        requestId,
        'rectified',
        `Corrected ${fields.join(', ')} in a record of ${row.asset_name} (version ${version}): ${reason.trim()}`,
        { recordId, fields, version },
      );
      return { recordId, assetName: row.asset_name, outcome: 'corrected', reason: null };
    });
  }

  /** Opens a record for the request, recorded as a read for subject access like any other. */
  private async openRecord(gate: Gate, row: RecordTable): Promise<Record<string, unknown>> {
    gate.record(
      'records.read',
      `record:${row.record_id}`,
      { asset: row.asset_id, subject: row.subject_id, via: 'subject-request' },
      'ok',
      'subject access',
    );
    return this.records.decrypt(gate.tx, row);
  }
}
