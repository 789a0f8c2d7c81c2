// What agreements give the governance registers: the records of processing (Art. 30) list every
// agreement in force the organisation is party to, generated from its terms rather than typed
// twice, and the compliance dashboard counts agreements past their review date.
import type { Executor } from '../../store/store.ts';
import type { Governance } from '../governance/governance.ts';
import { ICO_ITEMS } from '../governance/dashboard.service.ts';
import { basisLabel } from '../records/lawful-bases.ts';
import { periodWords } from '../records/retention-date.ts';
import * as repo from './agreements.repository.ts';
import { loadAgreement } from './agreements.view.ts';
import type { Agreement } from './agreements.view.ts';

/** "dateOfBirth" → "date of birth", for registers people read. */
const words = (field: string): string => field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

async function inForce(ex: Executor, orgId: string, now: Date): Promise<Agreement[]> {
  const out: Agreement[] = [];
  for (const id of await repo.agreementIdsFor(ex, orgId)) {
    const a = await loadAgreement(ex, id, now);
    if (a?.inForce) out.push(a);
  }
  return out.sort((x, y) => x.reference.localeCompare(y.reference));
}

export function registerAgreementsInGovernance(g: Governance, clock: () => Date): void {
  g.ropa.register({
    id: 'agreements',
    label: 'Data-sharing agreements',
    async entries(ex, orgId) {
      return (await inForce(ex, orgId, clock())).map((a) => {
        const t = a.inForce!.terms;
        const own = t.parties.find((p) => p.orgId === orgId);
        const others = t.parties.filter((p) => p.orgId !== orgId).map((p) => p.orgName);
        return {
          id: a.id,
          name: `${a.reference}: ${a.title}`,
          href: `/agreements/${a.id}`,
          role: t.parties.length > 2 ? 'Controller (one of several parties)' : 'Controller',
          purposes: t.purposes.map((p) => p.label),
          lawfulBasis: own
            ? [basisLabel(own.lawfulBasis), ...(own.specialCondition ?? '').split(',')]
                .filter(Boolean)
                .map((b) => basisLabel(b))
            : [],
          dataSubjects: [...new Set(t.flows.map((f) => `People in ${f.recordType} records`))],
          dataCategories: [...new Set(t.flows.flatMap((f) => f.fields.map(words)))],
          recipients: others,
          transfers: [],
          retention: `${periodWords(t.retentionAtRecipient)} at the recipient`,
          security: 'Shared only through Accord: decided per request, sealed, audited',
        };
      });
    },
  });
  g.dashboard.register({
    id: 'agreements-past-review',
    title: 'Data-sharing agreements past their review date',
    unit: 'count',
    better: 'lower',
    checklist: [ICO_ITEMS.contracts],
    href: '/agreements',
    async compute({ ex, orgId, now }) {
      const due = (await inForce(ex, orgId, now)).filter((a) => a.reviewDue);
      return {
        value: due.length,
        status: due.length ? 'bad' : 'good',
        summary: `${due.length} agreement${due.length === 1 ? '' : 's'} in force past review.`,
        records: due.map((a) => ({
          text: `${a.reference}: review was due ${a.inForce!.terms.reviewDate}`,
          href: `/agreements/${a.id}`,
        })),
      };
    },
  });
}
