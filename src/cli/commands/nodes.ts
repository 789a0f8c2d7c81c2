// `accord nodes`: this node's card, and the trust list of partner nodes. Run on the node's host by
// its operator (audited as `cli`); the same actions are in the API for administrators.
import { Command } from 'commander';
import { AccordError } from '../../errors.ts';
import { grouped } from '../../domain/federation/node-identity.ts';
import { OPERATOR } from '../../domain/federation/trust.service.ts';
import type { TrustedNode } from '../../domain/federation/trust.service.ts';
import type { Services } from '../../services.ts';
import { out, withServices } from '../context.ts';

function federation(s: Services): NonNullable<Services['federation']> {
  if (!s.federation)
    throw new AccordError('FEDERATION_OFF', 'Federation is off: set ACCORD_FEDERATION=true.');
  return s.federation;
}

function show(n: TrustedNode): void {
  out(`${n.nodeId}  ${n.state.padEnd(8)} ${n.name}  ${n.url}`);
  out(`    fingerprint ${n.fingerprint}`);
  for (const o of n.organisations) out(`    hosts ${o.orgId}  ${o.name}`);
  // An older node, which gets the oldest message forms, until it says otherwise.
  out(
    `    understands ${n.features === null ? '(not said: an older version)' : n.features.join(', ') || '(none)'}`,
  );
}

export function nodesCommand(): Command {
  const nodes = new Command('nodes').description('Federation: this node’s card and partner nodes');
  nodes
    .command('card')
    .description('Print this node’s card and the fingerprint to read to a partner’s administrator')
    .option('--json', 'the card as JSON')
    .action(async (o: { json?: boolean }) => {
      await withServices(async (s) => {
        const card = federation(s).trust.card();
        if (o.json) return out(JSON.stringify(card, null, 2));
        out(`Node        ${card.name} (${card.nodeId})`);
        out(`URL         ${card.url}`);
        out(`TLS SHA-256 ${card.tlsCertSha256}`);
        out(`Fingerprint ${grouped(card.fingerprint)}`);
      });
    });
  nodes
    .command('trust <url>')
    .description('Trust a partner node, if its card has the fingerprint you were given')
    .requiredOption('--fingerprint <fp>', 'its fingerprint, as its administrator read it to you')
    .action(async (url: string, o: { fingerprint: string }) => {
      await withServices(async (s) => {
        const n = await federation(s).trust.trust(OPERATOR, url, o.fingerprint);
        out(`Trusted ${n.name}.`);
        show(n);
      });
    });
  nodes
    .command('list')
    .description('List the trust list (trusted and revoked nodes, and whom they host)')
    .action(async () => {
      await withServices(async (s) => {
        const list = await federation(s).trust.list(OPERATOR);
        if (list.length === 0) out('No partner nodes yet. See: accord nodes trust --help');
        list.forEach(show);
      });
    });
  nodes
    .command('revoke <nodeId>')
    .description('Revoke a partner node: its messages are refused from now on')
    .action(async (nodeId: string) => {
      await withServices(async (s) => {
        show(await federation(s).trust.revoke(OPERATOR, nodeId));
      });
    });
  nodes
    .command('operator <orgId>')
    .description('Name the organisation whose administrators may change the trust list in the API')
    .action(async (orgId: string) => {
      await withServices(async (s) => {
        const o = await federation(s).trust.setOperator(orgId);
        out(`${o.name} (${o.orgId}) operates this node: its administrators manage the trust list.`);
      });
    });
  return nodes;
}
