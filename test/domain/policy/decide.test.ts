// The decision point as named scenarios: pure, no database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/domain/policy/decide.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import type { Role } from '../../../src/domain/policy/roles.ts';

const actor = (roles: Role[], over: Partial<Actor> = {}): Actor => ({
  kind: 'person',
  orgId: 'org-a',
  personId: 'p1',
  tokenId: null,
  sessionId: 's1',
  name: 'Pat',
  roles: new Set(roles),
  scopes: null,
  mfa: true,
  training: { current: true, lapsed: [], missing: [] },
  ref: 'person:p1',
  ...over,
});

test('a role that the action names allows it, with the role in the reason', () => {
  const d = decide(actor(['administrator']), 'people.manage', { orgId: 'org-a' });
  assert.equal(d.allow, true);
  assert.equal(d.reason, 'allowed: role Administrator');
});

test('missing role: refused, naming who can', () => {
  const d = decide(actor(['handler']), 'duties.manage', { orgId: 'org-a' });
  assert.deepEqual([d.allow, d.outcome, d.rule], [false, 'forbidden', 'role']);
  assert.equal(
    d.reason,
    'denied: only the Senior Information Risk Owner (SIRO) can edit segregation-of-duties rules and exceptions',
  );
});

test('another organisation: not found, whatever the roles', () => {
  const d = decide(actor(['administrator', 'siro', 'dpo']), 'people.read', { orgId: 'org-b' });
  assert.deepEqual([d.allow, d.outcome], [false, 'not-found']);
});

test('your own resource: allowed without the role when the action allows self', () => {
  assert.equal(
    decide(actor([]), 'people.read', { orgId: 'org-a', ownerPersonId: 'p1' }).rule,
    'self',
  );
  assert.equal(
    decide(actor([]), 'people.read', { orgId: 'org-a', ownerPersonId: 'p2' }).allow,
    false,
  );
});

test('anyone in the organisation may read the roles register', () => {
  assert.equal(
    decide(actor([]), 'roles.read', { orgId: 'org-a' }).reason,
    'allowed: anyone in the organisation may',
  );
});

test('a token without the scope is refused, even for a role that could', () => {
  const d = decide(actor(['administrator'], { scopes: new Set(['roles:read']) }), 'people.manage', {
    orgId: 'org-a',
  });
  assert.deepEqual([d.allow, d.rule], [false, 'scope']);
  assert.match(d.reason, /does not have the scope 'people:write'/);
});

test('partner-system tokens only do what partner systems may', () => {
  const system = actor([], {
    kind: 'system',
    personId: null,
    scopes: new Set(['org:read', 'records:read']),
  });
  assert.equal(decide(system, 'org.read', { orgId: 'org-a' }).allow, true);
  assert.equal(decide(system, 'personal-data.access', { orgId: 'org-a' }).allow, true);
  const d = decide({ ...system, scopes: new Set(['people:read']) }, 'people.read', {
    orgId: 'org-a',
  });
  assert.deepEqual([d.allow, d.rule], [false, 'system']);
});

test('personal data needs the second factor in a session', () => {
  const d = decide(actor(['handler'], { mfa: false }), 'personal-data.access', { orgId: 'org-a' });
  assert.deepEqual([d.allow, d.outcome], [false, 'second-factor']);
  // A token is a credential of its own: no second factor asked.
  assert.equal(
    decide(
      actor(['handler'], { mfa: false, scopes: new Set(['records:read']) }),
      'personal-data.access',
      { orgId: 'org-a' },
    ).allow,
    true,
  );
});

test('lapsed mandatory training refuses personal data, saying which course and since when', () => {
  const d = decide(
    actor(['handler'], {
      training: {
        current: false,
        lapsed: [{ course: 'data protection', expiredOn: '2026-03-31' }],
        missing: [],
      },
    }),
    'personal-data.access',
    { orgId: 'org-a' },
  );
  assert.deepEqual([d.allow, d.outcome], [false, 'training']);
  assert.equal(d.reason, 'denied: your data protection training expired on 31 March 2026');
  const never = decide(
    actor(['handler'], { training: { current: false, lapsed: [], missing: ['data protection'] } }),
    'personal-data.access',
    { orgId: 'org-a' },
  );
  assert.equal(never.reason, 'denied: you have not completed data protection training');
  // Training gates personal data only.
  assert.equal(
    decide(
      actor(['administrator'], {
        training: { current: false, lapsed: [], missing: ['data protection'] },
      }),
      'people.manage',
      { orgId: 'org-a' },
    ).allow,
    true,
  );
});

test('Accord itself (the node) may act for an organisation, and only that one', () => {
  const node = actor([], { kind: 'node', personId: null, ref: 'node' });
  assert.equal(decide(node, 'roles.grant', { orgId: 'org-a' }).allow, true);
  assert.equal(decide(node, 'roles.grant', { orgId: 'org-b' }).allow, false);
});
