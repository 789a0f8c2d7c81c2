// Vulnerabilities from SARIF, CycloneDX (with VEX) and OSV fixtures: one vulnerability per id and
// component however many imports or tools report it, severity from CVSS, fixed when a later full
// scan by the same tool no longer reports it, time to fix against the service level.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { testClock } from '../../helpers/clock.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import { cvss3BaseScore, severityOf } from '../../../src/domain/portfolio/scans/cvss.ts';
import { parseScan } from '../../../src/domain/portfolio/scans/parse.ts';
import { AccordError } from '../../../src/errors.ts';

const scan = (name: string): string =>
  fs.readFileSync(new URL(`../../fixtures/portfolio/scans/${name}`, import.meta.url), 'utf8');
const DAY = 86_400_000;

describe('CVSS and the scan formats', () => {
  test('CVSS v3 base scores match FIRST’s calculator', () => {
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'), 10);
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H'), 7.2);
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), 6.1);
    assert.equal(cvss3BaseScore('CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N'), 5.5);
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
    assert.equal(cvss3BaseScore('CVSS:2.0/AV:N'), undefined);
    assert.deepEqual([9, 7, 4, 0.1, 0].map(severityOf), [
      'critical',
      'high',
      'medium',
      'low',
      'none',
    ]);
  });

  test('each format is recognised and read', () => {
    const s = parseScan(scan('codeql.sarif.json'));
    assert.equal(s.format, 'sarif');
    assert.equal(s.tool, 'CodeQL');
    assert.equal(s.findings.find((f) => f.key === 'js/sql-injection')?.severity, 'high');
    assert.equal(
      s.findings.find((f) => f.key === 'js/unused-local-variable')?.state,
      'not_affected',
    );
    const c = parseScan(scan('claims.cdx.json'));
    assert.equal(c.format, 'cyclonedx');
    assert.equal(c.tool, 'syft');
    const lodash = c.findings.find((f) => f.key === 'CVE-2021-23337')!;
    assert.equal(lodash.score, 7.2); // computed from the vector
    assert.equal(lodash.component, 'pkg:npm/lodash');
    assert.equal(lodash.version, '4.17.20');
    assert.equal(c.findings.find((f) => f.key === 'CVE-2020-36518')?.state, 'not_affected');
    const o = parseScan(scan('claims.osv.json'));
    assert.equal(o.format, 'osv');
    const log4j = o.findings.find((f) => f.key === 'CVE-2021-44228')!;
    assert.equal(log4j.component, 'pkg:maven/org.apache.logging.log4j/log4j-core');
    assert.ok(log4j.aliases.includes('GHSA-jfh8-c2jp-5v3q'));
    assert.equal(parseScan(scan('log4j.osv-record.json')).findings[0]!.key, 'CVE-2021-44228');
  });

  test('a SARIF result naming a rule its tool does not define is refused with where it is', () => {
    assert.throws(
      () => parseScan(scan('codeql-unknown-rule.sarif.json')),
      (e: unknown) =>
        e instanceof AccordError &&
        e.code === 'SCAN_UNKNOWN_RULE' &&
        e.problems[0]?.field === 'runs[0].results[1].ruleId' &&
        /js\/path-injection/.test(e.problems[0].message),
    );
    assert.throws(
      () => parseScan('not json'),
      (e: unknown) => e instanceof AccordError && e.code === 'SCAN_UNREADABLE',
    );
    assert.throws(
      () => parseScan({ version: '2.0.0', runs: [] }, 'sarif'),
      (e: unknown) => e instanceof AccordError && e.code === 'SCAN_UNREADABLE',
    );
    assert.throws(
      () => parseScan({ hello: 1 }),
      (e: unknown) => e instanceof AccordError && e.code === 'SCAN_UNREADABLE',
    );
  });
});

forEachDialect('vulnerabilities across imports', (dialect) => {
  let t: TestServices;
  let node: Actor;
  let appId: string;
  const clock = testClock(new Date('2026-03-01T09:00:00Z'));
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    const orgId = (await t.services.orgs.create({ name: 'Northshire', kind: 'council' }, 'node'))
      .id;
    node = nodeActor(orgId);
    appId = (
      await t.services.portfolio.applications.create(node, {
        name: 'Benefits claims',
        critical: true,
      })
    ).id;
  });
  after(async () => t.close());
  const v = () => t.services.portfolio.vulnerabilities;

  test('SARIF, CycloneDX and OSV imports de-duplicate into one register', async () => {
    let r = await v().importScan(node, appId, { scan: scan('codeql.sarif.json') });
    assert.deepEqual([r.format, r.findings, r.opened, r.closed], ['sarif', 3, 2, 1]);
    r = await v().importScan(node, appId, { scan: scan('claims.cdx.json') });
    assert.deepEqual([r.tool, r.opened, r.closed], ['syft', 2, 1]);
    clock.advance(3 * DAY);
    r = await v().importScan(node, appId, { scan: scan('log4j.osv-record.json'), full: false });
    assert.deepEqual([r.opened, r.unchanged], [0, 1]);
    r = await v().importScan(node, appId, { scan: scan('claims.osv.json') });
    assert.deepEqual([r.tool, r.opened, r.unchanged], ['osv-scanner', 1, 2]);
    // Importing the same scan again changes nothing.
    r = await v().importScan(node, appId, { scan: scan('claims.osv.json') });
    assert.deepEqual([r.opened, r.reopened, r.closed, r.unchanged], [0, 0, 0, 3]);
    const all = (await v().list(node, appId, 'all')).vulnerabilities;
    assert.equal(all.length, 7);
    const log4j = all.filter((x) => x.key === 'CVE-2021-44228');
    assert.equal(log4j.length, 1, 'Log4Shell from CycloneDX and OSV is one vulnerability');
    assert.deepEqual([log4j[0]!.severity, log4j[0]!.cvssScore], ['critical', 10]);
    assert.ok(log4j[0]!.aliases.includes('GHSA-jfh8-c2jp-5v3q'));
    assert.equal(log4j[0]!.firstSeenAt.slice(0, 16), '2026-03-01T09:00');
    const open = (await v().list(node, appId, 'open')).vulnerabilities.map((x) => x.key).sort();
    assert.deepEqual(open, [
      'CVE-2021-23337',
      'CVE-2021-44228',
      'CVE-2021-44906',
      'js/reflected-xss',
      'js/sql-injection',
    ]);
  });

  test('a later full scan by the same tool fixes what it no longer reports; time to fix is judged against the service level', async () => {
    clock.advance(20 * DAY); // 23 days after Log4Shell was first seen
    const r = await v().importScan(node, appId, { scan: scan('claims-later.osv.json') });
    assert.deepEqual([r.closed, r.unchanged], [2, 1]);
    const list = await v().list(node, appId, 'all');
    const log4j = list.vulnerabilities.find((x) => x.key === 'CVE-2021-44228')!;
    assert.deepEqual(
      [log4j.state, log4j.closedReason, log4j.days, log4j.slaDays, log4j.withinSla],
      ['fixed', 'absent', 23, 14, false],
    );
    const lodash = list.vulnerabilities.find((x) => x.key === 'CVE-2021-23337')!;
    assert.deepEqual(
      [lodash.severity, lodash.days, lodash.slaDays, lodash.withinSla],
      ['high', 23, 30, true],
    );
    // The SARIF findings are CodeQL's: an OSV scan does not close them.
    assert.equal(list.vulnerabilities.find((x) => x.key === 'js/sql-injection')!.state, 'open');
    // Minimist (critical, 14 days) has been open 20 days: overdue.
    assert.equal(list.vulnerabilities.find((x) => x.key === 'CVE-2021-44906')!.overdue, true);
    assert.deepEqual(list.summary.open, { critical: 1, high: 1, medium: 1, low: 0, none: 0 });
    assert.equal(list.summary.overdue, 1);
    assert.equal(list.summary.withinSlaShare, 0.5);
    const s = await v().summary(node);
    assert.equal(s.applications[0]!.openTotal, 3);
    // Open at the end of March: 5 opened in March, 2 fixed on 24 March.
    assert.equal(s.openOverTime.find((x) => x.label === '2026-03')!.open, 3);
  });

  test('a vulnerability reported again after being fixed is reopened, keeping when it was first seen', async () => {
    const r = await v().importScan(node, appId, { scan: scan('claims.osv.json') });
    assert.equal(r.reopened, 2);
    const log4j = (await v().list(node, appId, 'open')).vulnerabilities.find(
      (x) => x.key === 'CVE-2021-44228',
    )!;
    assert.deepEqual(
      [log4j.reopened, log4j.firstSeenAt.slice(0, 16), log4j.closedAt],
      [1, '2026-03-01T09:00', null],
    );
  });

  test('a SARIF file with an unknown rule stores nothing', async () => {
    const before = (await v().list(node, appId, 'all')).scans.length;
    await assert.rejects(
      v().importScan(node, appId, { scan: scan('codeql-unknown-rule.sarif.json') }),
      (e: unknown) => e instanceof AccordError && e.code === 'SCAN_UNKNOWN_RULE',
    );
    const after = await v().list(node, appId, 'all');
    assert.equal(after.scans.length, before);
    assert.equal(after.vulnerabilities.length, 7);
  });
});
