// What information assets give the governance registers: an entry in the records of processing
// (Art. 30) per asset, generated from the asset register rather than typed twice; the share of
// assets with an owner and a classification; and whether the retention sweep has run lately.
import type { Governance } from '../governance/governance.ts';
import { ICO_ITEMS, LGA_ITEMS } from '../governance/dashboard.service.ts';
import { basisLabel } from './lawful-bases.ts';
import { periodWords } from './retention-date.ts';

const SWEEP_DAYS = 31;

export function registerAssetsInGovernance(g: Governance): void {
  g.ropa.register({
    id: 'assets',
    label: 'Information assets',
    async entries(ex, orgId) {
      const rows = await ex.db
        .selectFrom('information_asset')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('name')
        .execute();
      return rows.map((a) => ({
        id: a.asset_id,
        name: a.name,
        href: `/assets/${a.asset_id}`,
        role: 'Controller',
        purposes: [a.description || a.name],
        lawfulBasis: [a.lawful_basis, ...(a.special_condition ?? '').split(',')]
          .filter(Boolean)
          .map((b) => basisLabel(b.trim())),
        dataSubjects: [`People in ${a.type_key} records`],
        dataCategories: [a.type_key],
        recipients: [],
        transfers: [],
        retention: a.retention_period
          ? `${periodWords(a.retention_period)} from ${a.retention_from ?? 'creation'}, then ${a.retention_action}`
          : 'No retention rule yet',
        security: `${a.classification}; encrypted at rest, every access audited`,
      }));
    },
  });
  g.dashboard.register({
    id: 'assets-owned-classified',
    title: 'Information assets with an owner and a classification',
    unit: 'share',
    better: 'higher',
    checklist: [LGA_ITEMS.assets, ICO_ITEMS.security],
    href: '/assets',
    async compute({ ex, orgId }) {
      const rows = await ex.db
        .selectFrom('information_asset')
        .select(['asset_id', 'name', 'owner_person_id', 'classification'])
        .where('org_id', '=', orgId)
        .orderBy('name')
        .execute();
      const missing = rows.filter((a) => !a.owner_person_id || !a.classification);
      const share = rows.length ? (rows.length - missing.length) / rows.length : null;
      return {
        value: share,
        status: share === null ? 'attention' : missing.length ? 'bad' : 'good',
        summary: `${rows.length - missing.length} of ${rows.length} assets owned and classified.`,
        records: missing.map((a) => ({
          text: `${a.name}: no owner`,
          href: `/assets/${a.asset_id}`,
        })),
      };
    },
  });
  g.dashboard.register({
    id: 'retention-sweeps-run',
    title: `Retention sweeps run in the last ${SWEEP_DAYS} days`,
    unit: 'count',
    better: 'higher',
    checklist: [ICO_ITEMS.security],
    href: '/retention',
    async compute({ ex, orgId, now }) {
      const since = new Date(now.getTime() - SWEEP_DAYS * 86_400_000).toISOString();
      const sweeps = await ex.db
        .selectFrom('audit_entry')
        .select(['seq', 'at'])
        .where('org_id', '=', orgId)
        .where('action', '=', 'retention.certificate')
        .where('at', '>=', since)
        .orderBy('seq', 'desc')
        .limit(50)
        .execute();
      return {
        value: sweeps.length,
        status: sweeps.length ? 'good' : 'attention',
        summary: sweeps.length
          ? `${sweeps.length} destruction certificate${sweeps.length === 1 ? '' : 's'} written.`
          : 'No retention sweep has run lately.',
        records: sweeps.map((x) => ({
          text: `Destruction certificate, ${x.at.slice(0, 10)}`,
          href: `/audit?action=retention.certificate`,
        })),
      };
    },
  });
}
