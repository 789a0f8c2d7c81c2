// /api/portfolio: scanner results in (SARIF 2.1.0, CycloneDX with VEX, OSV), vulnerabilities out.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);
const Severities = Type.Object({
  critical: Type.Integer(),
  high: Type.Integer(),
  medium: Type.Integer(),
  low: Type.Integer(),
  none: Type.Integer(),
});
const VulnerabilitySchema = Type.Object({
  id: Str,
  appId: Str,
  key: Str,
  component: Str,
  version: NStr,
  title: Str,
  severity: Str,
  cvssScore: NNum,
  aliases: Type.Array(Str),
  state: Str,
  closedReason: NStr,
  firstSeenAt: Str,
  lastSeenAt: Str,
  closedAt: NStr,
  tool: Str,
  reopened: Type.Integer(),
  slaDays: NNum,
  dueAt: NStr,
  days: NNum,
  overdue: Type.Boolean(),
  withinSla: Type.Union([Type.Boolean(), Type.Null()]),
});
const AppSummary = Type.Object({
  id: Str,
  name: Str,
  critical: Type.Boolean(),
  open: Severities,
  openTotal: Type.Integer(),
  overdue: Type.Integer(),
  fixed90: Type.Integer(),
  medianDaysToFix: NNum,
  withinSlaShare: NNum,
});
const OverTime = Type.Array(Type.Object({ label: Str, open: Type.Integer() }));
const ScanResult = Type.Object({
  scanId: Str,
  format: Str,
  tool: Str,
  findings: Type.Integer(),
  opened: Type.Integer(),
  reopened: Type.Integer(),
  closed: Type.Integer(),
  unchanged: Type.Integer(),
});

export function portfolioVulnerabilityRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['vulnerabilities'];

    app.post(
      '/portfolio/applications/:applicationId/scans',
      {
        config: { permission: 'portfolio.ingest' },
        bodyLimit: 20 * 1024 * 1024,
        schema: {
          summary:
            'Import a scan (the body is the SARIF 2.1.0, CycloneDX or OSV JSON). A full scan closes, as fixed, what the same tool no longer reports',
          tags,
          params: IdParam('applicationId'),
          querystring: Type.Object(
            {
              format: Type.Optional(
                Type.Union([Type.Literal('sarif'), Type.Literal('cyclonedx'), Type.Literal('osv')]),
              ),
              full: Type.Optional(Type.Boolean({ default: true })),
            },
            { additionalProperties: false },
          ),
          body: Type.Unknown(),
          response: { 201: ScanResult, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await p.vulnerabilities.importScan(actorOf(req), req.params.applicationId, {
            scan: req.body,
            format: req.query.format,
            full: req.query.full,
          }),
        ),
    );

    app.get(
      '/portfolio/applications/:applicationId/vulnerabilities',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'An application’s vulnerabilities with time to fix against the service levels',
          tags,
          params: IdParam('applicationId'),
          querystring: Type.Object(
            {
              state: Type.Optional(
                Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')]),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              application: Type.Object({ id: Str, name: Str }),
              vulnerabilities: Type.Array(VulnerabilitySchema),
              summary: AppSummary,
              openOverTime: OverTime,
              scans: Type.Array(
                Type.Object({
                  id: Str,
                  format: Str,
                  tool: Str,
                  full: Type.Boolean(),
                  importedAt: Str,
                  importedBy: Str,
                  findings: Type.Integer(),
                  opened: Type.Integer(),
                  closed: Type.Integer(),
                }),
              ),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) =>
        p.vulnerabilities.list(actorOf(req), req.params.applicationId, req.query.state ?? 'all'),
    );

    app.get(
      '/portfolio/vulnerabilities',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'Open vulnerabilities per application, and the portfolio’s open count by month',
          tags,
          response: {
            200: Type.Object({
              applications: Type.Array(AppSummary),
              openOverTime: OverTime,
              slaDays: Type.Object({
                critical: Type.Integer(),
                high: Type.Integer(),
                medium: Type.Integer(),
                low: Type.Integer(),
              }),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => p.vulnerabilities.summary(actorOf(req)),
    );
  };
}
