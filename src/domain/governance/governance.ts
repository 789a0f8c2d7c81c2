// The governance module, built once: the registers, the records of processing, the charter and
// the dashboard, with their extension points. Other modules plug in with one call each:
//   governance.links.register({ kind: 'asset', label: 'information asset', title, href })
//   governance.ropa.register({ id: 'assets', label: 'Information assets', entries })
//   governance.charter.register({ id: 'retention', title: 'How long we keep it', items })
//   governance.dashboard.register({ id: 'assets-owned', title, unit, better, checklist, href, compute })
// and the agreements module calls governance.dpias.assertSignedIfHighRisk(gate, dpiaId, highRisk).
import type { DomainContext } from '../context.ts';
import type { DutiesService } from '../roles/duties.service.ts';
import { CharterService } from './charter.service.ts';
import { DashboardService } from './dashboard.service.ts';
import { DpiaService } from './dpia.service.ts';
import { OrgFacts } from './facts.ts';
import type { GovernanceDeps } from './facts.ts';
import { IcoReportService } from './ico-report.ts';
import { IncidentService } from './incident.service.ts';
import { registerBuiltInIndicators } from './indicators.ts';
import { LinkRegistry } from './links.ts';
import { RiskService } from './risk.service.ts';
import { RopaService } from './ropa.service.ts';
import { vendorRopaSource } from './ropa.vendors.ts';
import { VendorService } from './vendor.service.ts';

export class Governance {
  readonly links = new LinkRegistry();
  readonly facts: OrgFacts;
  readonly dpias: DpiaService;
  readonly risks: RiskService;
  readonly vendors: VendorService;
  readonly incidents: IncidentService;
  readonly icoReports: IcoReportService;
  readonly ropa: RopaService;
  readonly charter: CharterService;
  readonly dashboard: DashboardService;

  constructor(ctx: DomainContext, deps: GovernanceDeps & { duties: DutiesService }) {
    this.facts = new OrgFacts(deps);
    this.dpias = new DpiaService(ctx, deps.duties, deps.people);
    this.vendors = new VendorService(ctx);
    this.risks = new RiskService(ctx, deps.people, this.links);
    this.incidents = new IncidentService(ctx, deps.people, this.links);
    this.icoReports = new IcoReportService(ctx, this.incidents, this.facts);
    this.ropa = new RopaService(ctx, this.facts);
    this.charter = new CharterService(ctx, this.facts, deps.people, this.ropa, this.dpias);
    this.dashboard = new DashboardService(ctx, deps.orgs);

    this.links.register({
      kind: 'vendor',
      label: 'vendor',
      title: (ex, orgId, id) => this.vendors.titleOf(ex, orgId, id),
      href: (id) => `/governance/vendors/${id}`,
      choices: async (ex, orgId) =>
        (await this.vendors.active(ex, orgId)).map((v) => ({ id: v.id, title: v.name })),
    });
    this.links.register({
      kind: 'dpia',
      label: 'DPIA',
      title: (ex, orgId, id) => this.dpias.titleOf(ex, orgId, id),
      href: (id) => `/governance/dpias/${id}`,
      choices: (ex, orgId) => this.dpias.choices(ex, orgId),
    });
    this.ropa.register(vendorRopaSource(this.vendors));
    registerBuiltInIndicators(this.dashboard, {
      facts: this.facts,
      dpias: this.dpias,
      risks: this.risks,
      incidents: this.incidents,
      vendors: this.vendors,
      charter: this.charter,
    });
  }
}
