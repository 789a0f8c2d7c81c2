// Records about people. Every read and write states a purpose, goes through the decision point
// and is recorded in the audit log with that purpose — one entry per record read, so a subject
// access request can say who looked at each record, when and why.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { AssetsService } from './assets.service.ts';
import { SCHEME_LABELS, lookupIdentifiers } from './identifiers.ts';
import { checkPayload } from './validate-record.ts';
import type { Scheme } from './identifiers.ts';
import type { RecordTypesService } from './record-types.service.ts';
import { RecordWriter } from './record-writer.ts';
import type { RecordTable } from './records.table.ts';
import { retainUntil } from './retention-date.ts';
import { open } from './sealing.ts';
import { findSubject } from './subject-match.ts';

export interface StoredRecord {
  id: string;
  assetId: string;
  assetName: string;
  typeId: string;
  typeKey: string;
  typeVersion: number;
  subjectId: string;
  version: number;
  payload: Record<string, unknown>;
  source: string;
  retainUntil: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface LookupResult {
  /** The subject matched, with what matched, or null when nobody matched. */
  subjectId: string | null;
  basis: Scheme | null;
  basisLabel: string | null;
  records: StoredRecord[];
}

/** A purpose must be stated for every access to personal data. */
export function purposeProblems(purpose: unknown): Problem[] {
  if (typeof purpose !== 'string' || !purpose.trim())
    return [
      {
        field: 'purpose',
        message: 'Say why you need the records: every access to personal data states its purpose',
      },
    ];
  if (purpose.length > 200)
    return [{ field: 'purpose', message: 'Keep the purpose under 200 characters' }];
  return [];
}

export class RecordsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly keys: KeyService,
    private readonly types: RecordTypesService,
    private readonly assets: AssetsService,
  ) {}

  /** Validates a payload against its asset's record type; the problems name each field. */
  async check(ex: Executor, orgId: string, assetId: string, payload: unknown) {
    const asset = await this.assets.row(ex, assetId);
    if (!asset || asset.org_id !== orgId) throw new AccordError('NOT_FOUND');
    const typeRow = (await this.types.latest(ex, orgId, asset.type_key))!;
    const type = this.types.toType(typeRow);
    return { asset, typeRow, type, ...checkPayload(type, this.types.validator(typeRow), payload) };
  }

  async create(
    actor: Actor,
    assetId: string,
    payload: unknown,
    purpose: string,
  ): Promise<{ recordId: string; subjectId: string; matched: boolean }> {
    return withAccess(this.ctx, actor, async (gate) => {
      const asset = await this.assets.row(gate.tx, assetId);
      gate.require(
        'records.write',
        { orgId: asset?.org_id ?? '', ref: `asset:${assetId}` },
        { purpose },
      );
      assertNoProblems(purposeProblems(purpose));
      const c = await this.check(gate.tx, actor.orgId, assetId, payload);
      assertNoProblems(c.problems, 'The record is not valid.');
      const writer = new RecordWriter(
        gate.tx,
        this.keys,
        { orgId: actor.orgId, assetId, typeId: c.typeRow.type_id, source: 'manual', by: actor.ref },
        this.ctx.clock,
      );
      const p = payload as Record<string, unknown>;
      const [w] = await writer.write([
        {
          payload: p,
          ids: c.ids,
          retainUntil: retainUntil(p, c.asset.retention_period, c.asset.retention_from),
        },
      ]);
      gate.record(
        'records.created',
        `record:${w!.recordId}`,
        { asset: assetId, subject: w!.subjectId, matched: w!.matched },
        'ok',
        purpose,
      );
      return w!;
    });
  }

  /** Opens a sealed payload; callers have made and recorded the access decision. */
  async decrypt(ex: Executor, row: RecordTable): Promise<Record<string, unknown>> {
    const key = await this.keys.dataKeyVersion(ex, row.org_id, row.key_version);
    return JSON.parse(
      open(key, row.payload, `${row.org_id}|${row.record_id}|${row.version}`),
    ) as Record<string, unknown>;
  }

  /** Opens records for a checked actor, one audit entry each. */
  private async reveal(
    gate: Gate,
    rows: RecordTable[],
    purpose: string,
    why: Record<string, unknown>,
  ): Promise<StoredRecord[]> {
    const assets = new Map<string, string>();
    const types = new Map<string, { key: string; version: number }>();
    const out: StoredRecord[] = [];
    for (const r of rows) {
      if (!assets.has(r.asset_id))
        assets.set(r.asset_id, (await this.assets.row(gate.tx, r.asset_id))?.name ?? '');
      if (!types.has(r.type_id)) {
        const t = await this.types.byId(gate.tx, r.type_id);
        types.set(r.type_id, { key: t?.key ?? '', version: t?.version ?? 0 });
      }
      const t = types.get(r.type_id)!;
      out.push({
        id: r.record_id,
        assetId: r.asset_id,
        assetName: assets.get(r.asset_id)!,
        typeId: r.type_id,
        typeKey: t.key,
        typeVersion: t.version,
        subjectId: r.subject_id,
        version: r.version,
        payload: await this.decrypt(gate.tx, r),
        source: r.source,
        retainUntil: r.retain_until,
        status: r.status,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
      gate.record(
        'records.read',
        `record:${r.record_id}`,
        { asset: r.asset_id, subject: r.subject_id, ...why },
        'ok',
        purpose,
      );
    }
    return out;
  }

  async get(actor: Actor, recordId: string, purpose: string): Promise<StoredRecord> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await gate.tx.db
        .selectFrom('record')
        .selectAll()
        .where('record_id', '=', recordId)
        .executeTakeFirst();
      gate.require(
        'records.read',
        { orgId: row?.org_id ?? '', ref: `record:${recordId}` },
        { purpose },
      );
      assertNoProblems(purposeProblems(purpose));
      const [r] = await this.reveal(gate, [row!], purpose, { via: 'record' });
      return r!;
    });
  }

  /** Finds the subject matching the identifiers given and returns their records, with the match basis. */
  async lookup(
    actor: Actor,
    query: Record<string, string | undefined>,
    purpose: string,
  ): Promise<LookupResult> {
    return withAccess(this.ctx, actor, async (gate) => {
      const { ids, problems } = lookupIdentifiers(query);
      gate.require(
        'records.read',
        { orgId: actor.orgId, ref: 'lookup' },
        { purpose, details: { schemes: ids.map((i) => i.scheme) } },
      );
      assertNoProblems([...purposeProblems(purpose), ...problems]);
      const found = await findSubject(
        gate.tx,
        actor.orgId,
        await this.keys.indexKey(gate.tx, actor.orgId),
        ids,
      );
      // Identifiers of different people: nobody is shown, so nobody is taken for someone else.
      if (found && 'disagree' in found)
        gate.refuse(
          new AccordError(
            'IDENTIFIERS_DISAGREE',
            `Those identifiers belong to different people here (${found.disagree.map((s) => SCHEME_LABELS[s]).join('; ')}): check them and look up again.`,
          ),
          'records.lookup.disagree',
          'lookup',
          { schemes: found.disagree },
          purpose,
        );
      if (found && 'subjectId' in found) {
        const rows = await gate.tx.db
          .selectFrom('record')
          .selectAll()
          .where('org_id', '=', actor.orgId)
          .where('subject_id', '=', found.subjectId)
          .where('status', '=', 'active')
          // Restricted records (Art. 18) are kept but not served to look-ups.
          .where('restricted_at', 'is', null)
          .orderBy('created_at')
          .execute();
        const records = await this.reveal(gate, rows, purpose, {
          via: 'lookup',
          basis: found.basis,
        });
        return {
          subjectId: found.subjectId,
          basis: found.basis,
          basisLabel: SCHEME_LABELS[found.basis],
          records,
        };
      }
      gate.record(
        'records.lookup.no-match',
        'lookup',
        { schemes: ids.map((s) => s.scheme) },
        'ok',
        purpose,
      );
      return { subjectId: null, basis: null, basisLabel: null, records: [] };
    });
  }
}
