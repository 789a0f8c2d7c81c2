// Exporting an agreement as Cedar through the choke point: the versions are taken from the same
// compiled index the decision point uses (so the export says exactly what Accord decides), and
// the export is recorded in the audit log with a digest of the policy text.
import { createHash } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Gate } from '../policy/gate.ts';
import * as repo from './agreements.repository.ts';
import { visibleAgreement } from './agreements.view.ts';
import { exportCedar } from './cedar.ts';
import type { CedarExport, ExportedVersion } from './cedar.ts';
import type { SharingPolicy } from './sharing-policy.service.ts';
import { termsOf } from './versions.ts';

export interface AgreementCedar {
  agreementId: string;
  reference: string;
  versions: ExportedVersion[];
  cedar: CedarExport;
}

/**
 * The Cedar export of an agreement (by reference or id): every version that is proposed or
 * approved — together they decide, as in Accord — or just `version`.
 */
export async function agreementCedar(
  gate: Gate,
  sharing: SharingPolicy,
  refOrId: string,
  now: Date,
  version?: number,
): Promise<AgreementCedar> {
  const id = (await repo.agreementIdByReference(gate.tx, refOrId)) ?? refOrId;
  const a = await visibleAgreement(gate, id, now);
  const terms = new Map((await repo.versionsOf(gate.tx, id)).map((v) => [v.version, termsOf(v)]));
  const compiled = (await sharing.build(gate.tx)).versions
    .filter((v) => v.agreementId === id && (version === undefined || v.version === version))
    .sort((x, y) => x.version - y.version);
  if (compiled.length === 0)
    throw new AccordError(
      'NOT_FOUND',
      version === undefined
        ? `${a.reference} has no proposed or approved version: it allows nothing yet.`
        : `${a.reference} has no proposed or approved version ${version}.`,
    );
  const versions = compiled.map((c) => ({ compiled: c, terms: terms.get(c.version)! }));
  const cedar = exportCedar(versions);
  gate.record('agreements.export-cedar', `agreement:${id}`, {
    reference: a.reference,
    versions: versions.map((v) => v.compiled.version),
    policySha256: createHash('sha256').update(cedar.policy).digest('hex'),
  });
  return { agreementId: id, reference: a.reference, versions, cedar };
}
