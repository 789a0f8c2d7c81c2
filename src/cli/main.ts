// `accord` — the command line. Commands call the same services as the API and pages.
// Exit codes: see EXIT_CODES below and docs/cli.md.
import { Command, CommanderError } from 'commander';
import { AccordError, isAccordError } from '../errors.ts';
import { startCommand } from './commands/start.ts';
import { migrateCommand } from './commands/migrate.ts';
import { auditCommand } from './commands/audit.ts';
import { orgCommand, personCommand } from './commands/org.ts';
import { demoCodeCommand } from './commands/demo-code.ts';
import { keysCommand } from './commands/keys.ts';
import { importCommand } from './commands/import.ts';
import { agreementsCommand } from './commands/agreements.ts';
import { retentionCommand } from './commands/retention.ts';
import { nodesCommand } from './commands/nodes.ts';

export const EXIT_CODES = `Exit codes:
  0   success
  1   unexpected error
  2   bad input or usage
  3   not found
  10  the audit log has been altered (audit verify)
  69  the database cannot be reached
  70  a migration failed
  78  the configuration is not valid or not safe`;

export function program(): Command {
  const p = new Command('accord')
    .description('Accord: lawful, secure and provable sharing of personal data.')
    .addHelpText(
      'after',
      `\nConfiguration comes from environment variables (see README).\n\n${EXIT_CODES}`,
    )
    .showHelpAfterError()
    .exitOverride();
  p.addCommand(startCommand());
  p.addCommand(migrateCommand());
  p.addCommand(auditCommand());
  p.addCommand(orgCommand());
  p.addCommand(personCommand());
  p.addCommand(demoCodeCommand());
  p.addCommand(keysCommand());
  p.addCommand(importCommand());
  p.addCommand(agreementsCommand());
  p.addCommand(retentionCommand());
  p.addCommand(nodesCommand());
  // addCommand() does not pass settings down: make every command throw instead of exiting.
  const inherit = (c: Command): void => {
    c.exitOverride().showHelpAfterError();
    c.commands.forEach(inherit);
  };
  inherit(p);
  return p;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = isAccordError(e) ? e : new AccordError('INTERNAL', (e as Error).message);
    console.error(`accord: ${err.message}${err.code === 'INTERNAL' ? '' : ` [${err.code}]`}`);
    for (const p of err.problems)
      console.error(
        `  - ${p.line ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`,
      );
    if (err.code === 'INTERNAL' && process.env.ACCORD_DEBUG) console.error(e);
    return err.exitCode;
  }
}

// Run when executed as the `accord` binary (bin/accord.mjs imports this module).
if (process.argv[1] && /accord(\.mjs)?$|main\.ts$/.test(process.argv[1])) {
  process.exitCode = await run(process.argv.slice(2));
}
