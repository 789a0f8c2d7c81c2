// Training gates personal data; completions import all-or-nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestApp } from '../../helpers/app.ts';
import type { TestApp } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { addDays } from '../../../src/domain/training/training.service.ts';
import type { Services } from '../../../src/services.ts';

forEachDialect('training', (dialect) => {
  let t: TestApp;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestApp(dialect);
    s = t.services;
    org = await setupOrg(s, 'Training Council');
  });
  after(async () => t.close());

  test('lapsed training blocks personal data, says why, and the refusal is audited', async () => {
    // A handler whose data protection training was done 400 days ago (valid for 365).
    const { person } = await s.people.createAccount(
      s.store,
      org.orgId,
      { email: 'late@training.example', name: 'Lou Late' },
      'node',
    );
    const admin = await org.actor('administrator');
    await s.roles.grant(admin, { personId: person.id, role: 'handler', reason: 'case work' });
    const courses = await s.training.courses(admin);
    const today = s.clock().toISOString().slice(0, 10);
    for (const c of courses.filter((x) => x.mandatory)) {
      await s.training.record(admin, {
        personId: person.id,
        courseId: c.id,
        completedOn: addDays(today, c.name === 'Data protection' ? -400 : -10),
      });
    }
    const lou = (await s.actors.personActor(person.id))!;
    const d = await s.access.personalData(lou, 'safeguarding');
    assert.equal(d.allow, false);
    const expired = addDays(addDays(today, -400), 365);
    assert.match(
      d.reason,
      new RegExp(
        `your data protection training expired on ${new Date(`${expired}T00:00:00Z`).getUTCDate()} `,
      ),
    );
    const [entry] = await s.audit.list({
      orgId: org.orgId,
      actor: `person:${person.id}`,
      action: 'personal-data.access',
      limit: 1,
    });
    assert.deepEqual(
      [entry?.outcome, entry?.purpose, (entry?.details as { rule: string }).rule],
      ['deny', 'safeguarding', 'training'],
    );

    // Over the API, with the person's own token, the same answer.
    const { secret } = await s.tokens.create(lou, {
      name: 'cli',
      scopes: ['org:read', 'records:read'],
      expiresInDays: 5,
    });
    const me = (
      await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}` } })
    ).json();
    assert.equal(me.personalData.allow, false);
    assert.match(me.personalData.reason, /data protection training expired/);

    // A fresh completion lets them in.
    await s.training.record(admin, {
      personId: person.id,
      courseId: courses.find((c) => c.name === 'Data protection')!.id,
      completedOn: today,
    });
    assert.equal(
      (await s.access.personalData((await s.actors.personActor(person.id))!)).allow,
      true,
    );
  });

  test('a CSV with one bad row among 50 imports nothing and reports that row by line', async () => {
    const admin = await org.actor('administrator');
    const before = (await s.training.completions(admin)).length;
    const rows = ['email,course,completed_on,evidence'];
    for (let i = 0; i < 50; i++)
      rows.push(
        `${org.people.handler.email},Data protection,2026-01-${String((i % 28) + 1).padStart(2, '0')},cert ${i}`,
      );
    rows[31] = `nobody@nowhere.example,Data protection,2026-01-03,`;
    rows.push(`${org.people.handler.email},Basket weaving,2026-02-30,`);
    const err = await s.training.importCsv(admin, rows.join('\n')).catch((e: unknown) => e);
    assert.equal((err as { code: string }).code, 'VALIDATION_FAILED');
    const problems = (err as { problems: { line: number; field: string }[] }).problems;
    assert.deepEqual(
      problems.map((p) => [p.line, p.field]),
      [
        [32, 'email'],
        [52, 'course'],
        [52, 'completed_on'],
      ],
    );
    assert.equal((await s.training.completions(admin)).length, before, 'nothing was imported');
    await assert.rejects(
      s.training.importCsv(admin, 'email,course,when\nx,y,z'),
      (e: { problems: { message: string }[] }) =>
        e.problems.some((p) => /Unknown column “when”/.test(p.message)),
    );
    rows.splice(31, 1);
    rows.pop();
    assert.deepEqual(await s.training.importCsv(admin, rows.join('\n')), { imported: 49 });
  });

  test('the overview gives each person against each mandatory course', async () => {
    const o = await s.training.overview(await org.actor('dpo'));
    assert.deepEqual(
      o.courses.map((c) => c.name),
      ['Data protection', 'Information security'],
    );
    assert.ok(o.rows.find((r) => r.name === 'Lou Late'));
    assert.ok(o.currentShare > 0 && o.currentShare <= 1);
    await assert.rejects(s.training.overview(await org.actor('handler')), { code: 'FORBIDDEN' });
  });
});
