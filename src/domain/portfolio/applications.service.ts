// The applications register: each application with its owner, product manager, criticality,
// lifecycle, budget, hosting, vendor, assets, repository and health check; and the portfolio
// indicators computed live from it.
import { randomBytes, randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import * as repo from './applications.repository.ts';
import * as hostsRepo from './availability.repository.ts';
import type { ApplicationInput, Hosting, Lifecycle } from './applications.validate.ts';
import { EMPTY_FIELDS, applyInput } from './applications.validate.ts';
import type { ApplicationTable } from './portfolio.table.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { parseIds } from './portfolio.common.ts';
import type { PortfolioSettingsService } from './settings.service.ts';

export interface Application {
  id: string;
  name: string;
  description: string;
  businessOwnerId: string | null;
  businessOwnerName: string | null;
  productManagerId: string | null;
  productManagerName: string | null;
  critical: boolean;
  lifecycle: Lifecycle;
  phaseInOn: string | null;
  activeOn: string | null;
  phaseOutOn: string | null;
  endOfLifeOn: string | null;
  /** At end of life now, or its end-of-life date has passed. */
  pastEndOfLife: boolean;
  onboarded: boolean;
  budgetLine: string | null;
  /** Pounds. */
  annualCost: number | null;
  hosting: Hosting;
  vendorId: string | null;
  vendorName: string | null;
  assetIds: string[];
  repositoryUrl: string | null;
  healthCheckUrl: string | null;
  statusPublic: boolean;
  productionEnvironment: string;
  webhookConfigured: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PortfolioIndicators {
  applications: number;
  critical: number;
  onboarded: number;
  /** Share of applications onboarded to product management (0–1; null with no applications). */
  onboardedShare: number | null;
  withBudgetLine: number;
  /** Sum of the annual cost of applications with a budget line, in pounds. */
  attributedCost: number;
  itBudget: number | null;
  /** attributedCost ÷ IT budget (null until the budget is set). */
  budgetShare: number | null;
  criticalPastEndOfLife: { id: string; name: string; endOfLifeOn: string | null }[];
  criticalWithoutOwner: { id: string; name: string }[];
}

export function pastEndOfLife(a: ApplicationTable, day: string): boolean {
  return a.lifecycle === 'end-of-life' || (a.end_of_life_on !== null && a.end_of_life_on <= day);
}

export function toApplication(
  a: ApplicationTable,
  day: string,
  names: Map<string, string> = new Map(),
): Application {
  const name = (id: string | null): string | null => (id ? (names.get(id) ?? null) : null);
  return {
    id: a.app_id,
    name: a.name,
    description: a.description,
    businessOwnerId: a.business_owner_id,
    businessOwnerName: name(a.business_owner_id),
    productManagerId: a.product_manager_id,
    productManagerName: name(a.product_manager_id),
    critical: a.critical === 1,
    lifecycle: a.lifecycle as Lifecycle,
    phaseInOn: a.phase_in_on,
    activeOn: a.active_on,
    phaseOutOn: a.phase_out_on,
    endOfLifeOn: a.end_of_life_on,
    pastEndOfLife: pastEndOfLife(a, day),
    onboarded: a.onboarded === 1,
    budgetLine: a.budget_line,
    annualCost: a.annual_cost_pence === null ? null : a.annual_cost_pence / 100,
    hosting: a.hosting as Hosting,
    vendorId: a.vendor_id,
    vendorName: a.vendor_name,
    assetIds: parseIds(a.asset_ids),
    repositoryUrl: a.repository_url,
    healthCheckUrl: a.health_check_url,
    statusPublic: a.status_public === 1,
    productionEnvironment: a.production_environment,
    webhookConfigured: a.webhook_secret !== null,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

/** Throws the right coded error for an application's problems (a refused health check first). */
export function assertApplicationProblems(problems: Problem[], message?: string): void {
  const url = problems.find((x) => x.field === 'healthCheckUrl');
  if (url) throw new AccordError('HEALTH_URL_REFUSED', url.message, problems);
  assertNoProblems(problems, message);
}

export class ApplicationsService {
  /** Secrets opened once, for webhooks (cleared when an application's secret changes). */
  readonly secretCache = new Map<string, { orgId: string; secret: string; at: number }>();

  constructor(
    private readonly p: PortfolioContext,
    private readonly settings: PortfolioSettingsService,
  ) {}

  /** An application for the actor, or NOT_FOUND (also for another organisation's). */
  async load(
    gate: Gate,
    appId: string,
    action:
      | 'portfolio.read'
      | 'portfolio.manage'
      | 'portfolio.ingest'
      | 'tickets.read' = 'portfolio.read',
  ): Promise<ApplicationTable> {
    const row = await repo.applicationAnyOrg(gate.tx, appId);
    gate.require(action, { orgId: row?.org_id ?? '', ref: `application:${appId}` });
    return row!;
  }

  async list(actor: Actor): Promise<Application[]> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'applications' });
      const names = await this.p.people.names(gate.tx, actor.orgId);
      const day = today(this.p.ctx);
      return (await repo.applications(gate.tx, actor.orgId)).map((a) =>
        toApplication(a, day, names),
      );
    });
  }

  async get(actor: Actor, appId: string): Promise<Application> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const row = await this.load(gate, appId);
      return toApplication(row, today(this.p.ctx), await this.p.people.names(gate.tx, actor.orgId));
    });
  }

  async create(actor: Actor, input: ApplicationInput): Promise<Application> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.manage', { orgId: actor.orgId, ref: 'applications' });
      const hosts = await hostsRepo.hostNames(gate.tx, actor.orgId);
      const { fields, problems } = await applyInput(
        this.p,
        gate.tx,
        actor.orgId,
        EMPTY_FIELDS,
        input,
        hosts,
      );
      if (fields.name && (await repo.byName(gate.tx, actor.orgId, fields.name)))
        problems.push({
          field: 'name',
          message: `There is already an application called ${fields.name}`,
        });
      assertApplicationProblems(problems);
      const at = this.p.ctx.clock().toISOString();
      const row: ApplicationTable = {
        ...fields,
        app_id: randomUUID(),
        org_id: actor.orgId,
        webhook_secret: null,
        created_by: actor.ref,
        created_at: at,
        updated_by: actor.ref,
        updated_at: at,
      };
      await repo.insertApplication(gate.tx, row);
      gate.record('portfolio.application.created', `application:${row.app_id}`, { ...fields });
      return toApplication(row, today(this.p.ctx), await this.p.people.names(gate.tx, actor.orgId));
    });
  }

  async update(actor: Actor, appId: string, input: ApplicationInput): Promise<Application> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const before = await this.load(gate, appId, 'portfolio.manage');
      const hosts = await hostsRepo.hostNames(gate.tx, actor.orgId);
      const { fields, problems } = await applyInput(
        this.p,
        gate.tx,
        actor.orgId,
        before,
        input,
        hosts,
      );
      const same = fields.name ? await repo.byName(gate.tx, actor.orgId, fields.name) : undefined;
      if (same && same.app_id !== appId)
        problems.push({
          field: 'name',
          message: `There is already an application called ${fields.name}`,
        });
      assertApplicationProblems(problems);
      const at = this.p.ctx.clock().toISOString();
      await repo.updateApplication(gate.tx, actor.orgId, appId, {
        ...fields,
        updated_by: actor.ref,
        updated_at: at,
      });
      const changed = Object.fromEntries(
        Object.entries(fields).filter(([k, v]) => before[k as keyof ApplicationTable] !== v),
      );
      gate.record('portfolio.application.changed', `application:${appId}`, {
        changed: Object.keys(changed),
        before: Object.fromEntries(
          Object.keys(changed).map((k) => [k, before[k as keyof ApplicationTable]]),
        ),
        after: changed,
      });
      const row = (await repo.application(gate.tx, actor.orgId, appId))!;
      return toApplication(row, today(this.p.ctx), await this.p.people.names(gate.tx, actor.orgId));
    });
  }

  /**
   * A new webhook secret for the application (GitHub's HMAC key, GitLab's token), shown once;
   * deliveries signed with the old one are refused from now on.
   */
  async rotateWebhookSecret(actor: Actor, appId: string): Promise<{ secret: string }> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      await this.load(gate, appId, 'portfolio.manage');
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      await repo.updateApplication(gate.tx, actor.orgId, appId, {
        webhook_secret: this.p.ctx.box.seal(secret),
        updated_by: actor.ref,
        updated_at: this.p.ctx.clock().toISOString(),
      });
      gate.record('portfolio.webhook.secret-set', `application:${appId}`);
      gate.tx.afterCommit(() => this.secretCache.delete(appId));
      return { secret };
    });
  }

  /** The portfolio indicators, computed from the register as it is now. */
  async indicators(actor: Actor): Promise<PortfolioIndicators> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'portfolio-indicators' });
      return this.indicatorsOf(gate.tx, actor.orgId);
    });
  }

  async indicatorsOf(ex: Executor, orgId: string): Promise<PortfolioIndicators> {
    const apps = await repo.applications(ex, orgId);
    const active = new Set((await this.p.people.activePeople(ex, orgId)).map((x) => x.id));
    const { itBudget } = await this.settings.of(ex, orgId);
    const day = today(this.p.ctx);
    const critical = apps.filter((a) => a.critical === 1);
    const onboarded = apps.filter((a) => a.onboarded === 1).length;
    const budgeted = apps.filter((a) => a.budget_line !== null);
    const attributedPence = budgeted.reduce((s, a) => s + (a.annual_cost_pence ?? 0), 0);
    return {
      applications: apps.length,
      critical: critical.length,
      onboarded,
      onboardedShare: apps.length ? onboarded / apps.length : null,
      withBudgetLine: budgeted.length,
      attributedCost: attributedPence / 100,
      itBudget,
      budgetShare: itBudget ? attributedPence / 100 / itBudget : null,
      criticalPastEndOfLife: critical
        .filter((a) => pastEndOfLife(a, day))
        .map((a) => ({ id: a.app_id, name: a.name, endOfLifeOn: a.end_of_life_on })),
      criticalWithoutOwner: critical
        .filter((a) => !a.business_owner_id || !active.has(a.business_owner_id))
        .map((a) => ({ id: a.app_id, name: a.name })),
    };
  }
}
