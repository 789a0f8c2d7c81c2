// The same transfer between two Accord nodes over loopback HTTPS: node A (the council) seals,
// signs and delivers it through its federation outbox (an offer, then one message per chunk);
// node B (the police) verifies the manifest against A's key and each chunk against the manifest,
// stores it, and opens it; B's "opened" travels back to A.
import { Readable } from 'node:stream';
import { exchangeTerms } from '../test/helpers/exchange.ts';
import { setupOrg } from '../test/helpers/people.ts';
import { personAsset } from '../test/helpers/records.ts';
import { startNode } from '../test/federation/nodes.ts';
import { now, perSecond, setUpSettled } from './lib.ts';
import { WARM_WORKERS } from '../src/server.ts';
import { keepWarm } from '../src/domain/records/worker-spares.ts';

export interface FederatedRun {
  rate: number;
  sealMs: number;
  deliverMs: number;
  openMs: number;
}

export async function federatedTransfer(lines: string[]): Promise<FederatedRun> {
  // As a running server does (both nodes share this process, and so the spares).
  keepWarm(WARM_WORKERS);
  const [a, b] = await Promise.all([
    startNode('sqlite', 'Bench council node'),
    startNode('sqlite', 'Bench police node'),
  ]);
  try {
    const council = await setupOrg(a.services, 'Bench Council', { tokens: false });
    const police = await setupOrg(b.services, 'Bench Police', { tokens: false });
    await a.federation.trust.trust(null, b.url, b.federation.trust.card().fingerprint);
    await b.federation.trust.trust(null, a.url, a.federation.trust.card().fingerprint);
    // Proposed on A; each side's DPO and SIRO approve on their own node.
    const terms = exchangeTerms(a.services, council, police);
    const iao = await council.actor('iao');
    let dsa = await a.services.agreements.draft(iao, terms.title);
    await a.services.agreements.saveDraft(iao, dsa.latest.versionId, terms);
    dsa = await a.services.agreements.propose(iao, dsa.latest.versionId);
    await a.federation.outbox.flush();
    for (const who of ['dpo', 'siro'] as const)
      await b.services.agreements.decide(
        await police.actor(who),
        dsa.latest.versionId,
        'approve',
        null,
      );
    await b.federation.outbox.flush();
    for (const who of ['dpo', 'siro'] as const)
      await a.services.agreements.decide(
        await council.actor(who),
        dsa.latest.versionId,
        'approve',
        null,
      );
    await a.federation.outbox.flush();
    const source = await personAsset(a.services, council, 'Residents');
    const inbox = await personAsset(b.services, police, 'From partners');
    await a.services.imports.run(await council.actor('iao'), {
      assetId: source.id,
      format: 'jsonl',
      fileName: 'people.jsonl',
      stream: Readable.from(lines),
      purpose: 'bench set-up',
    });
    await setUpSettled(a.services.store);
    const sender = await council.actor('handler');
    const t0 = now();
    const draft = await a.services.exchange.transfers.create(sender, {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source.id },
    });
    const t1 = now();
    const sent = await a.services.exchange.transfers.ready(sender, draft.id);
    if (sent.state !== 'delivered') throw new Error(`the transfer is ${sent.state}, not delivered`);
    const t2 = now();
    const opened = await b.services.exchange.transfers.open(
      await police.actor('handler'),
      draft.id,
      inbox.id,
    );
    await b.federation.outbox.flush();
    const t3 = now();
    if (opened.recordCount !== lines.length)
      throw new Error(`sent ${opened.recordCount} of ${lines.length}`);
    return {
      rate: perSecond(lines.length, t3 - t0),
      sealMs: Math.round(t1 - t0),
      deliverMs: Math.round(t2 - t1),
      openMs: Math.round(t3 - t2),
    };
  } finally {
    await a.close();
    await b.close();
  }
}
