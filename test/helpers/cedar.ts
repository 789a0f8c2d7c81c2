// Cedar as the oracle for the sharing policy: an exported agreement loaded into cedar-wasm
// (parsed once, validated strictly against its schema), and fast-check arbitraries for the
// requests thrown at both it and Accord's evaluator.
import assert from 'node:assert/strict';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { CedarExport } from '../../src/domain/agreements/cedar.ts';
import type { CedarRequest } from '../../src/domain/agreements/cedar-request.ts';
import type { CompiledVersion } from '../../src/domain/agreements/compile.ts';
import type { ShareRequest } from '../../src/domain/agreements/decide-share.ts';
import { OPERATIONS } from '../../src/domain/agreements/model.ts';
import type { Operation } from '../../src/domain/agreements/model.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import { ROLES } from '../../src/domain/policy/roles.ts';

const DAY = 86_400_000;
let loaded = 0;

/** The export parsed into cedar-wasm once; returns Cedar's decision for a request. */
export function cedarOracle(x: CedarExport): (r: CedarRequest) => 'allow' | 'deny' {
  const id = `accord-${++loaded}`;
  const schema = x.schema as unknown as cedar.Schema;
  const policies = { staticPolicies: x.policy };
  assert.deepEqual(cedar.preparsePolicySet(id, policies), { type: 'success' });
  assert.deepEqual(cedar.preparseSchema(id, schema), { type: 'success' });
  const v = cedar.validate({ schema, policies, validationSettings: { mode: 'strict' } });
  assert.equal(v.type, 'success', JSON.stringify(v));
  if (v.type === 'success') assert.deepEqual(v.validationErrors, [], JSON.stringify(v));
  assert.deepEqual(cedar.checkParseEntities({ entities: x.entities, schema }), {
    type: 'success',
  });
  return (r) => {
    const a = cedar.statefulIsAuthorized({
      principal: r.principal,
      action: r.action,
      resource: r.resource,
      context: r.context,
      entities: r.entities,
      preparsedPolicySetId: id,
      preparsedSchemaName: id,
      validateRequest: true,
    });
    if (a.type !== 'success') assert.fail(JSON.stringify(a.errors));
    assert.deepEqual(a.response.diagnostics.errors, [], 'Cedar evaluated every policy');
    return a.response.decision;
  };
}

/** What the requests are drawn from: the organisations, people and vocabulary in play. */
export interface RequestWorld {
  orgIds: string[];
  /** Person ids to act as (include the Caldicott-approved ones). */
  personIds: string[];
  recordTypes: string[];
  purposes: string[];
  fields: string[];
  checkKeys: string[];
  dobFields: string[];
  /** What the agreement allows in principle (a flow or a check): favoured requests aim at one. */
  targets: Target[];
  /** From the earliest start to the latest end. */
  window: [number, number];
  /** Instants where something changes (starts, ends, suspensions); requests cluster around them. */
  instants: number[];
}

interface Target {
  provider: string;
  recipient: string;
  recordType: string;
  operation: Operation;
  fields: string[];
  checkKey?: string;
}

function targetsOf(v: CompiledVersion): Target[] {
  const out: Target[] = [];
  for (const [key, fields] of v.flows) {
    const [provider = '', recipient = '', recordType = ''] = key.split('|');
    for (const operation of ['transfer', 'lookup'] as const)
      if (v.operations.has(operation))
        out.push({ provider, recipient, recordType, operation, fields: [...fields] });
  }
  if (v.operations.has('check'))
    for (const [checkKey, c] of v.checks)
      for (const recipient of [...v.parties].filter((o) => o !== c.from))
        out.push({
          provider: c.from,
          recipient,
          recordType: c.recordType,
          operation: 'check',
          fields: [],
          checkKey,
        });
  return out;
}

export function worldOf(versions: CompiledVersion[]): RequestWorld {
  const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
  return {
    orgIds: uniq(versions.flatMap((v) => [...v.parties])),
    personIds: uniq(versions.flatMap((v) => [...(v.caldicott ?? [])])),
    recordTypes: uniq(versions.flatMap((v) => [...v.flows.keys()].map((k) => k.split('|')[2]!))),
    purposes: uniq(versions.flatMap((v) => [...v.purposes.keys()])),
    fields: uniq(versions.flatMap((v) => [...v.flows.values()].flatMap((s) => [...s]))),
    checkKeys: uniq(versions.flatMap((v) => [...v.checks.keys()])),
    dobFields: uniq(versions.flatMap((v) => (v.underAge ? [v.underAge.field] : []))),
    window: inForce(versions),
    targets: versions.flatMap(targetsOf),
    instants: uniq(
      versions.flatMap((v) =>
        [v.startsAt, v.endsAt, v.suspendedAt, v.terminatedAt, v.supersededAt].filter(
          (x): x is number => x !== null,
        ),
      ),
    ),
  };
}

/** When the versions are meant to be in force: from the earliest start to the first stop. */
function inForce(versions: CompiledVersion[]): [number, number] {
  const from = Math.min(...versions.map((v) => v.startsAt));
  const stops = versions.flatMap((v) =>
    [v.endsAt, v.suspendedAt, v.terminatedAt].filter((x): x is number => x !== null && x > from),
  );
  return [from, Math.max(from, Math.max(...stops) - 1)];
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function actorArb(w: RequestWorld): Arbitrary<Actor> {
  return fc
    .record({
      kind: fc.constantFrom<Actor['kind']>('person', 'person', 'person', 'system', 'node'),
      orgId: fc.constantFrom(...w.orgIds, 'org-outside'),
      personId: fc.constantFrom(...w.personIds, 'person-unapproved'),
      roles: fc.subarray([...ROLES]),
      mfa: fc.boolean(),
      current: fc.boolean(),
      scopes: fc.option(fc.subarray(['records:read', 'records:write', 'org:read']), {
        nil: null,
      }),
    })
    .map((a) => ({
      kind: a.kind,
      orgId: a.orgId,
      personId: a.kind === 'person' ? a.personId : null,
      tokenId: a.scopes ? 'token-1' : null,
      sessionId: null,
      name: 'Someone',
      roles: new Set(a.kind === 'person' ? a.roles : []),
      scopes:
        a.kind === 'node'
          ? null
          : a.kind === 'system'
            ? new Set(a.scopes ?? [])
            : a.scopes && new Set(a.scopes),
      mfa: a.mfa,
      training: a.current
        ? { current: true, lapsed: [], missing: [] }
        : {
            current: false,
            lapsed: [{ course: 'Data protection', expiredOn: '2026-01-01' }],
            missing: [],
          },
      ref: a.kind === 'node' ? 'node' : `person:${a.personId}`,
    }));
}

/** Requests against the world: every input varied, instants near the edges that matter. */
export function requestArb(w: RequestWorld): Arbitrary<ShareRequest> {
  const lo = Math.min(...w.instants) - 60 * DAY;
  const hi = Math.max(...w.instants) + 60 * DAY;
  const now = fc.oneof(
    fc.integer({ min: lo, max: hi }),
    fc.constantFrom(...w.instants).chain((t) => fc.integer({ min: t - 2, max: t + 1 })),
  );
  return fc
    .record({
      actor: actorArb(w),
      operation: fc.constantFrom(...OPERATIONS),
      providerOrgId: fc.constantFrom(...w.orgIds, 'org-outside'),
      recordType: fc.constantFrom(...w.recordTypes, 'vehicle'),
      purpose: fc.oneof(
        { arbitrary: fc.constantFrom(...w.purposes, 'marketing'), weight: 3 },
        fc.constantFrom('fraud-prevention', 'marketing'),
      ),
      fields: fc.oneof(
        fc.constant(undefined),
        fc.subarray(w.fields),
        fc.subarray([...new Set([...w.fields, 'address', 'nhsNumber'])]),
      ),
      // Most requests are favourable — someone in good standing, between two organisations the
      // agreement names, for one of its purposes and operations, while it is meant to be in
      // force — varied in every other input: otherwise nearly all would be refused early.
      favour: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
      target: w.targets.length
        ? fc
            .constantFrom(...w.targets)
            .chain((t) => fc.record({ t: fc.constant(t), fields: fc.subarray(t.fields) }))
        : fc.constant(null),
      goodPurpose: w.purposes.length ? fc.constantFrom(...w.purposes) : fc.constant('marketing'),
      inForce: fc.integer({ min: w.window[0], max: w.window[1] }),
      checkKey: fc.option(fc.constantFrom(...w.checkKeys, 'no-such-check'), { nil: undefined }),
      now,
      // Dates of birth a few days either side of birthdays, and some that are not dates at all.
      dob: fc.oneof(
        fc.record({
          years: fc.integer({ min: 0, max: 25 }),
          days: fc.integer({ min: -3, max: 3 }),
        }),
        fc.constantFrom('2010-13-01', '2011-02-29', '2010-04-31', 'yesterday', 20100101, null),
      ),
      withSubject: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
      used: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
    })
    .map((g) => {
      const now = g.favour && g.now % 4 !== 0 ? g.inForce : g.now;
      const today = dayOf(now);
      const dob =
        g.dob && typeof g.dob === 'object'
          ? dayOf(
              Date.parse(`${Number(today.slice(0, 4)) - g.dob.years}${today.slice(4)}T00:00:00Z`) +
                g.dob.days * DAY,
            )
          : g.dob;
      const subject = g.withSubject
        ? Object.fromEntries(w.dobFields.map((f) => [f, dob]))
        : undefined;
      const used = g.used;
      // Three quarters of the favoured requests aim at one flow or check the agreement names.
      const aim = g.favour && g.target && g.now % 4 !== 1 ? g.target : null;
      const actor: Actor = g.favour
        ? {
            ...g.actor,
            kind: 'person',
            personId: g.actor.personId ?? 'person-unapproved',
            roles: new Set([...g.actor.roles, 'handler']),
            scopes: null,
            mfa: true,
            training: { current: true, lapsed: [], missing: [] },
          }
        : g.actor;
      return {
        actor: aim ? { ...actor, orgId: aim.t.recipient } : actor,
        operation: aim ? aim.t.operation : g.operation,
        providerOrgId: aim ? aim.t.provider : g.providerOrgId,
        recordType: aim ? aim.t.recordType : g.recordType,
        purpose: g.favour ? g.goodPurpose : g.purpose,
        now,
        ...(aim && g.fields ? { fields: aim.fields } : g.fields ? { fields: g.fields } : {}),
        ...(aim?.t.checkKey
          ? { checkKey: aim.t.checkKey }
          : g.checkKey
            ? { checkKey: g.checkKey }
            : {}),
        ...(subject ? { subject } : {}),
        ...(used === undefined ? {} : { usedToday: () => used }),
      };
    });
}
