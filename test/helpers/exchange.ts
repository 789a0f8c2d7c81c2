// Exchange fixtures: a provider with an asset of people, a recipient with an asset to open
// transfers into, and an approved agreement allowing transfers, look-ups and a yes/no check.
import { Readable } from 'node:stream';
import type { Agreement } from '../../src/domain/agreements/agreements.view.ts';
import type { AgreementTerms } from '../../src/domain/agreements/model.ts';
import { setRestriction } from '../../src/domain/rights/record-ops.ts';
import type { Services } from '../../src/services.ts';
import type { Executor } from '../../src/store/store.ts';
import { approved, personTerms } from './agreements.ts';
import type { OrgFixture } from './people.ts';
import { person, personAsset } from './records.ts';

export const CHECK_KEY = 'lives-in-ab1';

/** Imports `count` people (person(from) … person(from + count - 1)) into a new asset of `org`. */
export async function peopleAsset(
  s: Services,
  org: OrgFixture,
  count: number,
  name = `People ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
  from = 0,
): Promise<string> {
  const asset = await personAsset(s, org, name);
  if (count > 0) {
    const lines = Array.from({ length: count }, (_, i) => `${JSON.stringify(person(from + i))}\n`);
    await s.imports.run(await org.actor('iao'), {
      assetId: asset.id,
      format: 'jsonl',
      fileName: 'people.jsonl',
      stream: Readable.from([lines.join('')]),
      purpose: 'test set-up',
    });
  }
  return asset.id;
}

/** Terms allowing transfers, look-ups and one yes/no check from `provider` to `recipient`. */
export function exchangeTerms(
  s: Services,
  provider: OrgFixture,
  recipient: OrgFixture,
  over: Partial<AgreementTerms> = {},
): AgreementTerms {
  return personTerms(s, provider, recipient, {
    operations: ['transfer', 'lookup', 'check'],
    checks: [
      {
        key: CHECK_KEY,
        question: 'Does the person live in AB1 0CD?',
        from: provider.orgId,
        recordType: 'person',
        field: 'postcode',
        yesWhen: ['AB1 0CD'],
      },
    ],
    budgets: { lookupsPerDay: 1000, checksPerDay: 1000 },
    ...over,
  });
}

export async function exchangeAgreement(
  s: Services,
  provider: OrgFixture,
  recipient: OrgFixture,
  over: Partial<AgreementTerms> = {},
): Promise<Agreement> {
  return approved(s, provider, recipient, exchangeTerms(s, provider, recipient, over));
}

/** A transfer's links, both halves by line: the source record sent and the copy it became. */
export async function transferLinks(
  ex: Executor,
  transferId: string,
): Promise<{ line: number; source_record_id: string; recipient_record_id: string | null }[]> {
  const sent = await ex.db
    .selectFrom('transfer_sent')
    .select(['line', 'source_record_id'])
    .where('transfer_id', '=', transferId)
    .orderBy('line')
    .execute();
  const runs = await ex.db
    .selectFrom('transfer_received')
    .selectAll()
    .where('transfer_id', '=', transferId)
    .execute();
  const copies = new Map<number, string>();
  for (const r of runs)
    (JSON.parse(r.record_ids) as string[]).forEach((id, i) => copies.set(r.first_line + i, id));
  return sent.map((l) => ({ ...l, recipient_record_id: copies.get(l.line) ?? null }));
}

/** Restricts (Art. 18) every record an organisation holds; returns a function lifting it again. */
export async function restrictAll(
  s: Services,
  orgId: string,
  at: string,
): Promise<() => Promise<void>> {
  const recordIds = (
    await s.store.db.selectFrom('record').select('record_id').where('org_id', '=', orgId).execute()
  ).map((r) => r.record_id);
  await s.store.transaction((tx) =>
    setRestriction(tx, orgId, recordIds, { at, reason: 'contested' }),
  );
  return () => s.store.transaction((tx) => setRestriction(tx, orgId, recordIds, null));
}
