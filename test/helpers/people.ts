// An organisation with one person in each role (plus one with none), each with current training
// and an API token with every scope, and a partner-system token.
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import { nodeActor } from '../../src/domain/policy/actor.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import { SCOPES, SYSTEM_SCOPES } from '../../src/domain/policy/permissions.ts';
import type { Services } from '../../src/services.ts';

export type Who = Role | 'member';

export interface OrgFixture {
  orgId: string;
  name: string;
  people: Record<Who, { personId: string; email: string; token: string }>;
  systemToken: string;
  /** The person as an actor (signed in with a second factor). */
  actor(who: Who): Promise<Actor>;
}

export async function setupOrg(
  services: Services,
  name: string,
  opts: { training?: boolean; tokens?: boolean } = {},
): Promise<OrgFixture> {
  const org = await services.orgs.create({ name, kind: 'council' }, 'node');
  const node = nodeActor(org.id);
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '-');
  const people = {} as OrgFixture['people'];
  const courses = await services.training.courses(node);
  for (const who of [...ROLES, 'member'] as Who[]) {
    const { person } = await services.people.createAccount(
      services.store,
      org.id,
      {
        email: `${who}@${slug}.example`,
        name: `${who[0]!.toUpperCase()}${who.slice(1)} of ${name}`,
      },
      'node',
    );
    if (who !== 'member')
      await services.roles.grant(node, { personId: person.id, role: who, reason: 'test set-up' });
    if (opts.training !== false) {
      for (const c of courses)
        await services.training.record(node, {
          personId: person.id,
          courseId: c.id,
          completedOn: services.clock().toISOString().slice(0, 10),
        });
    }
    people[who] = { personId: person.id, email: person.email, token: '' };
  }
  const actor = async (who: Who): Promise<Actor> =>
    (await services.actors.personActor(people[who].personId, { mfa: true }))!;
  if (opts.tokens !== false) {
    for (const who of Object.keys(people) as Who[]) {
      people[who].token = (
        await services.tokens.create(await actor(who), {
          name: 'test',
          scopes: [...SCOPES],
          expiresInDays: 30,
        })
      ).secret;
    }
  }
  const systemToken =
    opts.tokens === false
      ? ''
      : (
          await services.tokens.create(await actor('administrator'), {
            name: 'partner',
            scopes: [...SYSTEM_SCOPES],
            expiresInDays: 30,
            system: true,
          })
        ).secret;
  return { orgId: org.id, name, people, systemToken, actor };
}
