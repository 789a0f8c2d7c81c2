// The published roadmap: items per application, placed now / next / later or in a quarter, each
// linked to the help-desk tickets it answers and the risks it treats.
import { randomUUID } from 'node:crypto';
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as apps from './applications.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import * as repo from './roadmap.repository.ts';
import { parseIds } from './portfolio.common.ts';
import type { RoadmapItemTable } from './portfolio.table.ts';

export const HORIZONS = ['now', 'next', 'later'] as const;
export const ROADMAP_STATUSES = ['planned', 'in-progress', 'done', 'dropped'] as const;
const QUARTER = /^\d{4}-Q[1-4]$/;

export interface RoadmapItem {
  id: string;
  appId: string;
  title: string;
  description: string;
  horizon: string;
  status: (typeof ROADMAP_STATUSES)[number];
  ticketIds: string[];
  riskIds: string[];
  updatedAt: string;
}

export interface RoadmapInput {
  appId?: string;
  title?: string;
  description?: string;
  horizon?: string;
  status?: string;
  ticketIds?: string[];
  riskIds?: string[];
}

const order = (h: string): string =>
  h === 'now' ? '0' : h === 'next' ? '1' : h === 'later' ? '3' : `2${h}`;

export const toItem = (r: RoadmapItemTable): RoadmapItem => ({
  id: r.item_id,
  appId: r.app_id,
  title: r.title,
  description: r.description,
  horizon: r.horizon,
  status: r.status as RoadmapItem['status'],
  ticketIds: parseIds(r.ticket_ids),
  riskIds: parseIds(r.risk_ids),
  updatedAt: r.updated_at,
});

export function sortItems(items: RoadmapItem[]): RoadmapItem[] {
  return items.sort(
    (a, b) => order(a.horizon).localeCompare(order(b.horizon)) || a.title.localeCompare(b.title),
  );
}

/** An application's roadmap (no access check: the caller has decided). */
export async function roadmapOf(
  ex: Executor,
  orgId: string,
  appId: string,
): Promise<RoadmapItem[]> {
  return sortItems((await repo.items(ex, orgId, appId)).map(toItem));
}

export class RoadmapService {
  constructor(
    private readonly p: PortfolioContext,
    private readonly applications: ApplicationsService,
  ) {}

  async list(actor: Actor, appId?: string): Promise<RoadmapItem[]> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      if (appId) await this.applications.load(gate, appId);
      else gate.require('portfolio.read', { orgId: actor.orgId, ref: 'roadmap' });
      return sortItems((await repo.items(gate.tx, actor.orgId, appId)).map(toItem));
    });
  }

  private async check(
    ex: Executor,
    orgId: string,
    base: RoadmapItemTable,
    input: RoadmapInput,
  ): Promise<RoadmapItemTable> {
    const r = { ...base };
    const problems: Problem[] = [];
    if (input.appId !== undefined) {
      if (!input.appId || !(await apps.application(ex, orgId, input.appId)))
        problems.push({ field: 'appId', message: 'Choose an application of your organisation' });
      r.app_id = input.appId;
    }
    if (input.title !== undefined) r.title = input.title.trim();
    if (!r.title) problems.push({ field: 'title', message: 'Enter what will be delivered' });
    else if (r.title.length > 200)
      problems.push({ field: 'title', message: 'Keep the title to 200 characters' });
    if (input.description !== undefined) r.description = input.description.trim();
    if (input.horizon !== undefined) {
      const h = input.horizon.trim();
      if (!(HORIZONS as readonly string[]).includes(h) && !QUARTER.test(h))
        problems.push({
          field: 'horizon',
          message: 'Choose now, next or later, or give a quarter like 2026-Q3',
        });
      r.horizon = h;
    }
    if (input.status !== undefined) {
      if (!(ROADMAP_STATUSES as readonly string[]).includes(input.status))
        problems.push({ field: 'status', message: `The status is ${ROADMAP_STATUSES.join(', ')}` });
      r.status = input.status;
    }
    if (input.ticketIds !== undefined) {
      const ids = [...new Set(input.ticketIds.map((t) => t.trim()).filter(Boolean))];
      for (const id of ids) {
        if (!(await repo.ticketExists(ex, orgId, id)))
          problems.push({
            field: 'ticketIds',
            message: `${id} is not a ticket of your organisation`,
          });
      }
      r.ticket_ids = JSON.stringify(ids);
    }
    if (input.riskIds !== undefined) {
      const ids = [...new Set(input.riskIds.map((t) => t.trim()).filter(Boolean))];
      if (ids.length && !this.p.links.risk)
        problems.push({ field: 'riskIds', message: 'The risk register is not available yet' });
      else
        for (const id of ids)
          if (!(await this.p.links.risk!(ex, orgId, id)))
            problems.push({
              field: 'riskIds',
              message: `${id} is not a risk in your organisation’s register`,
            });
      r.risk_ids = JSON.stringify(ids);
    }
    assertNoProblems(problems);
    return r;
  }

  async create(actor: Actor, input: RoadmapInput): Promise<RoadmapItem> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.manage', { orgId: actor.orgId, ref: 'roadmap' });
      const at = this.p.ctx.clock().toISOString();
      const base: RoadmapItemTable = {
        item_id: randomUUID(),
        org_id: actor.orgId,
        app_id: '',
        title: '',
        description: '',
        horizon: 'next',
        status: 'planned',
        ticket_ids: '[]',
        risk_ids: '[]',
        created_by: actor.ref,
        created_at: at,
        updated_by: actor.ref,
        updated_at: at,
      };
      const row = await this.check(gate.tx, actor.orgId, base, {
        appId: input.appId ?? '',
        ...input,
      });
      await repo.insertItem(gate.tx, row);
      gate.record('portfolio.roadmap.added', `roadmap-item:${row.item_id}`, {
        appId: row.app_id,
        title: row.title,
        horizon: row.horizon,
      });
      return toItem(row);
    });
  }

  async update(actor: Actor, itemId: string, input: RoadmapInput): Promise<RoadmapItem> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const before = await repo.itemAnyOrg(gate.tx, itemId);
      gate.require('portfolio.manage', {
        orgId: before?.org_id ?? '',
        ref: `roadmap-item:${itemId}`,
      });
      const row = await this.check(gate.tx, actor.orgId, before!, input);
      row.updated_by = actor.ref;
      row.updated_at = this.p.ctx.clock().toISOString();
      await repo.updateItem(gate.tx, row);
      gate.record('portfolio.roadmap.changed', `roadmap-item:${itemId}`, {
        before: toItem(before!),
        after: toItem(row),
      });
      return toItem(row);
    });
  }
}
