// Demo data for the portfolio of a demo organisation: applications (one mission-critical system
// past end of life with no owner, as in the seeds), six months of deployments, changes and
// incidents, a dependency scan, help-desk tickets, roadmap items, a health check of Accord's own
// /healthz and a planned maintenance notice. Runs as Accord itself, through the services.
import type { Services } from '../../services.ts';
import { nodeActor } from '../policy/actor.ts';
import { COUNCIL, POLICE, SCAN } from './portfolio.demo-data.ts';
import type { EventInput } from './delivery.input.ts';

/** Deterministic pseudo-random numbers, so every demo looks the same. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** About six months of events for one application, more mature teams deploying more often. */
function history(
  app: string,
  now: number,
  everyDays: number,
  failRate: number,
  seed: number,
): EventInput[] {
  const rand = rng(seed);
  const out: EventInput[] = [];
  const hex = (n: number): string =>
    n.toString(16).padStart(12, '0') + seed.toString(16).padStart(4, '0');
  let at = now - 182 * 86_400_000;
  let n = 0;
  while (at < now - 86_400_000) {
    at += everyDays * 86_400_000 * (0.5 + rand());
    const sha = hex(++n);
    const committed = at - (2 + rand() * everyDays * 20) * 3_600_000;
    out.push({
      type: 'change',
      application: app,
      sha,
      committedAt: new Date(committed).toISOString(),
      at: new Date(at).toISOString(),
    });
    const deployAt = at + (1 + rand() * 4) * 3_600_000;
    const failed = rand() < failRate;
    out.push({
      type: 'deployment',
      application: app,
      id: `d${n}`,
      sha,
      at: new Date(deployAt).toISOString(),
      status: failed ? 'failure' : 'success',
    });
    if (failed)
      out.push({
        type: 'deployment',
        application: app,
        id: `d${n}-fix`,
        sha,
        at: new Date(deployAt + (1 + rand() * 6) * 3_600_000).toISOString(),
        rework: true,
      });
    else if (rand() < failRate / 2)
      out.push({
        type: 'incident',
        application: app,
        id: `inc${n}`,
        openedAt: new Date(deployAt + 3_600_000).toISOString(),
        resolvedAt: new Date(deployAt + (2 + rand() * 20) * 3_600_000).toISOString(),
      });
  }
  return out;
}

/** Fills the portfolio of the demo organisation called `name`; `domain` is its people's email domain. */
export async function seedPortfolioDemo(
  services: Services,
  name: string,
  domain: string,
): Promise<void> {
  const org = (await services.orgs.all()).find((o) => o.name === name && o.demo);
  if (!org) return;
  const orgId = org.id;
  const kind = org.kind;
  const p = services.portfolio;
  const node = nodeActor(orgId);
  const person = async (local: string): Promise<string | undefined> =>
    services.people.idByEmail(services.store, orgId, `${local}@${domain}`);
  const now = services.clock().getTime();
  await p.settings.update(node, { itBudget: kind === 'police' ? 1_200_000 : 600_000 });
  const own = new URL(services.config.publicUrl);
  await p.availability.addHost(node, own.hostname);
  const ids: string[] = [];
  for (const [i, a] of (kind === 'police' ? POLICE : COUNCIL).entries()) {
    const { owner, manager, ...input } = a;
    const app = await p.applications.create(node, {
      ...input,
      businessOwnerId: owner ? await person(owner) : undefined,
      productManagerId: manager ? await person(manager) : undefined,
      healthCheckUrl: i === 2 ? `${services.config.publicUrl}/healthz` : undefined,
      description: `${a.name} for ${kind === 'police' ? 'the force' : 'the council'}.`,
    });
    ids.push(app.id);
  }
  const [first, second, third] = ids as [string, string, string];
  await p.delivery.ingest(node, [
    ...history(first, now, 2, 0.12, 1),
    ...history(second, now, 9, 0.2, 2),
    ...history(third, now, 1, 0.05, 3),
  ]);
  await p.vulnerabilities.importScan(node, first, { scan: SCAN });
  await p.availability.postNotice(node, third, {
    kind: 'maintenance',
    title: 'Upgrade to the sign-in service',
    body: 'Sign-in may be unavailable for up to 30 minutes.',
    startsAt: new Date(now + 6 * 86_400_000).toISOString(),
    endsAt: new Date(now + 6 * 86_400_000 + 2 * 3_600_000).toISOString(),
  });
  const handler = await services.actors.personActor((await person('handler'))!, { mfa: true });
  const lapsed = await services.actors.personActor((await person('lapsed'))!, { mfa: true });
  const admin = await services.actors.personActor((await person('admin'))!, { mfa: true });
  const fault = await p.tickets.raise(handler!, {
    appId: first,
    kind: 'fault',
    title: 'Search times out for common surnames',
    description: 'Searching for Smith takes over a minute and then fails.',
    priority: 'P2',
  });
  await p.tickets.comment(
    admin!,
    fault.id,
    'Reproduced: the index on surname is missing. Fix planned for this week.',
  );
  await p.tickets.comment(admin!, fault.id, 'Vendor case 44120 opened.', true);
  await p.tickets.update(admin!, fault.id, {
    assigneeId: (await person('admin'))!,
    status: 'in-progress',
  });
  await p.tickets.raise(lapsed!, {
    appId: second,
    kind: 'request',
    title: 'Export of this month’s cases',
    description: 'A CSV of the cases opened this month, for the team meeting.',
  });
  await p.tickets.raise(lapsed!, {
    appId: second,
    kind: 'access-request',
    title: 'Asset owner role for the case records',
    description: 'I am taking over as owner of the case records.',
    requestedRole: 'iao',
  });
  await p.tickets.raise(handler!, {
    appId: third,
    kind: 'data-protection',
    title: 'A resident asks who we shared their details with',
    description: 'Resident reference 5521 asks for the recipients of their data.',
  });
  await p.roadmap.create(node, {
    appId: first,
    title: 'Fix surname search',
    horizon: 'now',
    status: 'in-progress',
    ticketIds: [fault.reference],
  });
  await p.roadmap.create(node, {
    appId: third,
    title: 'Sign in with one account for every service',
    horizon: 'next',
  });
  await p.roadmap.create(node, {
    appId: second,
    title: 'Replace the legacy reporting module',
    horizon: 'later',
  });
  await p.roadmap.create(node, {
    appId: ids[4]!,
    title: 'Retire and migrate to the new platform',
    horizon: `${new Date(now).getUTCFullYear() + 1}-Q2`,
  });
}
