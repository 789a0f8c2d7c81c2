// Checking a draft's terms against the world as it is now: the fields each flow and check names
// exist in their record types, every party on this node has a DPO and a SIRO to sign, and the
// purposes are known. The builder's check-answers page and proposing both use it.
import type { Gate } from '../policy/gate.ts';
import type { FieldInfo } from '../records/annotations.ts';
import type { HostOf } from './agreements.federated.ts';
import type { AgreementWorld } from './agreements.world.ts';
import { termsProblems } from './model.ts';
import type { AgreementTerms } from './model.ts';
import { withSpecialFields } from './screening.ts';

export async function checkTerms(
  world: AgreementWorld,
  hostOf: HostOf,
  gate: Gate,
  t: AgreementTerms,
  today: string,
): Promise<{ problems: ReturnType<typeof termsProblems>; terms: AgreementTerms }> {
  const fields = new Map<string, FieldInfo[] | undefined>();
  for (const [org, type] of [
    ...t.flows.map((x) => [x.from, x.recordType]),
    ...t.checks.map((x) => [x.from, x.recordType]),
  ] as [string, string][])
    fields.set(`${org}|${type}`, await world.fieldsOf(gate.tx, org, type));
  const missing = new Map<string, ('dpo' | 'siro')[]>();
  for (const p of t.parties) {
    const gaps: ('dpo' | 'siro')[] = [];
    // A party on a partner node: its own node knows its DPO and SIRO, and they sign there.
    if (await hostOf(gate.tx, p.orgId)) {
      missing.set(p.orgId, gaps);
      continue;
    }
    for (const role of ['dpo', 'siro'] as const)
      if ((await world.holdersOf(gate.tx, p.orgId, role)) === 0) gaps.push(role);
    missing.set(p.orgId, gaps);
  }
  const purposes = await world.purposeKeys(gate.tx, gate.actor.orgId);
  const fieldsOf = (o: string, r: string): FieldInfo[] | undefined => fields.get(`${o}|${r}`);
  return {
    problems: termsProblems(t, {
      fieldsOf,
      missingSignatories: (o) => missing.get(o) ?? [],
      knownPurpose: (k) => purposes.has(k),
      today,
    }),
    terms: withSpecialFields(t, fieldsOf),
  };
}
