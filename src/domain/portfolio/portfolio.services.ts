// The portfolio module's services, built once on the domain context (services.ts calls this).
import type { DomainContext } from '../context.ts';
import type { AccessGranting } from './tickets.access.ts';
import { AccessRequests } from './tickets.access.ts';
import { ApplicationsService } from './applications.service.ts';
import { importApplications } from './applications.import.ts';
import { AvailabilityService } from './availability.service.ts';
import { DeliveryService } from './delivery.service.ts';
import type { PortfolioLinks, PortfolioPeople } from './portfolio.common.ts';
import { RoadmapService } from './roadmap.service.ts';
import { PortfolioSettingsService } from './settings.service.ts';
import type { TicketAgents } from './tickets.service.ts';
import { TicketsService } from './tickets.service.ts';
import { VulnerabilitiesService } from './vulnerabilities.service.ts';
import { WebhooksService } from './webhooks.service.ts';
import { WebhookSpool } from './webhook-spool.ts';
import type { Actor } from '../policy/actor.ts';

export interface Portfolio {
  settings: PortfolioSettingsService;
  applications: ApplicationsService;
  importApplications(actor: Actor, csv: string): Promise<{ created: number; updated: number }>;
  delivery: DeliveryService;
  /** Signed GitHub and GitLab deliveries, verified and committed in batches. */
  webhooks: WebhooksService;
  vulnerabilities: VulnerabilitiesService;
  availability: AvailabilityService;
  tickets: TicketsService;
  access: AccessRequests;
  roadmap: RoadmapService;
  /** Lookups into other registers (vendors, assets, risks); set them as those modules land. */
  links: PortfolioLinks;
}

export interface PortfolioDeps {
  people: PortfolioPeople;
  /** The roles register: who is on the service desk, and granting approved access requests. */
  agents: TicketAgents;
  granting: AccessGranting;
  links?: PortfolioLinks;
  healthCheckTimeoutMs?: number;
}

export function createPortfolio(ctx: DomainContext, deps: PortfolioDeps): Portfolio {
  const links: PortfolioLinks = deps.links ?? {};
  const p = { ctx, people: deps.people, links };
  const settings = new PortfolioSettingsService(p);
  const applications = new ApplicationsService(p, settings);
  const tickets = new TicketsService(p, settings, deps.agents);
  const delivery = new DeliveryService(p, applications);
  return {
    settings,
    applications,
    importApplications: (actor, csv) => importApplications(p, actor, csv),
    delivery,
    webhooks: new WebhooksService(
      p,
      applications,
      delivery,
      50,
      WebhookSpool.inDataDir(ctx.config.dataDir),
    ),
    vulnerabilities: new VulnerabilitiesService(p, applications, settings),
    availability: new AvailabilityService(p, applications, deps.healthCheckTimeoutMs),
    tickets,
    access: new AccessRequests(tickets, deps.granting),
    roadmap: new RoadmapService(p, applications),
    links,
  };
}
