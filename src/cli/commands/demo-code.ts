// `accord demo-code <email>`: the current one-time code of a demo account, so a newcomer can sign
// in without an authenticator app. Refused outside demo mode and for every real account.
import { Command } from 'commander';
import { AccordError } from '../../errors.ts';
import { currentCode } from '../../domain/identity/totp.ts';
import { out, withServices } from '../context.ts';

export function demoCodeCommand(): Command {
  return new Command('demo-code')
    .description('Print the current sign-in code of a demo account (demo mode only)')
    .argument('<email>', 'a demo account’s email address')
    .action(async (email: string) => {
      await withServices(async (s, config) => {
        if (!config.demo || config.env === 'production')
          throw new AccordError(
            'FORBIDDEN',
            'Demo codes exist only on a demo node (ACCORD_DEMO on, not production).',
          );
        const sealed = await s.people.demoSecret(s.store, email.trim().toLowerCase());
        if (!sealed) throw new AccordError('NOT_FOUND', `${email} is not a demo account.`);
        const now = s.clock();
        out(currentCode(s.box.open(sealed), now));
        process.stderr.write(
          `(valid for about ${30 - (Math.floor(now.getTime() / 1000) % 30)} more seconds)\n`,
        );
      });
    });
}
