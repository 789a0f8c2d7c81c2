// The same transfer between two Accord nodes over loopback HTTPS, each in a process of its own as
// partner nodes are: node A (the council, this process) seals, signs and delivers it through its
// federation outbox (an offer, then its chunks); node B (the police, a child process keeping
// spare workers as a server does) verifies the manifest against A's key and each chunk against
// the manifest, stores it, and opens it when asked over its API; B's "opened" travels back to A.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { exchangeTerms } from '../test/helpers/exchange.ts';
import { setupOrg } from '../test/helpers/people.ts';
import { personAsset } from '../test/helpers/records.ts';
import { startNode, startNodeProcess } from '../test/federation/nodes.ts';
import type { TestNode } from '../test/federation/nodes.ts';
import { now, perSecond, setUpSettled } from './lib.ts';
import { WARM_WORKERS } from '../src/server.ts';
import { keepWarm } from '../src/domain/records/worker-spares.ts';
import { request } from '../src/domain/federation/transport.ts';

/** POSTs to a node's API over HTTPS, trusting its own certificate; returns the JSON answer. */
async function post(node: TestNode, path: string, token: string, body: unknown): Promise<unknown> {
  const payload = JSON.stringify(body);
  const reply = await request(
    new URL(path, node.url),
    {
      method: 'POST',
      ca: node.federation.identity.tls.cert,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      },
    },
    payload,
  );
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body);
}

export interface FederatedRun {
  rate: number;
  sealMs: number;
  deliverMs: number;
  openMs: number;
}

export async function federatedTransfer(lines: string[]): Promise<FederatedRun> {
  // As a running server does (node B keeps its own in its process).
  keepWarm(WARM_WORKERS);
  const [a, b] = await Promise.all([
    startNode('sqlite', 'Bench council node'),
    startNode('sqlite', 'Bench police node'),
  ]);
  let child: ChildProcess | undefined;
  try {
    const council = await setupOrg(a.services, 'Bench Council', { tokens: false });
    const police = await setupOrg(b.services, 'Bench Police');
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
    // Node B now runs in its own process, on the database and data directory set up here.
    await b.stop();
    child = await startNodeProcess(b, {}, { warm: true });
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
    const opened = (await post(
      b,
      `/api/exchange/transfers/${draft.id}/open`,
      police.people.handler.token,
      { assetId: inbox.id },
    )) as { recordCount: number };
    // Until B's "opened" has reached A.
    const deadline = now() + 60_000;
    while ((await a.services.exchange.transfers.views.get(sender, draft.id)).state !== 'opened') {
      if (now() > deadline) throw new Error('node A was not told the transfer was opened');
      await sleep(5);
    }
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
    if (child) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await a.close();
    await b.close();
  }
}
