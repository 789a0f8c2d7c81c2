// The agreement builder on a federated node offers the record types a partner node published for
// its organisation: a council drafting with the police on another node picks the police's fields
// on the flows page and a police field for a yes/no check, marked as the partner's catalogue; the
// pages pass axe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { exchangeTerms } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';
import { startNode } from '../federation/nodes.ts';
import type { TestNode } from '../federation/nodes.ts';

let a: TestNode;
let b: TestNode;
let council: OrgFixture;
let police: OrgFixture;
let browser: Browser;

before(async () => {
  [a, b] = await Promise.all([
    startNode('sqlite', 'Council node'),
    startNode('sqlite', 'Police node'),
  ]);
  council = await setupOrg(a.services, 'Westshire Council', { tokens: false });
  police = await setupOrg(b.services, 'Westshire Police', { tokens: false });
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
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await a?.close();
  await b?.close();
});

async function next(page: Page, label: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)]);
}

test('the flows and checks pages offer the partner’s published record types', async () => {
  const iao = await council.actor('iao');
  const draft = await a.services.agreements.draft(iao, 'Police records for the council');
  const terms = exchangeTerms(a.services, police, council, { flows: [], checks: [] });
  await a.services.agreements.saveDraft(iao, draft.latest.versionId, terms);
  // The node serves its self-signed certificate: the browser is told to accept it here only.
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  const { secret } = await giveCredentials(a.services, council.people.iao.personId);
  await signIn(page, a.url, council.people.iao.email, secret);
  const base = `${a.url}/agreements/${draft.id}/draft/${draft.latest.versionId}`;
  await page.goto(`${base}/flows`);
  await assertAccessible(page, 'flows with a partner');
  const body = (await page.locator('main').textContent()) ?? '';
  assert.match(body, /Westshire Police is on a partner node/);
  const flow = `flow|${police.orgId}|${council.orgId}|person`;
  for (const f of ['givenName', 'familyName', 'postcode'])
    await page.check(`input[name="${flow}"][value="${f}"]`);
  await next(page, 'Save and continue');
  await assertAccessible(page, 'operations with a partner');
  await page.check('input[name="operations"][value="check"]');
  await page.fill('#checksPerDay', '20');
  await page.fill('#checks', 'Does the person live in AB1 0CD?');
  await page.selectOption('#checkField', `${police.orgId}|person|postcode`);
  await page.fill('#checkYesWhen', 'AB1 0CD');
  await next(page, 'Save and continue');
  const saved = (await a.services.agreements.get(iao, draft.id)).latest.terms;
  assert.deepEqual(saved.flows, [
    {
      from: police.orgId,
      to: council.orgId,
      recordType: 'person',
      fields: ['familyName', 'givenName', 'postcode'],
    },
  ]);
  assert.equal(saved.checks[0]?.from, police.orgId);
  assert.equal(saved.checks[0]?.field, 'postcode');
});
