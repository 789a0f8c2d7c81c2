// `accord retention run [--dry-run] [--org <id or name>]`: the retention sweep for every
// organisation (or one), with a progress bar; a dry run lists what is due and changes nothing.
// Accord acts for each organisation, as the scheduled sweep does; certificates go to the audit log.
import { Command } from 'commander';
import { AccordError } from '../../errors.ts';
import { nodeActor } from '../../domain/policy/actor.ts';
import type { SweepReport } from '../../domain/rights/retention.service.ts';
import { out, withServices } from '../context.ts';
import { progressBar } from '../progress.ts';

function print(orgName: string, r: SweepReport): void {
  out(
    `${orgName}: ${r.due} record${r.due === 1 ? '' : 's'} due on or before ${r.today}, ${r.held} kept under legal hold${r.dryRun ? ' (dry run: nothing changed)' : `, ${r.processed} deleted or pseudonymised`}`,
  );
  for (const a of r.assets)
    if (a.due)
      out(
        `  ${a.assetName} (${a.period} from ${a.from}, then ${a.action}): ${a.due} due, ${a.held} on hold${r.dryRun ? '' : `, ${a.processed} done`}`,
      );
  if (r.dryRun)
    for (const s of r.sample)
      out(
        `    ${s.recordId}  ${s.assetName}  due ${s.retainUntil}${s.heldBecause ? `  HELD: ${s.heldBecause}` : ''}`,
      );
}

export function retentionCommand(): Command {
  const retention = new Command('retention').description('Retention rules and legal holds');
  retention
    .command('run')
    .description(
      'Delete or pseudonymise every record its asset’s retention rule says is due, except those under legal hold; each asset’s destruction certificate goes to the audit log',
    )
    .option('--dry-run', 'list what is due and change nothing')
    .option('--org <id or name>', 'only this organisation')
    .action(async (opts: { dryRun?: boolean; org?: string }) => {
      await withServices(async (s) => {
        const orgs = (await s.orgs.all()).filter(
          (o) => !opts.org || o.id === opts.org || o.name.toLowerCase() === opts.org.toLowerCase(),
        );
        if (opts.org && orgs.length === 0)
          throw new AccordError('NOT_FOUND', `There is no organisation “${opts.org}”.`);
        for (const o of orgs) {
          const bar = progressBar(`${o.name}`);
          try {
            const report = await s.rights.retention.run(nodeActor(o.id), {
              dryRun: opts.dryRun === true,
              progress: (done, total) => bar.update(done, total),
            });
            bar.stop();
            print(o.name, report);
          } finally {
            bar.stop();
          }
        }
      });
    });
  return retention;
}
