// Delivery (the DORA measures, rolled up and per application, with trends as charts and tables)
// and vulnerabilities (open counts per application and over time; an application's list; scans).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import type { Period } from '../../domain/portfolio/delivery.service.ts';
import type { DoraMeasures } from '../../domain/portfolio/dora.ts';
import { EVENT_COLUMNS } from '../../domain/portfolio/delivery.input.ts';
import { field, may, submitForm } from '../pages.ts';
import { barChart, count, hours, percent } from './portfolio-charts.ts';
import { common, formats } from './portfolio.pages.ts';

const MEASURE_LABELS = {
  deploymentFrequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  recovery: 'Time to restore service',
};
const CLOSED_REASONS = {
  absent: 'no longer reported',
  fixed: 'marked fixed',
  not_affected: 'not affected',
};

const RANGES: [string, string][] = [
  ['3', 'Last 3 months'],
  ['6', 'Last 6 months'],
  ['12', 'Last 12 months'],
  ['24', 'Last 24 months'],
];
const UNITS: [string, string][] = [
  ['week', 'By week'],
  ['month', 'By month'],
  ['quarter', 'By quarter'],
];

/** The period chosen on the page (default: the last 12 months by month). */
function periodFrom(services: Services, req: FastifyRequest): Period & { months: string } {
  const q = req.query as { months?: string; unit?: string };
  const months = RANGES.some(([v]) => v === q.months) ? q.months! : '12';
  const unit = (UNITS.some(([v]) => v === q.unit) ? q.unit : 'month') as Period['unit'];
  const now = services.clock();
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const start = new Date(to);
  start.setUTCMonth(start.getUTCMonth() - Number(months));
  return { from: start.toISOString(), to: new Date(to).toISOString(), unit, months };
}

/** The five trend charts for a list of buckets. */
function trendCharts(prefix: string, trend: { label: string; measures: DoraMeasures }[]) {
  const labels = trend.map((t) => t.label);
  const m = trend.map((t) => t.measures);
  return [
    barChart(
      `${prefix}-freq`,
      'Deployments to production',
      labels,
      m.map((x) => x.deployments),
      count,
    ),
    barChart(
      `${prefix}-lead`,
      'Lead time for changes (median)',
      labels,
      m.map((x) => x.leadTimeHours),
      hours,
    ),
    barChart(
      `${prefix}-cfr`,
      'Change failure rate',
      labels,
      m.map((x) => x.changeFailureRate),
      percent,
    ),
    barChart(
      `${prefix}-restore`,
      'Time to restore service (median)',
      labels,
      m.map((x) => x.recoveryHours),
      hours,
    ),
    barChart(
      `${prefix}-rework`,
      'Rework rate',
      labels,
      m.map((x) => x.reworkRate),
      percent,
    ),
  ];
}

export function portfolioDeliveryPages(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: 20_000_000, files: 1 } });

    app.get(
      '/portfolio/delivery',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const period = periodFrom(services, req);
        const r = await p.delivery.report(req.actor!, period);
        const bandCounts = (
          ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'recovery'] as const
        ).map((k) => ({
          label: MEASURE_LABELS[k],
          counts: ['elite', 'high', 'medium', 'low'].map(
            (b) => r.applications.filter((a) => a.measures.bands[k] === b).length,
          ),
          noData: r.applications.filter((a) => a.measures.bands[k] === null).length,
        }));
        return reply.page('portfolio/delivery.njk', {
          ...common,
          ...formats,
          pageTitle: 'Delivery performance',
          r,
          period,
          ranges: RANGES,
          units: UNITS,
          charts: trendCharts('portfolio', r.trend),
          bandCounts,
          canIngest: may(req.actor, 'portfolio.ingest'),
        });
      },
    );

    app.get(
      '/portfolio/applications/:appId/delivery',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        const period = periodFrom(services, req);
        const r = await p.delivery.forApplication(req.actor!, id, period);
        return reply.page('portfolio/app-delivery.njk', {
          ...common,
          ...formats,
          pageTitle: `Delivery: ${r.application.name}`,
          backLink: `/portfolio/applications/${id}`,
          r,
          period,
          ranges: RANGES,
          units: UNITS,
          charts: trendCharts('app', r.trend),
        });
      },
    );

    const eventsForm = {
      pageTitle: 'Import delivery events',
      backLink: '/portfolio/delivery',
      columns: EVENT_COLUMNS,
      intro:
        'One row per event: type is deployment, change or incident; application is its name or id; times like 2026-03-31T14:05:00Z. A repeated event is stored once.',
    };
    app.get(
      '/portfolio/events/import',
      { config: { page: 'portfolio.ingest' }, schema: { hide: true } },
      async (_req, reply) => reply.page('portfolio/import.njk', eventsForm),
    );
    app.post(
      '/portfolio/events/import',
      { config: { page: 'portfolio.ingest' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'portfolio/import.njk', eventsForm, async () => {
          const file = req.isMultipart() ? await req.file() : undefined;
          const text = file ? (await file.toBuffer()).toString('utf8') : '';
          if (!text.trim())
            throw new AccordError('VALIDATION_FAILED', 'Choose a CSV file.', [
              { field: 'file', message: 'Choose a CSV file to import' },
            ]);
          const r = await p.delivery.importCsv(req.actor!, text);
          return reply.page('portfolio/imported.njk', {
            pageTitle: 'Delivery events imported',
            backLink: '/portfolio/delivery',
            what: `${r.stored} new event${r.stored === 1 ? '' : 's'} stored; ${r.duplicates} already known.`,
            next: '/portfolio/delivery',
          });
        }),
    );

    app.get(
      '/portfolio/vulnerabilities',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const s = await p.vulnerabilities.summary(req.actor!);
        return reply.page('portfolio/vulnerabilities.njk', {
          ...common,
          ...formats,
          pageTitle: 'Vulnerabilities',
          s,
          openChart: barChart(
            'vuln-open',
            'Open vulnerabilities at the end of each month',
            s.openOverTime.map((x) => x.label),
            s.openOverTime.map((x) => x.open),
            count,
          ),
          totalOpen: s.applications.reduce((n, a) => n + a.openTotal, 0),
          totalOverdue: s.applications.reduce((n, a) => n + a.overdue, 0),
        });
      },
    );

    const appVulns = async (req: FastifyRequest, state?: string) => {
      const id = (req.params as { appId: string }).appId;
      const st = (['open', 'closed', 'all'].includes(state ?? '') ? state : 'open') as
        'open' | 'closed' | 'all';
      const r = await p.vulnerabilities.list(req.actor!, id, st);
      return {
        ...common,
        ...formats,
        pageTitle: `Vulnerabilities: ${r.application.name}`,
        backLink: `/portfolio/applications/${id}`,
        r,
        state: st,
        openChart: barChart(
          'app-vuln-open',
          'Open vulnerabilities at the end of each month',
          r.openOverTime.map((x) => x.label),
          r.openOverTime.map((x) => x.open),
          count,
        ),
        canIngest: may(req.actor, 'portfolio.ingest'),
        closedReasons: CLOSED_REASONS,
        days: (d: number | null) => (d === null ? '' : `${d.toFixed(d < 10 ? 1 : 0)} days`),
      };
    };

    app.get(
      '/portfolio/applications/:appId/vulnerabilities',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/app-vulnerabilities.njk', {
          ...(await appVulns(req, (req.query as { state?: string }).state)),
          imported: (req.query as { imported?: string }).imported,
        }),
    );

    // The scan arrives as multipart/form-data (a file, its format and whether it is a full scan).
    app.post(
      '/portfolio/applications/:appId/vulnerabilities',
      { config: { page: 'portfolio.ingest' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        return submitForm(
          reply,
          'portfolio/app-vulnerabilities.njk',
          await appVulns(req),
          async () => {
            let text = '';
            const fields: Record<string, string> = {};
            if (req.isMultipart())
              for await (const part of req.parts()) {
                if (part.type === 'file') text = (await part.toBuffer()).toString('utf8');
                else fields[part.fieldname] = String(part.value);
              }
            if (!text.trim())
              throw new AccordError('VALIDATION_FAILED', 'Choose a scan file.', [
                { field: 'file', message: 'Choose a SARIF, CycloneDX or OSV JSON file' },
              ]);
            const r = await p.vulnerabilities.importScan(req.actor!, id, {
              scan: text,
              format: field(fields, 'format') || undefined,
              full: field(fields, 'full') !== 'no',
            });
            return reply.redirect(
              `/portfolio/applications/${id}/vulnerabilities?imported=${encodeURIComponent(`${r.tool}: ${r.findings} findings, ${r.opened} new, ${r.reopened} reopened, ${r.closed} closed`)}`,
              303,
            );
          },
        );
      },
    );
  };
}
