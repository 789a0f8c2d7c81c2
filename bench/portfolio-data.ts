// Synthetic delivery history for the portfolio benchmark: a year of events for many applications
// (pushes of a few commits, deployments of which some fail, incidents opened and resolved),
// written straight into delivery_event in large transactions.
import { randomUUID } from 'node:crypto';
import type { Services } from '../src/services.ts';
import { insertEvents } from '../src/domain/portfolio/delivery.repository.ts';
import { doraKey } from '../src/domain/portfolio/dora.ts';
import type { DeliveryEventTable } from '../src/domain/portfolio/portfolio.table.ts';

const HOUR = 3_600_000;
const PROD = doraKey('production');

/** Deterministic pseudo-random numbers. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedHistory(
  services: Services,
  orgId: string,
  appIds: string[],
  from: number,
  to: number,
  perApp: number,
): Promise<number> {
  const rand = rng(42);
  const received = new Date(to).toISOString();
  let total = 0;
  let rows: DeliveryEventTable[] = [];
  const flush = async (): Promise<void> => {
    const batch = rows;
    rows = [];
    await services.store.transaction(async (tx) => {
      total += await insertEvents(tx, batch);
    });
  };
  for (const appId of appIds) {
    const base = (kind: string, key: string, at: number): DeliveryEventTable => ({
      event_id: randomUUID(),
      org_id: orgId,
      app_id: appId,
      kind,
      source: 'api',
      dedupe_key: key,
      occurred_at: new Date(Math.round(at)).toISOString(),
      ref: null,
      sha: null,
      committed_at: null,
      head_sha: null,
      environment: null,
      status: null,
      rework: 0,
      changes: null,
      received_at: received,
      at_ms: Math.round(at),
      committed_ms: null,
      sha_key: null,
      head_key: null,
      ref_key: null,
      env_key: null,
    });
    // Each cycle: a push of 1–3 commits, a production deployment (8% fail, then a retry), and now
    // and then an incident; ~1000 events per application over the year.
    const span = to - from;
    let made = 0;
    let n = 0;
    let at = from;
    const step = span / (perApp / 3.2);
    while (made < perApp && at < to) {
      at += step * (0.5 + rand());
      const commits = 1 + Math.floor(rand() * 3);
      const head = `${appId.slice(0, 8)}${(n++).toString(16).padStart(32, '0')}`;
      for (let c = 0; c < commits; c++) {
        const sha = c === commits - 1 ? head : `${head.slice(0, 8)}${'abc'[c]}${head.slice(9)}`;
        const committed = Math.round(at - rand() * 48 * HOUR);
        rows.push({
          ...base('change', `change:${sha}`, at),
          sha,
          committed_at: new Date(committed).toISOString(),
          head_sha: head,
          committed_ms: committed,
          sha_key: doraKey(sha),
          head_key: doraKey(head),
        });
        made++;
      }
      const dAt = at + rand() * 6 * HOUR;
      const failed = rand() < 0.08;
      rows.push({
        ...base('deployment', `deploy:${n}:${failed ? 'failure' : 'success'}`, dAt),
        ref: String(n),
        sha: head,
        environment: 'production',
        env_key: PROD,
        status: failed ? 'failure' : 'success',
        ref_key: doraKey(String(n)),
        sha_key: doraKey(head),
      });
      made++;
      if (failed) {
        rows.push({
          ...base('deployment', `deploy:${n}r:success`, dAt + rand() * 3 * HOUR),
          ref: `${n}r`,
          sha: head,
          environment: 'production',
          env_key: PROD,
          status: 'success',
          ref_key: doraKey(`${n}r`),
          sha_key: doraKey(head),
        });
        made++;
      }
      if (rand() < 0.05) {
        const ref = `inc-${n}`;
        rows.push({
          ...base('incident-opened', `incident:${ref}:opened`, dAt + HOUR),
          ref,
          ref_key: doraKey(ref),
        });
        rows.push({
          ...base('incident-resolved', `incident:${ref}:resolved`, dAt + HOUR + rand() * 10 * HOUR),
          ref,
          ref_key: doraKey(ref),
        });
        made += 2;
      }
    }
    if (rows.length >= 20_000) await flush();
  }
  if (rows.length) await flush();
  return total;
}
