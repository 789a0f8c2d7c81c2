// The sharing policy, compiled: each agreement version becomes a small structure of sets and
// instants, indexed by (provider, recipient), so deciding (decide-share.ts) is a pure function
// with no database round trip.
import type { AgreementTerms, Operation } from './model.ts';
import { instantOf } from './model.ts';

export interface CompiledVersion {
  agreementId: string;
  versionId: string;
  reference: string;
  version: number;
  parties: Set<string>;
  /** Approved by every party's DPO and SIRO. */
  approved: boolean;
  waitingFor: string[];
  startsAt: number;
  endsAt: number;
  suspendedAt: number | null;
  terminatedAt: number | null;
  /** When a later version of the same agreement came into force (this one then stops). */
  supersededAt: number | null;
  purposes: Map<string, string>;
  operations: Set<Operation>;
  /** provider|recipient|recordType → the fields that may flow. */
  flows: Map<string, Set<string>>;
  /** The special-category or criminal-offence fields among them (same keys). */
  special: Map<string, Set<string>>;
  checks: Map<
    string,
    {
      from: string;
      recordType: string;
      field: string;
      question: string;
      yesWhen: Set<string>;
      special: boolean;
    }
  >;
  underAge: { age: number; field: string } | null;
  caldicott: Set<string> | null;
  budgets: { lookupsPerDay: number | null; checksPerDay: number | null };
  retentionAtRecipient: string;
}

export interface VersionRow {
  agreementId: string;
  versionId: string;
  reference: string;
  version: number;
  status: string;
  terms: AgreementTerms;
  approvedAt: string | null;
  suspendedAt: string | null;
  terminatedAt: string | null;
  waitingFor: string[];
}

export function compileVersion(row: VersionRow): CompiledVersion {
  const t = row.terms;
  const flows = new Map<string, Set<string>>();
  const special = new Map<string, Set<string>>();
  for (const f of t.flows) {
    flows.set(`${f.from}|${f.to}|${f.recordType}`, new Set(f.fields));
    special.set(`${f.from}|${f.to}|${f.recordType}`, new Set(f.special ?? []));
  }
  const under = t.conditions.find((c) => c.kind === 'subject-under-age');
  const cg = t.conditions.find((c) => c.kind === 'caldicott-approval');
  return {
    agreementId: row.agreementId,
    versionId: row.versionId,
    reference: row.reference,
    version: row.version,
    parties: new Set(t.parties.map((p) => p.orgId)),
    approved: row.status === 'approved',
    waitingFor: row.waitingFor,
    startsAt: Date.parse(instantOf(t.startDate)),
    endsAt: Date.parse(instantOf(t.endDate)),
    suspendedAt: row.suspendedAt ? Date.parse(row.suspendedAt) : null,
    terminatedAt: row.terminatedAt ? Date.parse(row.terminatedAt) : null,
    supersededAt: null,
    purposes: new Map(t.purposes.map((p) => [p.key, p.label])),
    operations: new Set(t.operations),
    flows,
    special,
    checks: new Map(
      t.checks.map((c) => [
        c.key,
        {
          from: c.from,
          recordType: c.recordType,
          field: c.field,
          question: c.question,
          yesWhen: new Set(c.yesWhen.map(String)),
          special: c.special === true,
        },
      ]),
    ),
    underAge:
      under?.kind === 'subject-under-age'
        ? { age: under.age, field: under.dateOfBirthField }
        : null,
    caldicott: cg?.kind === 'caldicott-approval' ? new Set(cg.personIds) : null,
    budgets: t.budgets,
    retentionAtRecipient: t.retentionAtRecipient,
  };
}

/** Later versions supersede earlier ones from the instant they come into force. */
export function linkVersions(versions: CompiledVersion[]): void {
  const byAgreement = new Map<string, CompiledVersion[]>();
  for (const v of versions)
    byAgreement.set(v.agreementId, [...(byAgreement.get(v.agreementId) ?? []), v]);
  for (const list of byAgreement.values()) {
    list.sort((a, b) => a.version - b.version);
    for (let i = 0; i < list.length; i++) {
      const later = list.slice(i + 1).filter((v) => v.approved);
      const first = later.length ? Math.min(...later.map((v) => v.startsAt)) : null;
      list[i]!.supersededAt = first;
    }
  }
}

export class PolicyIndex {
  private readonly byPair = new Map<string, CompiledVersion[]>();
  constructor(readonly versions: CompiledVersion[]) {
    linkVersions(versions);
    for (const v of versions) {
      for (const a of v.parties)
        for (const b of v.parties)
          if (a !== b) this.byPair.set(`${a}|${b}`, [...(this.byPair.get(`${a}|${b}`) ?? []), v]);
    }
    for (const list of this.byPair.values()) list.sort((x, y) => y.version - x.version);
  }
  between(provider: string, recipient: string): CompiledVersion[] {
    return this.byPair.get(`${provider}|${recipient}`) ?? [];
  }
}
