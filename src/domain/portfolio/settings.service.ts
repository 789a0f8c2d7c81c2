// Service levels and the IT budget of an organisation's portfolio: days to fix a vulnerability
// per severity, hours to respond to and fix a ticket per priority, and the annual IT budget the
// share attributed to applications is measured against.
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './applications.repository.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { toPence } from './portfolio.common.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Worst first when sorting, highest when comparing. */
export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  none: 0,
};
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type VulnerabilityDays = Record<Exclude<Severity, 'none'>, number>;
export type TicketLevels = Record<Priority, { respondHours: number; fixHours: number }>;

export interface PortfolioSettings {
  itBudget: number | null;
  vulnerabilityDays: VulnerabilityDays;
  ticketLevels: TicketLevels;
  updatedAt: string | null;
}

export const DEFAULT_VULNERABILITY_DAYS: VulnerabilityDays = {
  critical: 14,
  high: 30,
  medium: 90,
  low: 180,
};

export const DEFAULT_TICKET_LEVELS: TicketLevels = {
  P1: { respondHours: 1, fixHours: 4 },
  P2: { respondHours: 4, fixHours: 24 },
  P3: { respondHours: 24, fixHours: 120 },
  P4: { respondHours: 72, fixHours: 480 },
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  P1: 'P1 – critical: the service is down for everyone',
  P2: 'P2 – high: the service is badly degraded',
  P3: 'P3 – medium: a fault with a workaround',
  P4: 'P4 – low: a question or a small request',
};

export interface SettingsInput {
  itBudget?: string | number | null;
  vulnerabilityDays?: Partial<Record<string, number>>;
  ticketLevels?: Partial<Record<string, { respondHours?: number; fixHours?: number }>>;
}

const whole = (n: unknown, min: number, max: number): boolean =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

export class PortfolioSettingsService {
  constructor(private readonly p: PortfolioContext) {}

  /** The settings in force (defaults until an administrator changes them); no access check. */
  async of(ex: Executor, orgId: string): Promise<PortfolioSettings> {
    const row = await repo.settings(ex, orgId);
    if (!row)
      return {
        itBudget: null,
        vulnerabilityDays: { ...DEFAULT_VULNERABILITY_DAYS },
        ticketLevels: structuredClone(DEFAULT_TICKET_LEVELS),
        updatedAt: null,
      };
    return {
      itBudget: row.it_budget_pence === null ? null : row.it_budget_pence / 100,
      vulnerabilityDays: {
        ...DEFAULT_VULNERABILITY_DAYS,
        ...(JSON.parse(row.vulnerability_days) as VulnerabilityDays),
      },
      ticketLevels: {
        ...DEFAULT_TICKET_LEVELS,
        ...(JSON.parse(row.ticket_levels) as TicketLevels),
      },
      updatedAt: row.updated_at,
    };
  }

  async get(actor: Actor): Promise<PortfolioSettings> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'portfolio-settings' });
      return this.of(gate.tx, actor.orgId);
    });
  }

  async update(actor: Actor, input: SettingsInput): Promise<PortfolioSettings> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.manage', { orgId: actor.orgId, ref: 'portfolio-settings' });
      const before = await this.of(gate.tx, actor.orgId);
      const problems: Problem[] = [];
      let budget = before.itBudget === null ? null : Math.round(before.itBudget * 100);
      if (input.itBudget !== undefined) {
        const p = toPence(input.itBudget);
        if (p === undefined)
          problems.push({ field: 'itBudget', message: 'Enter the budget in pounds, like 2500000' });
        else budget = p;
      }
      const days = { ...before.vulnerabilityDays };
      for (const [k, v] of Object.entries(input.vulnerabilityDays ?? {})) {
        if (!(k in days))
          problems.push({ field: `vulnerabilityDays.${k}`, message: `${k} is not a severity` });
        else if (!whole(v, 1, 3650))
          problems.push({
            field: `vulnerabilityDays.${k}`,
            message: `Days to fix a ${k} vulnerability must be a whole number from 1 to 3650`,
          });
        else days[k as keyof VulnerabilityDays] = v!;
      }
      const levels = structuredClone(before.ticketLevels);
      for (const [k, v] of Object.entries(input.ticketLevels ?? {})) {
        if (!(k in levels)) {
          problems.push({ field: `ticketLevels.${k}`, message: `${k} is not a priority` });
          continue;
        }
        const l = levels[k as Priority];
        for (const part of ['respondHours', 'fixHours'] as const) {
          const n = v?.[part];
          if (n === undefined) continue;
          if (!whole(n, 1, 8760))
            problems.push({
              field: `ticketLevels.${k}.${part}`,
              message: `${k}: hours must be a whole number from 1 to 8760`,
            });
          else l[part] = n;
        }
        if (l.respondHours > l.fixHours)
          problems.push({
            field: `ticketLevels.${k}.respondHours`,
            message: `${k}: the time to respond cannot be longer than the time to fix`,
          });
      }
      assertNoProblems(problems);
      const at = this.p.ctx.clock().toISOString();
      await repo.putSettings(gate.tx, {
        org_id: actor.orgId,
        it_budget_pence: budget,
        vulnerability_days: JSON.stringify(days),
        ticket_levels: JSON.stringify(levels),
        updated_by: actor.ref,
        updated_at: at,
      });
      const after = await this.of(gate.tx, actor.orgId);
      gate.record('portfolio.settings.changed', 'portfolio-settings', { before, after });
      return after;
    });
  }
}
