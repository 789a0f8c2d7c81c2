// `accord agreements export-cedar <id or reference>`: an agreement as Cedar policy text, with the
// schema and entities it expects, for checking Accord's decisions with any Cedar engine.
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AccordError } from '../../errors.ts';
import { nodeActor } from '../../domain/policy/actor.ts';
import { withAccess } from '../../domain/policy/gate.ts';
import * as repo from '../../domain/agreements/agreements.repository.ts';
import { agreementCedar } from '../../domain/agreements/cedar-export.ts';
import { out, withServices } from '../context.ts';

const PARTS = ['policy', 'schema', 'entities'] as const;
type Part = (typeof PARTS)[number];
const FILES: Record<Part, string> = {
  policy: 'policy.cedar',
  schema: 'schema.json',
  entities: 'entities.json',
};

function versionArg(v: string): number {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('expected a version number (1, 2, …)');
  return Number(v);
}

export function agreementsCommand(): Command {
  const agreements = new Command('agreements').description('Data-sharing agreements');
  agreements
    .command('export-cedar')
    .description(
      'Write an agreement as Cedar policy (policy.cedar) with the schema (schema.json) and entities (entities.json) it expects; every proposed or approved version, or one with --version',
    )
    .argument('<agreement>', 'the agreement’s reference (DSA-12) or id')
    .option('--out <dir>', 'write the three files into this directory (else print them)')
    .option('--version <n>', 'export this version only', versionArg)
    .addOption(new Option('--part <part>', 'print only this part').choices([...PARTS]))
    .action(async (ref: string, opts: { out?: string; version?: number; part?: Part }) => {
      const exported = await withServices(async (s) => {
        const id = (await repo.agreementIdByReference(s.store, ref)) ?? ref;
        const a = await repo.agreement(s.store, id);
        if (!a) throw new AccordError('NOT_FOUND', `There is no agreement “${ref}”.`);
        // Accord acting for the proposing organisation, recorded in the audit log as the CLI.
        const actor = { ...nodeActor(a.org_id, 'accord CLI'), ref: 'cli' };
        return withAccess(s, actor, (gate) =>
          agreementCedar(gate, s.sharing, a.agreement_id, s.clock(), opts.version),
        );
      });
      const text: Record<Part, string> = {
        policy: exported.cedar.policy,
        schema: `${JSON.stringify(exported.cedar.schema, null, 2)}\n`,
        entities: `${JSON.stringify(exported.cedar.entities, null, 2)}\n`,
      };
      const parts = opts.part ? [opts.part] : PARTS;
      if (opts.out) {
        fs.mkdirSync(opts.out, { recursive: true });
        for (const p of parts) fs.writeFileSync(path.join(opts.out, FILES[p]), text[p]);
        const versions = exported.versions.map((v) => v.compiled.version).join(', ');
        out(
          `Exported ${exported.reference} (version ${versions}) to ${parts.map((p) => path.join(opts.out!, FILES[p])).join(', ')}.`,
        );
      } else if (opts.part) process.stdout.write(text[opts.part]);
      else for (const p of parts) process.stdout.write(`==> ${FILES[p]} <==\n${text[p]}\n`);
    });
  return agreements;
}
