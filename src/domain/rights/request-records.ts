// The records a request acts on: the open, verified request of the right kind, rematched to the
// subjects its identifiers find now, with every record about them across the organisation's
// assets (and each asset's name, lawful basis and retention rule, for erasure's reasons).
import { AccordError } from '../../errors.ts';
import type { Gate } from '../policy/gate.ts';
import type { RequestKind } from './requests.model.ts';
import type { RequestsService } from './requests.service.ts';

/** A record as the rectification form offers it. */
export interface CorrectableRecord {
  recordId: string;
  assetName: string;
  version: number;
  payload: Record<string, unknown>;
}

export async function requestRecords(
  gate: Gate,
  requests: RequestsService,
  requestId: string,
  kinds: RequestKind[],
) {
  const row = await requests.row(gate.tx, requestId);
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
  const subjects = await requests.rematch(gate, r);
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
