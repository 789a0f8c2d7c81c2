// The indicators whose data exists now. Others (assets owned and classified, agreements past
// review, SARs answered in time, retention sweeps run) are registered by their modules.
import type { CharterService } from './charter.service.ts';
import { addDays } from './common.ts';
import { ICO_ITEMS, LGA_ITEMS } from './dashboard.service.ts';
import type { DashboardService, IndicatorStatus } from './dashboard.service.ts';
import type { DpiaService } from './dpia.service.ts';
import type { OrgFacts } from './facts.ts';
import type { IncidentService } from './incident.service.ts';
import type { RiskService } from './risk.service.ts';
import type { VendorService } from './vendor.service.ts';

export interface IndicatorSources {
  facts: OrgFacts;
  dpias: DpiaService;
  risks: RiskService;
  incidents: IncidentService;
  vendors: VendorService;
  charter: CharterService;
}

const zeroIsGood = (n: number): IndicatorStatus => (n === 0 ? 'good' : 'bad');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function registerBuiltInIndicators(d: DashboardService, s: IndicatorSources): void {
  d.register({
    id: 'siro-dpo-appointed',
    title: 'SIRO and DPO appointed',
    unit: 'share',
    better: 'higher',
    checklist: [LGA_ITEMS.siro, ICO_ITEMS.leadership],
    href: '/roles',
    async compute({ orgId }) {
      const h = await s.facts.holders(orgId, ['siro', 'dpo']);
      const siro = h.get('siro') ?? [];
      const dpo = h.get('dpo') ?? [];
      const missing = [siro.length ? '' : 'SIRO', dpo.length ? '' : 'DPO'].filter(Boolean);
      return {
        value: ((siro.length ? 1 : 0) + (dpo.length ? 1 : 0)) / 2,
        status: missing.length ? 'bad' : 'good',
        summary: missing.length
          ? `No one holds the ${missing.join(' or the ')} role now.`
          : 'Both roles are held now.',
        records: [
          ...siro.map((p) => ({ text: `SIRO: ${p.name}`, href: '/roles?role=siro' })),
          ...dpo.map((p) => ({ text: `DPO: ${p.name}`, href: '/roles?role=dpo' })),
        ],
      };
    },
  });

  d.register({
    id: 'training-current',
    title: 'People with current mandatory training',
    unit: 'share',
    better: 'higher',
    checklist: [LGA_ITEMS.training, ICO_ITEMS.training],
    href: '/training',
    async compute({ orgId }) {
      const people = await s.facts.training(orgId);
      const current = people.filter((p) => p.current).length;
      const share = people.length ? current / people.length : null;
      return {
        value: share,
        status:
          share === null
            ? 'not-applicable'
            : share >= 0.95
              ? 'good'
              : share >= 0.8
                ? 'attention'
                : 'bad',
        summary: people.length
          ? `${current} of ${plural(people.length, 'person', 'people')} have current mandatory training; without it Accord refuses them personal data.`
          : 'No active people.',
        records:
          people.length - current
            ? [
                {
                  text: `${plural(people.length - current, 'person', 'people')} not current`,
                  href: '/training',
                },
              ]
            : [],
      };
    },
  });

  d.register({
    id: 'dpias-past-review',
    title: 'DPIAs past their review date',
    unit: 'count',
    better: 'lower',
    checklist: [ICO_ITEMS.risks],
    href: '/governance/dpias',
    async compute({ ex, orgId, today }) {
      const rows = await s.dpias.pastReview(ex, orgId, today);
      return {
        value: rows.length,
        status: zeroIsGood(rows.length),
        summary: rows.length
          ? `${plural(rows.length, 'signed DPIA')} not reviewed by the date set.`
          : 'Every signed DPIA is within its review date.',
        records: rows.map((r) => ({
          text: `${r.ref} ${r.title} (review due ${r.review_on})`,
          href: `/governance/dpias/${r.dpia_id}`,
        })),
      };
    },
  });

  d.register({
    id: 'high-risks-untreated',
    title: 'High risks without treatment',
    unit: 'count',
    better: 'lower',
    checklist: [LGA_ITEMS.riskPolicy, ICO_ITEMS.risks],
    href: '/governance/risks',
    async compute({ ex, orgId }) {
      const open = await s.risks.openRisks(ex, orgId);
      const rows = open.filter((r) => r.untreated);
      return {
        value: rows.length,
        status: zeroIsGood(rows.length),
        summary: rows.length
          ? `${plural(rows.length, 'high risk')} with no treatment decided, or “treat” with no actions.`
          : `All ${plural(open.filter((r) => r.current.score >= 10).length, 'high risk')} have a treatment.`,
        records: rows.map((r) => ({
          text: `${r.ref} ${r.title} (score ${r.current.score})`,
          href: `/governance/risks/${r.id}`,
        })),
      };
    },
  });

  d.register({
    id: 'breaches-in-72h',
    title: 'Breaches reported to the ICO within 72 hours',
    unit: 'share',
    better: 'higher',
    checklist: [LGA_ITEMS.incidents, ICO_ITEMS.breaches],
    href: '/governance/incidents',
    async compute({ ex, orgId, now }) {
      // Over the last 12 months: those decided notifiable, and any whose clock ran out undecided.
      const since = addDays(now.toISOString().slice(0, 10), -365);
      const all = await s.incidents.since(ex, orgId, `${since}T00:00:00.000Z`);
      const needed = all.filter(
        (i) => i.notifyIco === true || (i.clock.status === 'overdue' && i.notifyIco === null),
      );
      // A clock still running has not yet been met or missed: it is shown, not scored.
      const settled = needed.filter((i) => i.clock.status !== 'running');
      const inTime = settled.filter((i) => i.clock.status === 'notified-in-time');
      const running = needed.length - settled.length;
      const share = settled.length ? inTime.length / settled.length : null;
      return {
        value: share,
        status:
          inTime.length < settled.length
            ? 'bad'
            : running
              ? 'attention'
              : share === null
                ? 'not-applicable'
                : 'good',
        summary:
          (settled.length
            ? `${inTime.length} of ${plural(settled.length, 'breach', 'breaches')} that needed reporting in the last 12 months reached the ICO within 72 hours.`
            : 'No breach needed reporting to the ICO in the last 12 months.') +
          (running ? ` ${plural(running, 'clock')} still running.` : ''),
        records: needed
          .filter((i) => i.clock.status !== 'notified-in-time')
          .map((i) => ({
            text: `${i.ref} ${i.summary}: ${i.clock.label}`,
            href: `/governance/incidents/${i.id}`,
          })),
      };
    },
  });

  d.register({
    id: 'vendors-lapsed',
    title: 'Vendors with lapsed assurance',
    unit: 'count',
    better: 'lower',
    checklist: [LGA_ITEMS.standards, ICO_ITEMS.contracts],
    href: '/governance/vendors',
    async compute({ ex, orgId }) {
      const active = await s.vendors.active(ex, orgId);
      const rows = active.filter((v) => v.lapsed);
      return {
        value: rows.length,
        status: zeroIsGood(rows.length),
        summary: rows.length
          ? `${rows.length} of ${plural(active.length, 'active vendor')} have an expired certificate, an overdue review, an ended contract or an untested recovery plan.`
          : `All ${plural(active.length, 'active vendor')} have current assurance.`,
        records: rows.map((v) => ({
          text: `${v.name}: ${v.flags
            .filter((f) => f.lapsed)
            .map((f) => f.message)
            .join('; ')}`,
          href: `/governance/vendors/${v.id}`,
        })),
      };
    },
  });

  d.register({
    id: 'charter-published',
    title: 'Information charter published',
    unit: 'share',
    better: 'higher',
    checklist: [LGA_ITEMS.charter, ICO_ITEMS.transparency],
    href: '/governance/charter',
    async compute({ ex, orgId }) {
      const ok = await s.charter.published(ex, orgId);
      return {
        value: ok ? 1 : 0,
        status: ok ? 'good' : 'bad',
        summary: ok
          ? 'The public charter tells citizens how to make a request.'
          : 'The charter has no contact for requests: the DPO has not set it.',
        records: [{ text: 'Public information charter', href: `/charter/${orgId}` }],
      };
    },
  });
}
