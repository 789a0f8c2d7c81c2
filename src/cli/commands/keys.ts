// `accord keys rotate`: re-wraps every organisation key under the current master key, starts a
// new data-key version, and with --reencrypt re-seals every record under it (resumably).
// `accord keys rotate-exchange <org>`: retires an organisation's exchange key and makes a new one.
import { Command } from 'commander';
import { AccordError } from '../../errors.ts';
import { loadConfig } from '../../config.ts';
import {
  forgetPreviousMasterKeys,
  loadMasterKeys,
  replaceMasterKeyFile,
} from '../../domain/keys/master-key.ts';
import { nodeActor } from '../../domain/policy/actor.ts';
import { reencryptOrg } from '../../domain/records/reencrypt.ts';
import { findOrg } from './org.ts';
import { out, withServices } from '../context.ts';
import { progressBar } from '../progress.ts';

export function keysCommand(): Command {
  const keys = new Command('keys').description('Encryption keys');
  keys
    .command('rotate')
    .description(
      'Re-wrap organisation keys under the current master key and start new data keys; old records keep opening',
    )
    .option(
      '--new-master',
      'first make a new master key file (the old one is kept until nothing needs it)',
    )
    .option(
      '--reencrypt',
      're-encrypt every record under the new data keys (safe to interrupt and run again)',
    )
    .action(async (opts: { newMaster?: boolean; reencrypt?: boolean }) => {
      const config = loadConfig();
      if (opts.newMaster) {
        if (loadMasterKeys(config.dataDir).source === 'environment') {
          throw new AccordError(
            'CONFIG_INVALID',
            'The master key comes from ACCORD_MASTER_KEY: set the new key there and the old one in ACCORD_MASTER_KEY_PREVIOUS, then run without --new-master.',
          );
        }
        const { oldId, newId } = replaceMasterKeyFile(config.dataDir);
        out(
          `New master key ${newId} (the old one, ${oldId}, is kept until every key is re-wrapped).`,
        );
      }
      await withServices(async (s) => {
        const r = await s.keyring.rotate(s.store);
        out(
          `Re-wrapped ${r.rewrapped} organisation key${r.rewrapped === 1 ? '' : 's'}; new data keys for ${r.newDataKeys.length} organisation${r.newDataKeys.length === 1 ? '' : 's'}.`,
        );
        if (opts.reencrypt) {
          for (const { orgId } of r.newDataKeys) {
            const bar = progressBar('Re-encrypting');
            try {
              const n = await reencryptOrg(s, s.keyring, orgId, (done, total) =>
                bar.update(done, total),
              );
              out(`Re-encrypted ${n} record${n === 1 ? '' : 's'} of organisation ${orgId}.`);
            } finally {
              bar.stop();
            }
          }
        }
        const removed = forgetPreviousMasterKeys(
          config.dataDir,
          await s.keyring.masterKeysInUse(s.store),
        );
        for (const id of removed) out(`Master key ${id} is no longer needed and was removed.`);
      });
    });
  keys
    .command('rotate-exchange')
    .description(
      'Retire an organisation’s exchange key and make a new one: transfers and correction notices are sealed to the new key from now on; what was sealed to the old one still opens',
    )
    .argument('<org>', 'the organisation (id or name)')
    .action(async (idOrName: string) => {
      await withServices(async (s) => {
        const org = await findOrg(s, idOrName);
        const actor = { ...nodeActor(org.id, 'accord CLI'), ref: 'cli' };
        const r = await s.exchange.exchangeKeys.rotate(actor);
        out(
          r.oldKeyId
            ? `Exchange key of ${org.name} rotated: ${r.oldKeyId} retired, ${r.newKeyId} current.`
            : `${org.name} had no exchange key: ${r.newKeyId} made and current.`,
        );
        // Partner nodes are told before this process ends; any that cannot be reached now are
        // retried by the running server's outbox.
        if (s.federation) await s.federation.outbox.flush().catch(() => undefined);
      });
    });
  return keys;
}
