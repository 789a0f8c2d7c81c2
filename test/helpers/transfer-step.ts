// One step of a transfer, run in its own process so a crash-safety test can kill it at a fault
// point (ACCORD_FAULT_POINT) and then look at what it left. Prints the transfer id when done.
// Usage: transfer-step.ts <config json> <step> <args json>
import { openServices } from '../../src/services.ts';
import { testConfig } from './app.ts';

interface Args {
  url: string;
  dataDir: string;
}
const [configJson, step, argsJson] = process.argv.slice(2) as [string, string, string];
const { url, dataDir } = JSON.parse(configJson) as Args;
const a = JSON.parse(argsJson) as Record<string, string>;
const s = await openServices(testConfig(url, dataDir), { actor: 'node' });
try {
  const actor = (await s.actors.personActor(a.personId!, { mfa: true }))!;
  const t = s.exchange.transfers;
  const done =
    step === 'create'
      ? await t.create(actor, {
          recipientOrgId: a.recipientOrgId!,
          agreementId: a.agreementId!,
          purpose: 'safeguarding',
          recordType: 'person',
          selection: { kind: 'asset', assetId: a.assetId! },
        })
      : step === 'ready'
        ? await t.ready(actor, a.transferId!)
        : step === 'open'
          ? await t.open(actor, a.transferId!, a.assetId!)
          : await t.acknowledge(actor, a.transferId!);
  console.log(done.id);
} finally {
  await s.close();
}
