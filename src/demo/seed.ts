// Demo data for a new node: a council and a police force, with a person in every role, so a
// newcomer can sign in and look around at once. Only on an empty database with ACCORD_DEMO on,
// never in production. Passwords are random per node and kept in the data directory.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.ts';
import { nodeActor } from '../domain/policy/actor.ts';
import type { Role } from '../domain/policy/roles.ts';
import { hashPassword } from '../domain/identity/passwords.ts';
import { newTotpSecret } from '../domain/identity/totp.ts';
import { addDays } from '../domain/training/training.service.ts';
import { seedGovernanceDemo } from '../domain/governance/demo.ts';
import { seedPortfolioDemo } from '../domain/portfolio/portfolio.demo.ts';
import { seedAgreementsDemo } from '../domain/agreements/agreements.demo.ts';

export const DEMO_FILE = 'demo-credentials.txt';

interface DemoPerson {
  local: string;
  name: string;
  job: string;
  roles: Role[];
  /** Days since their mandatory training (365-day courses lapse after a year). */
  trainedDaysAgo: number;
  /** A grant that lapses this many days from now. */
  lapsesInDays?: number;
}

const PEOPLE: DemoPerson[] = [
  {
    local: 'siro',
    name: 'Sam Iqbal',
    job: 'Director of Resources',
    roles: ['siro'],
    trainedDaysAgo: 40,
  },
  {
    local: 'dpo',
    name: 'Dana Price',
    job: 'Data Protection Officer',
    roles: ['dpo'],
    trainedDaysAgo: 20,
  },
  {
    local: 'iao',
    name: 'Ian Adeyemi',
    job: 'Head of Revenues and Benefits',
    roles: ['iao'],
    trainedDaysAgo: 100,
  },
  {
    local: 'caldicott',
    name: 'Carol Okafor',
    job: 'Director of Adult Social Care',
    roles: ['caldicott'],
    trainedDaysAgo: 200,
  },
  {
    local: 'handler',
    name: 'Hana Lewis',
    job: 'Safeguarding Officer',
    roles: ['handler'],
    trainedDaysAgo: 10,
    lapsesInDays: 21,
  },
  {
    local: 'lapsed',
    name: 'Harry Lapworth',
    job: 'Benefits Officer',
    roles: ['handler'],
    trainedDaysAgo: 400,
  },
  {
    local: 'auditor',
    name: 'Aisha Turner',
    job: 'Internal Auditor',
    roles: ['auditor'],
    trainedDaysAgo: 30,
  },
  {
    local: 'admin',
    name: 'Alex Morgan',
    job: 'Systems Administrator',
    roles: ['administrator'],
    trainedDaysAgo: 60,
  },
];

const ORGS = [
  {
    name: 'Northshire County Council',
    kind: 'council',
    externalId: 'E10000099',
    domain: 'northshire-council.example',
  },
  {
    name: 'Northshire Police',
    kind: 'police',
    externalId: 'P99',
    domain: 'northshire-police.example',
  },
];

/** Creates the demo organisations if the node has none; returns lines telling how to sign in. */
export async function seedDemo(services: Services): Promise<string[]> {
  const file = path.join(services.config.dataDir, DEMO_FILE);
  if ((await services.orgs.all()).length > 0) {
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
  }
  const password = `demo-${randomBytes(6).toString('hex')}`;
  const hash = await hashPassword(password);
  const today = services.clock().toISOString().slice(0, 10);
  for (const o of ORGS) {
    await services.store.transaction(async (tx) => {
      const org = await services.orgs.create(
        { name: o.name, kind: o.kind, externalId: o.externalId, demo: true },
        'node',
        tx,
      );
      const node = nodeActor(org.id);
      const courses = await services.training.coursesOf(tx, org.id);
      for (const p of PEOPLE) {
        const email = `${p.local}@${o.domain}`;
        const { person } = await services.people.createAccount(
          tx,
          org.id,
          { email, name: p.name, jobTitle: p.job },
          'node',
          { demo: true },
        );
        await services.people.setDemoCredentials(
          tx,
          person.id,
          hash,
          services.box.seal(newTotpSecret()),
        );
        for (const role of p.roles) {
          const until = p.lapsesInDays
            ? new Date(services.clock().getTime() + p.lapsesInDays * 86_400_000).toISOString()
            : null;
          await services.roles.grant(
            node,
            { personId: person.id, role, reason: 'Demo set-up', validUntil: until },
            tx,
          );
        }
        for (const c of courses.filter((x) => x.mandatory)) {
          await services.training.record(
            node,
            {
              personId: person.id,
              courseId: c.id,
              completedOn: addDays(today, -p.trainedDaysAgo),
              evidence: 'Demo',
            },
            tx,
          );
        }
      }
    });
    await seedGovernanceDemo(services, o.name);
    await seedPortfolioDemo(services, o.name, o.domain);
  }
  await seedAgreementsDemo(services, ORGS[0]!.name, ORGS[1]!.name);
  const lines = [
    '',
    'Demo organisations are ready: Northshire County Council and Northshire Police.',
    `Sign in at ${services.config.publicUrl}/sign-in with any of these addresses and the password ${password}`,
    ...ORGS.map((o) => `  ${PEOPLE.map((p) => `${p.local}@${o.domain}`).join(', ')}`),
    'Each account asks for a one-time code. Get the current one with:',
    '  npx accord demo-code <email address>',
    '(lapsed@… has lapsed training, so Accord will refuse them personal data.)',
    '',
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return lines;
}
