// Bootstrap commands for a node administrator: organisations and their first accounts.
// In production these are how the first administrator of each organisation is made.
import { Command, Option } from 'commander';
import { AccordError } from '../../errors.ts';
import { ORG_KINDS } from '../../domain/org/org.service.ts';
import { nodeActor } from '../../domain/policy/actor.ts';
import { ROLES, isRole } from '../../domain/policy/roles.ts';
import type { Services } from '../../services.ts';
import { out, withServices } from '../context.ts';

/** An organisation on this node by id or (case-insensitive) name. */
export async function findOrg(s: Services, idOrName: string) {
  const org = (await s.orgs.all()).find(
    (o) => o.id === idOrName || o.name.toLowerCase() === idOrName.toLowerCase(),
  );
  if (!org)
    throw new AccordError(
      'NOT_FOUND',
      `There is no organisation “${idOrName}”. See: accord org list`,
    );
  return org;
}

export function orgCommand(): Command {
  const org = new Command('org').description('Organisations on this node');
  org
    .command('create')
    .description('Create an organisation (with the starting duty rules and training courses)')
    .requiredOption('--name <name>', 'its name')
    .addOption(
      new Option('--kind <kind>', 'what it is').choices([...ORG_KINDS]).makeOptionMandatory(),
    )
    .option('--external-id <id>', 'e.g. its ODS code or force code')
    .action(async (o: { name: string; kind: string; externalId?: string }) => {
      await withServices(async (s) => {
        const created = await s.orgs.create(
          { name: o.name, kind: o.kind, externalId: o.externalId },
          'cli',
        );
        out(`Created ${created.name} (${created.kind}), id ${created.id}`);
      });
    });
  org
    .command('list')
    .description('List organisations')
    .action(async () => {
      await withServices(async (s) => {
        for (const o of await s.orgs.all())
          out(`${o.id}  ${o.kind.padEnd(8)} ${o.name}${o.demo ? ' (demo)' : ''}`);
      });
    });
  return org;
}

export function personCommand(): Command {
  const person = new Command('person').description('Accounts');
  person
    .command('create')
    .description('Add a person to an organisation and print their one-time link to set a password')
    .requiredOption('--org <id or name>', 'the organisation')
    .requiredOption('--email <address>', 'their email address (how they sign in)')
    .requiredOption('--name <name>', 'their full name')
    .option('--role <role...>', `roles to grant now (${ROLES.join(', ')})`)
    .action(async (o: { org: string; email: string; name: string; role?: string[] }) => {
      await withServices(async (s) => {
        const org = await findOrg(s, o.org);
        for (const r of o.role ?? [])
          if (!isRole(r))
            throw new AccordError('VALIDATION_FAILED', `${r} is not a role: ${ROLES.join(', ')}`);
        const { person: p, link } = await s.people.createAccount(
          s.store,
          org.id,
          { email: o.email, name: o.name },
          'cli',
        );
        const node = { ...nodeActor(org.id, 'accord CLI'), ref: 'cli' };
        for (const r of o.role ?? [])
          await s.roles.grant(node, {
            personId: p.id,
            role: r,
            reason: 'Granted with accord person create',
          });
        out(`Added ${p.name} to ${org.name}${o.role?.length ? ` as ${o.role.join(', ')}` : ''}.`);
        out(`One-time link to set a password (valid 7 days): ${link}`);
      });
    });
  return person;
}
