// The subject-access bundle: for a verified subject, every record about them across the
// organisation's assets (through the identifier index), each opened through the choke point for
// the purpose "subject access", with its source, lawful basis, purposes, retention, recipients
// and who accessed it, when and why (from the audit log). Producing it is itself audited.
import { AccordError } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { AuditEntry } from '../audit/audit.types.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { basisLabel } from '../records/lawful-bases.ts';
import type { RecordsService } from '../records/records.service.ts';
import { applyRedactions } from './bundle.model.ts';
import type { Bundle, BundleRecord } from './bundle.model.ts';
import type { RequestsService } from './requests.service.ts';
import type { Redaction } from './subjects.ts';

export const SAR_PURPOSE = 'subject access';
const ACCESS_LIMIT = 500;

/** What the bundle needs from other modules. */
export interface BundleWorld {
  orgName(ex: Executor, orgId: string): Promise<string | undefined>;
  names(ex: Executor, orgId: string): Promise<Map<string, string>>;
  importOf(
    ex: Executor,
    importId: string,
  ): Promise<{ fileName: string; purpose: string; startedAt: string } | undefined>;
}

export class BundleService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly requests: RequestsService,
    private readonly records: RecordsService,
    private readonly world: BundleWorld,
  ) {}

  private async open(gate: Gate, requestId: string) {
    const row = await this.requests.row(gate.tx, requestId);
    gate.require('rights.manage', { orgId: row?.org_id ?? '', ref: `request:${requestId}` });
    const r = row!;
    if (r.kind !== 'access')
      throw new AccordError('CONFLICT', 'This is not a subject access request.');
    if (!r.identity_verified)
      throw new AccordError(
        'CONFLICT',
        'Confirm the person’s identity before producing their bundle.',
      );
    return r;
  }

  async produce(actor: Actor, requestId: string): Promise<Bundle> {
    return withAccess(this.ctx, actor, async (gate) => {
      const r = await this.open(gate, requestId);
      const details = await this.requests.details(gate.tx, r);
      const subjects = await this.requests.rematch(gate, r);
      gate.require(
        'records.read',
        { orgId: r.org_id, ref: `request:${requestId}` },
        { purpose: SAR_PURPOSE },
      );
      const rows = subjects.length
        ? await gate.tx.db
            .selectFrom('record')
            .innerJoin('information_asset', 'information_asset.asset_id', 'record.asset_id')
            .innerJoin('record_type', 'record_type.type_id', 'record.type_id')
            .selectAll('record')
            .select([
              'information_asset.name as asset_name',
              'information_asset.lawful_basis',
              'information_asset.special_condition',
              'information_asset.retention_period',
              'information_asset.retention_from',
              'information_asset.retention_action',
              'record_type.key as type_key',
            ])
            .where('record.org_id', '=', r.org_id)
            .where('record.subject_id', 'in', subjects)
            .where('record.status', '=', 'active')
            .orderBy('record.created_at')
            .execute()
        : [];
      const names = await this.world.names(gate.tx, r.org_id);
      const orgNames = new Map<string, string>();
      const orgName = async (id: string) => {
        if (!orgNames.has(id)) orgNames.set(id, (await this.world.orgName(gate.tx, id)) ?? id);
        return orgNames.get(id)!;
      };
      const out: BundleRecord[] = [];
      for (const row of rows) {
        // Accesses first: the reads this bundle makes are recorded after, for the next one.
        const entries = await this.ctx.audit.list(
          { orgId: r.org_id, target: `record:${row.record_id}`, limit: ACCESS_LIMIT },
          gate.tx,
        );
        const payload = await this.records.decrypt(gate.tx, row);
        gate.record(
          'records.read',
          `record:${row.record_id}`,
          {
            asset: row.asset_id,
            subject: row.subject_id,
            via: 'subject-access',
            request: requestId,
          },
          'ok',
          SAR_PURPOSE,
        );
        const red = applyRedactions(row.record_id, payload, details.redactions);
        const source = await this.source(gate.tx, row.source, row.created_at);
        const purposes = new Set(entries.map((e) => e.purpose).filter((p): p is string => !!p));
        if (source.purpose) purposes.add(source.purpose);
        out.push({
          recordId: row.record_id,
          assetId: row.asset_id,
          assetName: row.asset_name,
          typeKey: row.type_key,
          version: row.version,
          payload: red.payload,
          redactedFields: red.fields,
          source: { ref: row.source, label: source.label },
          lawfulBasis: { code: row.lawful_basis, label: basisLabel(row.lawful_basis) },
          specialCondition: row.special_condition
            ? { code: row.special_condition, label: basisLabel(row.special_condition) }
            : null,
          purposes: [...purposes].sort(),
          retainUntil: row.retain_until,
          retentionRule: row.retention_period
            ? {
                period: row.retention_period,
                from: row.retention_from,
                action: row.retention_action,
              }
            : null,
          restricted: !!row.restricted_at,
          restrictionReason: row.restriction_reason ?? null,
          sentTo: await this.recipients(entries, orgName),
          accesses: entries.map((e) => ({
            at: e.at,
            by: e.actor,
            byName: actorName(e.actor, names),
            action: e.action,
            purpose: e.purpose,
            outcome: e.outcome,
          })),
          accessesTruncated: entries.length >= ACCESS_LIMIT,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        });
      }
      const producedAt = this.ctx.clock().toISOString();
      gate.record(
        'rights.bundle.produced',
        `request:${requestId}`,
        { records: out.length, subjects: subjects.length, redactions: details.redactions.length },
        'ok',
        SAR_PURPOSE,
      );
      await this.requests.event(
        gate,
        requestId,
        'bundle',
        `Bundle produced: ${out.length} record${out.length === 1 ? '' : 's'}, ${details.redactions.length} redaction${details.redactions.length === 1 ? '' : 's'}`,
        { records: out.length },
      );
      const summary = await this.requests.load(gate, requestId);
      return {
        requestId,
        reference: r.reference,
        organisation: await orgName(r.org_id),
        receivedOn: r.received_on,
        dueOn: summary.clock.dueOn,
        producedAt,
        producedBy: actor.name,
        subjectsMatched: subjects.length,
        records: out,
        redactions: details.redactions.length,
        method: [
          'Records were found through the identifier index with every identifier the person gave.',
          'Recipients are taken from transfer and exchange entries in the audit log for each record (Accord has no transfer register yet).',
          `Accesses are the audit log's entries for each record, newest first, up to ${ACCESS_LIMIT}.`,
        ],
      };
    });
  }

  /** Marks a passage of a record's free-text field to be withheld from the bundle. */
  async redact(
    actor: Actor,
    requestId: string,
    mark: { recordId: string; field: string; text: string; reason: string },
  ): Promise<Redaction[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      const r = await this.open(gate, requestId);
      const subjects = JSON.parse(r.subject_ids) as string[];
      const rec = await gate.tx.db
        .selectFrom('record')
        .selectAll()
        .where('record_id', '=', mark.recordId)
        .executeTakeFirst();
      if (!rec || rec.org_id !== r.org_id || !subjects.includes(rec.subject_id))
        throw new AccordError('NOT_FOUND', 'That record is not in this person’s bundle.');
      const payload = await this.records.decrypt(gate.tx, rec);
      gate.record(
        'records.read',
        `record:${rec.record_id}`,
        { via: 'subject-access-redaction', request: requestId },
        'ok',
        SAR_PURPOSE,
      );
      const v = payload[mark.field];
      const text = (mark.text ?? '').trim();
      if (typeof v !== 'string' || !text || !v.includes(text))
        throw new AccordError(
          'VALIDATION_FAILED',
          'The passage to withhold is not in that field.',
          [{ field: 'text', message: 'Copy the exact words to withhold from the field' }],
        );
      if (!mark.reason?.trim())
        throw new AccordError('VALIDATION_FAILED', 'Say why the passage is withheld', [
          { field: 'reason', message: 'Say why (e.g. it is about another person)' },
        ]);
      const details = await this.requests.details(gate.tx, r);
      details.redactions.push({
        recordId: rec.record_id,
        field: mark.field,
        text,
        reason: mark.reason.trim(),
        by: actor.ref,
        at: this.ctx.clock().toISOString(),
      });
      await this.requests.saveDetails(gate, r, details);
      gate.record('rights.bundle.redaction', `request:${requestId}`, {
        record: rec.record_id,
        field: mark.field,
        reason: mark.reason.trim(),
      });
      await this.requests.event(
        gate,
        requestId,
        'redaction',
        `A passage of ${mark.field} marked to be withheld: ${mark.reason.trim()}`,
        { recordId: rec.record_id, field: mark.field },
      );
      return details.redactions;
    });
  }

  private async source(
    ex: Executor,
    ref: string,
    at: string,
  ): Promise<{ label: string; purpose?: string }> {
    if (ref === 'manual') return { label: `Entered in Accord on ${at.slice(0, 10)}` };
    const [kind, id] = [ref.split(':')[0], ref.slice(ref.indexOf(':') + 1)];
    if (kind === 'import') {
      const job = await this.world.importOf(ex, id);
      return job
        ? {
            label: `Imported from ${job.fileName} on ${job.startedAt.slice(0, 10)}`,
            purpose: job.purpose,
          }
        : { label: `Imported (${id})` };
    }
    if (kind === 'transfer') return { label: `Received by transfer ${id}` };
    return { label: ref };
  }

  private async recipients(entries: AuditEntry[], orgName: (id: string) => Promise<string>) {
    const out = [];
    for (const e of entries) {
      if (
        !/^(transfer|exchange)\./.test(e.action) ||
        e.outcome === 'deny' ||
        e.outcome === 'refused'
      )
        continue;
      const d = e.details as {
        recipientOrgId?: string;
        to?: string;
        agreement?: { reference?: string } | string | null;
      };
      const org = d.recipientOrgId ?? d.to;
      if (!org) continue;
      const agreement =
        typeof d.agreement === 'string' ? d.agreement : (d.agreement?.reference ?? null);
      out.push({ at: e.at, organisation: await orgName(org), agreement, action: e.action });
    }
    return out;
  }
}

function actorName(ref: string, names: Map<string, string>): string {
  if (ref === 'node' || ref === 'cli') return 'Accord';
  if (ref.startsWith('person:')) return names.get(ref.slice(7)) ?? 'A former member of staff';
  if (ref.startsWith('token:')) return 'A system using an API token';
  return ref;
}
