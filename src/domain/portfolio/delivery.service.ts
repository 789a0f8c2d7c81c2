// Delivery events in (the JSON event API and CSV files; signed webhooks are in webhooks.service.ts)
// and the DORA measures out, per application and period and rolled up across the portfolio.
import { AccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as apps from './applications.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import { assertNoRowProblems, readCsv } from './csv.ts';
import * as repo from './delivery.repository.ts';
import { productionEvents } from './delivery.columns.ts';
import type { EventInput } from './delivery.input.ts';
import { EVENT_COLUMNS, csvEvent, eventsOf } from './delivery.input.ts';
import type { NewEvent } from './delivery.webhooks.ts';
import type { BucketUnit, DoraMeasures, Timeline } from './dora.ts';
import { buckets, doraKey, measure, sweepColumns } from './dora.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { DAY_MS, timeOrderedId } from './portfolio.common.ts';
import type { DeliveryEventTable } from './portfolio.table.ts';

export interface Period {
  from: string;
  to: string;
  unit: BucketUnit;
}

export interface AppDelivery {
  id: string;
  name: string;
  critical: boolean;
  measures: DoraMeasures;
  openIncidents: number;
  unrestored: boolean;
}

export interface DeliveryReport extends Period {
  portfolio: DoraMeasures;
  trend: { label: string; measures: DoraMeasures }[];
  applications: AppDelivery[];
}

/** How far before a period events are read, so changes and failures that began earlier count. */
const LOOKBACK_MS = 365 * DAY_MS;

const CSV_FIELDS: Record<string, string> = {
  committedAt: 'committed_at',
  resolvedAt: 'resolved_at',
  openedAt: 'at',
  headSha: 'sha',
};

export function defaultPeriod(now: Date, unit: BucketUnit = 'month'): Period {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate()));
  return { from: from.toISOString(), to: to.toISOString(), unit };
}

export class DeliveryService {
  constructor(
    private readonly p: PortfolioContext,
    private readonly applications: ApplicationsService,
  ) {}

  rows(orgId: string, appId: string, source: string, events: NewEvent[]): DeliveryEventTable[] {
    const at = this.p.ctx.clock().toISOString();
    return events.map((e) => ({
      event_id: timeOrderedId(),
      org_id: orgId,
      app_id: appId,
      kind: e.kind,
      source,
      dedupe_key: e.dedupeKey,
      occurred_at: e.occurredAt,
      ref: e.ref ?? null,
      sha: e.sha ?? null,
      committed_at: e.committedAt ?? null,
      head_sha: e.headSha ?? null,
      environment: e.environment ?? null,
      status: e.status ?? null,
      rework: e.rework ? 1 : 0,
      changes: e.changes ? JSON.stringify(e.changes) : null,
      received_at: at,
      at_ms: Date.parse(e.occurredAt),
      committed_ms: e.committedAt ? Date.parse(e.committedAt) : null,
      sha_key: e.sha ? doraKey(e.sha) : null,
      head_key: e.headSha ? doraKey(e.headSha) : null,
      ref_key: e.ref ? doraKey(e.ref) : null,
      env_key: e.environment ? doraKey(e.environment.toLowerCase()) : null,
    }));
  }

  private async store(
    actor: Actor,
    source: 'api' | 'csv',
    read: () => { inputs: { input: EventInput; line?: number; field: string }[]; pre: Problem[] },
  ): Promise<{ received: number; stored: number; duplicates: number }> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.ingest', { orgId: actor.orgId, ref: `delivery-events:${source}` });
      const { inputs, pre } = read();
      const all = await apps.applications(gate.tx, actor.orgId);
      const byKey = new Map<string, string>();
      for (const a of all) {
        byKey.set(a.app_id, a.app_id);
        byKey.set(a.name.toLowerCase(), a.app_id);
      }
      const problems = [...pre];
      const rows: DeliveryEventTable[] = [];
      for (const { input, line, field } of inputs) {
        const appId =
          byKey.get(input.application ?? '') ?? byKey.get((input.application ?? '').toLowerCase());
        if (!appId)
          problems.push({
            ...(line ? { line } : {}),
            field: `${field}application`,
            message: `There is no application “${input.application ?? ''}” in your organisation`,
          });
        const r = eventsOf(input, { line, field });
        problems.push(
          ...r.problems.map((x) =>
            source === 'csv' ? { ...x, field: CSV_FIELDS[x.field ?? ''] ?? x.field } : x,
          ),
        );
        if (appId) rows.push(...this.rows(actor.orgId, appId, source, r.events));
      }
      if (source === 'csv') assertNoRowProblems(problems);
      else if (problems.length)
        throw new AccordError(
          'VALIDATION_FAILED',
          'Some events are not valid: none was stored.',
          problems,
        );
      const stored = await repo.insertEvents(gate.tx, rows);
      gate.record('portfolio.events.stored', `delivery-events:${source}`, {
        received: rows.length,
        stored,
      });
      return { received: rows.length, stored, duplicates: rows.length - stored };
    });
  }

  /** Events from the JSON API: all stored, or none when any is not valid. */
  async ingest(
    actor: Actor,
    events: EventInput[],
  ): Promise<{ received: number; stored: number; duplicates: number }> {
    return this.store(actor, 'api', () => ({
      inputs: events.map((input, i) => ({ input, field: `events.${i}.` })),
      pre: [],
    }));
  }

  /** Events from a CSV file (columns in EVENT_COLUMNS): all rows or none. */
  async importCsv(
    actor: Actor,
    csv: string,
  ): Promise<{ received: number; stored: number; duplicates: number }> {
    return this.store(actor, 'csv', () => {
      const pre: Problem[] = [];
      const inputs = readCsv(csv, EVENT_COLUMNS, ['application', 'type']).map((r) => {
        const { input, problems } = csvEvent((c) => r.get(c), r.line);
        pre.push(...problems);
        return { input, line: r.line, field: '' };
      });
      return { inputs, pre };
    });
  }

  /** Timelines per application from the organisation's production events up to `to`. */
  async timelines(
    ex: Executor,
    orgId: string,
    from: number,
    to: number,
    appId?: string,
  ): Promise<Map<string, Timeline>> {
    const events = await productionEvents(ex, orgId, from - LOOKBACK_MS, to, appId);
    return new Map([...events].map(([app, cols]) => [app, sweepColumns(cols)]));
  }

  private checkPeriod(period: Period): { from: number; to: number } {
    const from = Date.parse(period.from);
    const to = Date.parse(period.to);
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from || to - from > 5 * 366 * DAY_MS)
      throw new AccordError(
        'VALIDATION_FAILED',
        'Choose a period of up to five years that ends after it starts.',
        [
          {
            field: 'from',
            message: 'Choose a period of up to five years that ends after it starts',
          },
        ],
      );
    return { from, to };
  }

  /** The portfolio roll-up: every application's measures, the pooled measures and their trend. */
  async report(actor: Actor, period: Period): Promise<DeliveryReport> {
    const { from, to } = this.checkPeriod(period);
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'delivery-metrics' });
      const all = await apps.applications(gate.tx, actor.orgId);
      const timelines = await this.timelines(gate.tx, actor.orgId, from, to);
      const every = [...timelines.values()];
      return {
        ...period,
        portfolio: measure(every, from, to),
        trend: buckets(from, to, period.unit).map((b) => ({
          label: b.label,
          measures: measure(every, b.from, b.to),
        })),
        applications: all.map((a) => {
          const t = timelines.get(a.app_id);
          return {
            id: a.app_id,
            name: a.name,
            critical: a.critical === 1,
            measures: measure(t ? [t] : [], from, to),
            openIncidents: t?.openIncidents ?? 0,
            unrestored: t?.unrestored ?? false,
          };
        }),
      };
    });
  }

  /** One application's measures for the period, with its trend and latest events. */
  async forApplication(actor: Actor, appId: string, period: Period) {
    const { from, to } = this.checkPeriod(period);
    return withAccess(this.p.ctx, actor, async (gate) => {
      const app = await this.applications.load(gate, appId);
      const t = (await this.timelines(gate.tx, actor.orgId, from, to, appId)).get(appId);
      const list = t ? [t] : [];
      return {
        ...period,
        application: {
          id: app.app_id,
          name: app.name,
          productionEnvironment: app.production_environment,
        },
        measures: measure(list, from, to),
        trend: buckets(from, to, period.unit).map((b) => ({
          label: b.label,
          measures: measure(list, b.from, b.to),
        })),
        openIncidents: t?.openIncidents ?? 0,
        unrestored: t?.unrestored ?? false,
        recent: (await repo.recentEvents(gate.tx, actor.orgId, appId, 20)).map((e) => ({
          kind: e.kind,
          source: e.source,
          occurredAt: e.occurred_at,
          ref: e.ref,
          sha: e.sha,
          environment: e.environment,
          status: e.status,
        })),
        // Webhook deliveries, from the audit log (one entry per application per batch).
        deliveries: (
          await this.p.ctx.audit.list(
            {
              orgId: actor.orgId,
              action: 'portfolio.ingest',
              target: `application:${appId}`,
              limit: 10,
            },
            gate.tx,
          )
        )
          .flatMap((e) =>
            ((e.details.deliveries ?? []) as { id: string; event: string; events: number }[]).map(
              (d) => ({
                source: e.actor.replace(/^webhook:/, ''),
                deliveryId: d.id,
                event: d.event,
                receivedAt: e.at,
                events: d.events,
              }),
            ),
          )
          .slice(0, 20),
      };
    });
  }
}
