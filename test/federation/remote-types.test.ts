// Record types across nodes: each node publishes its organisations' record types (schema only) with
// its directory, so a council on one node proposes an agreement in which the police on the other
// provide records and answer yes/no checks. The proposal is checked against the police's published
// catalogue here, and again against the real record types by the police's node when it arrives: a
// stale or forged catalogue is refused there, audited on both sides, and the proposal rejected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LIBRARY } from '../../src/domain/records/library.ts';
import { AccordError } from '../../src/errors.ts';
import type { Services } from '../../src/services.ts';
import { proposed } from '../helpers/agreements.ts';
import { forEachDialect } from '../helpers/db.ts';
import { CHECK_KEY, exchangeTerms, peopleAsset } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person } from '../helpers/records.ts';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

async function refusal(p: Promise<unknown>): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AccordError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

/** The audit entries of one action in an organisation's log. */
async function entries(s: Services, orgId: string, action: string) {
  const rows = await s.store.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('org_id', '=', orgId)
    .where('action', '=', action)
    .execute();
  return rows.map(
    (r) => JSON.parse(r.entry) as { outcome: string; details: Record<string, unknown> },
  );
}

/** The person schema with one field changed (a new version of the police's type). */
function personSchema(change: (props: Record<string, Record<string, unknown>>) => void) {
  const schema = structuredClone(LIBRARY.find((t) => t.key === 'person')!.schema) as {
    properties: Record<string, Record<string, unknown>>;
  };
  change(schema.properties);
  return schema;
}

forEachDialect('record types across nodes', (dialect) => {
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  before(async () => {
    [a, b] = await Promise.all([
      startNode(dialect, 'Council node'),
      startNode(dialect, 'Police node'),
    ]);
    council = await setupOrg(a.services, 'Eastshire Council');
    police = await setupOrg(b.services, 'Eastshire Police', { tokens: false });
    await a.federation.trust.trust(
      await council.actor('administrator'),
      b.url,
      b.federation.trust.card().fingerprint,
    );
    await b.federation.trust.trust(
      await police.actor('administrator'),
      a.url,
      a.federation.trust.card().fingerprint,
    );
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  /** Terms in which the police provide person records to the council and answer a check. */
  const fromPolice = (over = {}) => exchangeTerms(a.services, police, council, over);

  test('the police node publishes its record types, schema only; the builder offers them', async () => {
    const row = await a.services.store.db
      .selectFrom('federation_org')
      .select('record_types')
      .where('org_id', '=', police.orgId)
      .executeTakeFirstOrThrow();
    const catalogue = JSON.parse(row.record_types!) as {
      key: string;
      version: number;
      fields: { name: string; category: string; marking: string; identifies?: string }[];
    }[];
    const personType = catalogue.find((t) => t.key === 'person')!;
    assert.equal(personType.version, 1);
    const nhs = personType.fields.find((f) => f.name === 'nhsNumber')!;
    assert.deepEqual(
      [nhs.category, nhs.marking, nhs.identifies],
      ['personal', 'OFFICIAL-SENSITIVE', 'nhs-number'],
    );
    // Nothing but the schema: no record of the police's travels with it.
    assert.doesNotMatch(row.record_types!, new RegExp(String(person(0).familyName)));
    const iao = await council.actor('iao');
    const draft = await a.services.agreements.draft(iao, 'Police records for the council');
    await a.services.agreements.saveDraft(iao, draft.latest.versionId, fromPolice());
    const ctx = await a.services.builder.context(iao, draft.latest.versionId);
    const offered = ctx.recordTypes[police.orgId]!.find((t) => t.key === 'person')!;
    assert.ok(offered.fields.some((f) => f.name === 'postcode'));
    await a.services.agreements.withdraw(iao, draft.latest.versionId);
  });

  test('a field or type the police’s published type does not have is refused at proposal', async () => {
    const terms = fromPolice();
    terms.flows[0]!.fields.push('shoeSize');
    terms.checks[0]!.field = 'eyeColour';
    const e = await refusal(proposed(a.services, council, terms));
    assert.equal(e.code, 'VALIDATION_FAILED');
    const messages = e.problems.map((p) => p.message);
    assert.ok(messages.includes('“shoeSize” is not a field of person'), messages.join('; '));
    assert.ok(messages.some((m) => m.includes('“eyeColour”')));
    const unknown = await refusal(
      proposed(
        a.services,
        council,
        fromPolice({ flows: [{ ...fromPolice().flows[0]!, recordType: 'tenancy' }], checks: [] }),
      ),
    );
    assert.ok(unknown.problems.some((p) => p.message.includes('no record type “tenancy”')));
    // The same through the API: the draft's problems, then the refused proposal.
    const headers = { authorization: `Bearer ${council.people.iao.token}` };
    const draft = await a.services.agreements.draft(await council.actor('iao'), 'Over the API');
    const saved = await a.app.inject({
      method: 'PUT',
      url: `/api/agreement-versions/${draft.latest.versionId}/terms`,
      headers,
      payload: terms,
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const listed = await a.app.inject({
      url: `/api/agreement-versions/${draft.latest.versionId}/problems`,
      headers,
    });
    assert.ok(
      JSON.stringify(listed.json()).includes('“shoeSize” is not a field of person'),
      listed.body,
    );
    const refused = await a.app.inject({
      method: 'POST',
      url: `/api/agreement-versions/${draft.latest.versionId}/propose`,
      headers,
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'VALIDATION_FAILED');
  });

  let agreementId = '';
  test('a flow police→council and a police check, proposed on the council node, approved on both', async () => {
    let ag = await proposed(a.services, council, fromPolice());
    agreementId = ag.id;
    assert.deepEqual(ag.latest.terms.flows[0]!.from, police.orgId);
    await a.federation.outbox.flush();
    const onB = await b.services.agreements.get(await police.actor('dpo'), ag.id);
    assert.equal(onB.latest.status, 'proposed');
    for (const who of ['dpo', 'siro'] as const)
      await b.services.agreements.decide(
        await police.actor(who),
        ag.latest.versionId,
        'approve',
        null,
      );
    await b.federation.outbox.flush();
    for (const who of ['dpo', 'siro'] as const)
      ag = await a.services.agreements.decide(
        await council.actor(who),
        ag.latest.versionId,
        'approve',
        null,
      );
    assert.equal(ag.latest.status, 'active');
    await a.federation.outbox.flush();
    assert.equal(
      (await b.services.agreements.get(await police.actor('dpo'), ag.id)).latest.status,
      'active',
    );
  });

  test('the police send records to the council, and the council asks the police a check', async () => {
    const source = await peopleAsset(b.services, police, 2);
    const handler = await police.actor('handler');
    const draft = await b.services.exchange.transfers.create(handler, {
      recipientOrgId: council.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.equal((await b.services.exchange.transfers.ready(handler, draft.id)).state, 'delivered');
    const into = await peopleAsset(a.services, council, 0);
    const opened = await a.services.exchange.transfers.open(
      await council.actor('handler'),
      draft.id,
      into,
    );
    assert.equal(opened.state, 'opened');
    const check = await a.services.exchange.queries.check(await council.actor('handler'), {
      providerOrgId: police.orgId,
      purpose: 'safeguarding',
      checkKey: CHECK_KEY,
      identifiers: { nhsNumber: String(person(1).nhsNumber) },
    });
    assert.ok(['yes', 'no'].includes(check.answer));
    assert.equal(check.keyId, b.federation.identity.nodeId);
  });

  /** Proposes on A, delivers to B, and returns what each side then holds. */
  async function proposeAndDeliver(terms: ReturnType<typeof fromPolice>) {
    const ag = await proposed(a.services, council, terms);
    await a.federation.outbox.flush();
    const onB = await b.services.store.db
      .selectFrom('agreement_version')
      .select('status')
      .where('version_id', '=', ag.latest.versionId)
      .executeTakeFirst();
    const onA = await a.services.agreements.get(await council.actor('iao'), ag.id);
    return { ag, onB, onA };
  }

  test('a forged catalogue is refused by the police node on arrival, audited on both sides', async () => {
    // The council's node claims the police's person type has a shoe size.
    const row = await a.services.store.db
      .selectFrom('federation_org')
      .select('record_types')
      .where('org_id', '=', police.orgId)
      .executeTakeFirstOrThrow();
    const forged = (
      JSON.parse(row.record_types!) as { key: string; fields: Record<string, unknown>[] }[]
    ).map((t) =>
      t.key === 'person'
        ? {
            ...t,
            fields: [
              ...t.fields,
              { name: 'shoeSize', title: 'Shoe size', category: 'none', marking: 'OFFICIAL' },
            ],
          }
        : t,
    );
    await a.services.store.db
      .updateTable('federation_org')
      .set({ record_types: JSON.stringify(forged) })
      .where('org_id', '=', police.orgId)
      .execute();
    const terms = fromPolice({ title: 'Forged catalogue' });
    terms.flows[0]!.fields.push('shoeSize');
    const { ag, onB, onA } = await proposeAndDeliver(terms);
    assert.equal(onB, undefined, 'the police node holds nothing of it');
    assert.equal(onA.latest.status, 'rejected');
    const there = await entries(b.services, police.orgId, 'agreements.proposal-refused');
    assert.equal(there.length, 1);
    assert.equal(there[0]!.outcome, 'refused');
    assert.equal(there[0]!.details.code, 'AGREEMENT_TYPES_MISMATCH');
    assert.match(String(there[0]!.details.reason), /shoeSize/);
    const here = await entries(a.services, council.orgId, 'agreements.proposal-refused');
    assert.equal(here.length, 1);
    assert.equal(here[0]!.details.code, 'AGREEMENT_TYPES_MISMATCH');
    assert.equal(here[0]!.details.nowRejected, true);
    // A new version can correct it.
    const again = await a.services.agreements.newVersion(await council.actor('iao'), ag.id);
    assert.equal(again.latest.status, 'draft');
  });

  test('a stale catalogue (the police’s type changed since) is refused on arrival', async () => {
    // The police's node changed its person type: postcode is now special-category. The council's
    // node has not yet heard (the change bypasses publishing here).
    const schema = personSchema((p) => {
      p.postcode!['x-accord'] = { category: 'special-category', marking: 'OFFICIAL-SENSITIVE' };
    });
    await b.services.store.db
      .insertInto('record_type')
      .values({
        type_id: randomUUID(),
        org_id: police.orgId,
        key: 'person',
        version: 2,
        title: 'Person (citizen)',
        description: '',
        schema: JSON.stringify(schema),
        created_by: 'test',
        created_at: new Date().toISOString(),
      })
      .execute();
    const { onB, onA } = await proposeAndDeliver(fromPolice({ title: 'Stale catalogue' }));
    assert.equal(onB, undefined);
    assert.equal(onA.latest.status, 'rejected');
    const there = await entries(b.services, police.orgId, 'agreements.proposal-refused');
    assert.equal(there.length, 2);
    assert.match(String(there[1]!.details.reason), /postcode/);
  });

  test('a type defined on the police node is published at once; the council drafts against it', async () => {
    const schema = personSchema((p) => {
      delete p.phone;
    });
    await b.services.recordTypes.define(await police.actor('administrator'), {
      key: 'person',
      title: 'Person (citizen)',
      schema,
    });
    await b.federation.outbox.flush();
    const terms = fromPolice({ title: 'Phone numbers' });
    terms.flows[0]!.fields.push('phone');
    const e = await refusal(proposed(a.services, council, terms));
    assert.ok(e.problems.some((p) => p.message === '“phone” is not a field of person'));
  });

  test('an organisation created after the partners met reaches the other node at once', async () => {
    const later = await setupOrg(b.services, 'Eastshire Fire', { tokens: false });
    await b.federation.outbox.flush();
    const known = await a.services.store.db
      .selectFrom('federation_org')
      .select(['org_id', 'record_types'])
      .where('org_id', '=', later.orgId)
      .executeTakeFirst();
    assert.ok(known, 'node A knows the new organisation');
    const types = JSON.parse(known.record_types ?? '[]') as { key: string }[];
    assert.ok(types.some((t) => t.key === 'person'));
  });
});
