import { Command, InvalidArgumentError } from 'commander';
import { AccordError } from '../../errors.ts';
import { inclusionProof, verifyInclusionProof } from '../../domain/audit/proofs.ts';
import { verifyLog } from '../../domain/audit/verify.ts';
import { out, withServices } from '../context.ts';
import { progressBar } from '../progress.ts';

function seqArg(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected an entry number (0, 1, 2, …)');
  return Number(v);
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('Check and prove the tamper-evident audit log');

  audit
    .command('verify')
    .description(
      'Recompute the whole Merkle tree and check every signed checkpoint; exits 10 and names the first bad entry if anything was altered, removed or reordered',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await withServices(async (s) => {
        const bar = progressBar('Verifying');
        try {
          return await verifyLog(s.audit, (done, total) => bar.update(done, total));
        } finally {
          bar.stop();
        }
      });
      if (opts.json) out(JSON.stringify(report));
      else if (report.ok) {
        out(
          `The audit log is intact: ${report.size} entries, ${report.checkpointsVerified} signed checkpoints verified (${report.ms} ms, ${report.hasher} hashing).`,
        );
      } else {
        out(
          `THE AUDIT LOG HAS BEEN ALTERED.${report.firstBadSeq !== null ? ` First bad entry: ${report.firstBadSeq}.` : ''}`,
        );
        for (const p of report.problems) out(`  - ${p}`);
      }
      if (!report.ok) process.exitCode = new AccordError('AUDIT_TAMPERED').exitCode;
    });

  audit
    .command('proof')
    .description(
      'Print a proof that entry <seq> is in the signed log, checked against the node key',
    )
    .argument('<seq>', 'the entry number', seqArg)
    .action(async (seq: number) => {
      await withServices(async (s) => {
        const proof = await inclusionProof(s.audit, seq);
        const check = verifyInclusionProof(proof, s.keys.publicKey);
        out(
          JSON.stringify({ ...proof, publicKey: s.keys.publicKeyRaw, verified: check.ok }, null, 2),
        );
        if (!check.ok)
          throw new AccordError('AUDIT_TAMPERED', `The proof does not verify: ${check.reason}.`);
      });
    });

  audit
    .command('checkpoint')
    .description('Sign a checkpoint of the log as it is now')
    .action(async () => {
      await withServices(async (s) => {
        const cp = await s.audit.checkpoint();
        if (!cp) out('The audit log is empty: nothing to sign.');
        else
          out(
            `Checkpoint: ${cp.size} entries, root ${cp.root}, signed by key ${cp.keyId} at ${cp.at}.`,
          );
      });
    });
  return audit;
}
