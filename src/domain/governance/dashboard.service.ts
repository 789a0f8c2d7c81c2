// The compliance dashboard: indicators computed from live data, each linking to the records behind
// it and mapped to named checklist items. Indicators are a registry: each module registers its
// own with one call, `governance.dashboard.register({ id, title, checklist, compute })`. Every
// computation is kept as that day's snapshot (and a daily sweep takes one for every organisation),
// so trends can be drawn over time.
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { addDays } from './common.ts';
import * as repo from './governance.repository.ts';

/** The checklists indicators map to. */
export const LGA = 'LGA Data Handling Guidelines';
export const ICO = 'ICO accountability framework';

export interface ChecklistItem {
  /** LGA, ICO or another recognised checklist's name. */
  framework: string;
  item: string;
}

/** The questions seed 002 quotes from the LGA Data Handling Guidelines for Local Government. */
export const LGA_ITEMS = {
  siro: {
    framework: LGA,
    item: 'Is there a Senior Information Risk Owner (SIRO) owning information risk?',
  },
  riskPolicy: {
    framework: LGA,
    item: 'Does the council have a Corporate Information Risk Policy?',
  },
  assets: {
    framework: LGA,
    item: 'Are all the council’s key information assets classified and allocated an owner?',
  },
  incidents: { framework: LGA, item: 'Is there a clear incident reporting mechanism?' },
  training: {
    framework: LGA,
    item: 'Are staff regularly trained in the sensitivity of citizen information and the procedures for handling it?',
  },
  charter: {
    framework: LGA,
    item: 'Is there an Information Charter outlining how citizen data is handled?',
  },
  standards: {
    framework: LGA,
    item: 'Are ICT systems specified in line with government data security minimum standards?',
  },
  secureSystems: {
    framework: LGA,
    item: 'Is all personal information kept within secure ICT systems?',
  },
} as const satisfies Record<string, ChecklistItem>;

/** Categories of the ICO's accountability framework. */
export const ICO_ITEMS = {
  leadership: { framework: ICO, item: 'Leadership and oversight' },
  policies: { framework: ICO, item: 'Policies and procedures' },
  training: { framework: ICO, item: 'Training and awareness' },
  rights: { framework: ICO, item: 'Individuals’ rights' },
  transparency: { framework: ICO, item: 'Transparency' },
  ropa: { framework: ICO, item: 'Records of processing and lawful basis' },
  contracts: { framework: ICO, item: 'Contracts and data sharing' },
  risks: { framework: ICO, item: 'Risks and data protection impact assessments' },
  security: { framework: ICO, item: 'Records management and security' },
  breaches: { framework: ICO, item: 'Breach response and monitoring' },
} as const satisfies Record<string, ChecklistItem>;

export type IndicatorStatus = 'good' | 'attention' | 'bad' | 'not-applicable';

/**
 * What an indicator computes from. The access decision has been made (and recorded) before, so
 * an indicator reads through its module's executor-level look-ups on `ex`, or through a
 * service's public methods as Accord acting for the organisation: there is no transaction open.
 */
export interface IndicatorContext {
  ex: Executor;
  orgId: string;
  now: Date;
  today: string;
}

export interface IndicatorResult {
  /** A share (0–1) or a count, per the indicator's unit; null when there is nothing to measure. */
  value: number | null;
  status: IndicatorStatus;
  summary: string;
  /** The records behind the value, each with where to read it. */
  records: { text: string; href: string }[];
}

export interface IndicatorDefinition {
  id: string;
  title: string;
  /** share: shown as a percentage; count: how many. */
  unit: 'share' | 'count';
  /** Which way is good, for reading the trend. */
  better: 'higher' | 'lower';
  checklist: ChecklistItem[];
  /** Where the whole register behind the indicator is. */
  href: string;
  compute(c: IndicatorContext): Promise<IndicatorResult>;
}

export interface IndicatorValue extends IndicatorResult {
  id: string;
  title: string;
  unit: 'share' | 'count';
  better: 'higher' | 'lower';
  checklist: ChecklistItem[];
  href: string;
  /** The value as words: "87%", "3". */
  display: string;
}

export interface Dashboard {
  computedAt: string;
  indicators: IndicatorValue[];
}

export interface Trend {
  id: string;
  title: string;
  unit: 'share' | 'count';
  better: 'higher' | 'lower';
  points: { day: string; value: number | null; status: string }[];
}

export function display(unit: 'share' | 'count', v: number | null): string {
  if (v === null) return 'Nothing to measure';
  return unit === 'share' ? `${Math.round(v * 100)}%` : String(v);
}

export class DashboardService {
  private readonly defs: IndicatorDefinition[] = [];

  constructor(
    private readonly ctx: DomainContext,
    private readonly orgs: { all(): Promise<{ id: string }[]> },
  ) {}

  register(def: IndicatorDefinition): void {
    if (this.defs.some((d) => d.id === def.id))
      throw new Error(`Indicator ${def.id} is already registered`);
    this.defs.push(def);
  }

  indicators(): readonly IndicatorDefinition[] {
    return this.defs;
  }

  /** Every indicator for the organisation, kept as today's snapshot. */
  private async computeFor(orgId: string): Promise<Dashboard> {
    const now = this.ctx.clock();
    const day = today(this.ctx);
    const c: IndicatorContext = { ex: this.ctx.store, orgId, now, today: day };
    const indicators: IndicatorValue[] = [];
    for (const d of this.defs) {
      const r = await d.compute(c);
      indicators.push({
        ...r,
        id: d.id,
        title: d.title,
        unit: d.unit,
        better: d.better,
        checklist: d.checklist,
        href: d.href,
        display: display(d.unit, r.value),
      });
    }
    await this.ctx.store.transaction((tx) =>
      repo.putSnapshots(
        tx,
        indicators.map((i) => ({
          org_id: orgId,
          indicator_id: i.id,
          day,
          value: i.value,
          status: i.status,
          taken_at: now.toISOString(),
        })),
      ),
    );
    return { computedAt: now.toISOString(), indicators };
  }

  /** Computes every indicator now (and keeps today's snapshot). */
  async compute(actor: Actor): Promise<Dashboard> {
    await withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'dashboard' });
    });
    return this.computeFor(actor.orgId);
  }

  /** Values per indicator per day over the last `days` days. */
  async trends(actor: Actor, days = 90): Promise<{ from: string; to: string; trends: Trend[] }> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'dashboard-trends' });
      const to = today(this.ctx);
      const from = addDays(to, -Math.max(1, Math.min(days, 730)) + 1);
      const rows = await repo.snapshots(gate.tx, actor.orgId, from);
      return {
        from,
        to,
        trends: this.defs.map((d) => ({
          id: d.id,
          title: d.title,
          unit: d.unit,
          better: d.better,
          points: rows
            .filter((r) => r.indicator_id === d.id)
            .map((r) => ({ day: r.day, value: r.value, status: r.status })),
        })),
      };
    });
  }

  /**
   * The daily sweep: a snapshot for every organisation that has none today, computed by Accord
   * for the organisation. Returns how many were taken.
   */
  async snapshotDue(): Promise<number> {
    let taken = 0;
    const day = today(this.ctx);
    for (const o of await this.orgs.all()) {
      if ((await repo.latestSnapshotDay(this.ctx.store, o.id)) === day) continue;
      await withAccess(this.ctx, nodeActor(o.id), async (gate) => {
        gate.require(
          'governance.read',
          { orgId: o.id, ref: 'dashboard' },
          { details: { sweep: 'daily' } },
        );
      });
      await this.computeFor(o.id);
      taken++;
    }
    return taken;
  }
}
