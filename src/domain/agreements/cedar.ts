// An agreement as Cedar policy (https://www.cedarpolicy.com): the same compiled terms Accord
// decides from (compile.ts, decide-share.ts), written as policy text, with the schema and the
// entities the policy expects, so any Cedar engine can check Accord's decisions. The property
// test holds the two to the same answers; Accord's evaluator stays the fast path.
//
// Shape of the export. Accord's own standing rules (roles, token scopes, second factor,
// training: permissions.ts) are `forbid` policies; each version of the agreement that is
// approved gives one `permit` per flow (provider → recipient, record type) and one per yes/no
// check, every clause of the agreement a `when`/`unless` of its own. A request is allowed when
// some version permits it and no standing rule forbids it — as decideShare() allows when some
// candidate version does.
import type { Operation } from './model.ts';
import type { CompiledVersion } from './compile.ts';
import type { AgreementTerms } from './model.ts';
import { standingRules } from './cedar-standing.ts';
import { act, datetime, note, oneOf, org, str, strings, ukDay } from './cedar-text.ts';
import { cedarSchema, NS } from './cedar-schema.ts';
import type { CedarEntity, CedarSchema } from './cedar-schema.ts';

export { NS } from './cedar-schema.ts';
export type { CedarEntity, CedarSchema } from './cedar-schema.ts';

/** One version to export: what Accord compiled from it, and its terms (for names and notes). */
export interface ExportedVersion {
  compiled: CompiledVersion;
  terms: AgreementTerms;
}

export interface CedarExport {
  policy: string;
  schema: CedarSchema;
  /** The organisations and record sets the policy names (principals come with each request). */
  entities: CedarEntity[];
  /** The subject's date fields requests carry in context.subject (cedarRequest needs them). */
  subjectDateFields: string[];
}

/** The clauses every permit of a version shares: parties, time in force, purposes, conditions. */
function versionClauses(v: CompiledVersion, subjectField: (f: string) => string): string[] {
  const party = (e: string): string =>
    v.parties.size ? `[${[...v.parties].map(org).join(', ')}].contains(${e})` : 'false';
  const c = [
    `${note('Between two different parties to the agreement.')}\nwhen { ${party('principal.org')} && ${party('resource.org')} && principal.org != resource.org }`,
    `${note(`In force from the start of ${ukDay(v.startsAt)}.`)}\nwhen { context.now >= ${datetime(v.startsAt)} }`,
    `${note(`Expires at the start of ${ukDay(v.endsAt)}.`)}\nwhen { context.now < ${datetime(v.endsAt)} }`,
  ];
  if (v.terminatedAt !== null)
    c.push(
      `${note(`Terminated on ${ukDay(v.terminatedAt)}.`)}\nwhen { context.now < ${datetime(v.terminatedAt)} }`,
    );
  if (v.suspendedAt !== null)
    c.push(
      `${note(`Suspended on ${ukDay(v.suspendedAt)}.`)}\nwhen { context.now < ${datetime(v.suspendedAt)} }`,
    );
  if (v.supersededAt !== null)
    c.push(
      `${note(`Replaced by a later version from ${ukDay(v.supersededAt)}.`)}\nwhen { context.now < ${datetime(v.supersededAt)} }`,
    );
  c.push(`${note('Purposes.')}\nwhen { ${oneOf(v.purposes.keys(), 'context.purpose')} }`);
  if (v.underAge) {
    // age < N ⟺ date of birth (yyyymmdd) > today (yyyymmdd) − N·10000: whole calendar years,
    // as Accord counts them. An unknown or invalid date of birth fails the condition.
    const f = subjectField(v.underAge.field);
    c.push(
      `${note(`Condition: only subjects under ${v.underAge.age} (date of birth '${v.underAge.field}').`)}\nwhen { context.subject has ${f} && context.subject[${f}] > context.today - ${v.underAge.age * 10000} }`,
    );
  }
  return c;
}

function caldicott(v: CompiledVersion, fieldsExpr: string | null): string[] {
  if (!v.caldicott) return [];
  const who = `principal.kind == "person" && !${oneOf(v.caldicott, 'principal.personId')}`;
  return [
    `${note('Condition: special-category fields only to people the Caldicott Guardian approved.')}\nunless { ${who}${fieldsExpr ? ` && ${fieldsExpr}` : ''} }`,
  ];
}

function budget(limit: number | null, op: Operation, scoped: boolean): string[] {
  if (limit === null) return [];
  const words = op === 'lookup' ? 'look-ups' : 'checks';
  return [
    `${note(`Budget: at most ${limit} ${words} a day. Cedar cannot count: Accord counts them in its database and passes the count as context.usedToday.`)}\nunless { ${scoped ? `action == ${act(op)} && ` : ''}context.usedToday >= ${limit} }`,
  ];
}

function permit(id: string, scope: string, clauses: string[]): string {
  return `@id(${str(id)})\npermit (\n  principal is ${NS}::Actor,\n  ${scope},\n  resource is ${NS}::Records\n)\n${clauses.join('\n')};`;
}

/** The permits of one version; none when it is not approved by every party. */
function versionPolicies(
  x: ExportedVersion,
  subjectField: (f: string) => string,
  orgName: (id: string) => string,
): string[] {
  const v = x.compiled;
  const name = `${v.reference} v${v.version}`;
  if (!v.approved)
    return [
      note(
        `${name} is not approved by every party${v.waitingFor.length ? ` (waiting for ${v.waitingFor.join(', ')})` : ''}: it allows nothing.`,
      ),
    ];
  const common = versionClauses(v, subjectField);
  const out: string[] = [];
  const moves = (['transfer', 'lookup'] as const).filter((op) => v.operations.has(op));
  if (moves.length)
    for (const [key, shared] of v.flows) {
      const [from = '', to = '', ...rest] = key.split('|');
      const recordType = rest.join('|');
      const special = [...(v.special.get(key) ?? [])].filter((f) => shared.has(f));
      out.push(
        permit(
          `${name}: ${moves.join(' and ')} of ${recordType} records, ${orgName(from)} to ${orgName(to)}`,
          `action in [${moves.map(act).join(', ')}]`,
          [
            `${note('Direction and record type.')}\nwhen { resource.org == ${org(from)} && principal.org == ${org(to)} && resource.recordType == ${str(recordType)} }`,
            ...common,
            `${note('Fields: only these may flow (context.everyField asks for all of them).')}\nwhen { context.everyField || ${shared.size ? `${strings(shared)}.containsAll(context.fields)` : 'context.fields.isEmpty()'} }`,
            ...(special.length
              ? caldicott(
                  v,
                  `(context.everyField || context.fields.containsAny(${strings(special)}))`,
                )
              : []),
            ...(moves.includes('lookup') ? budget(v.budgets.lookupsPerDay, 'lookup', true) : []),
          ],
        ),
      );
    }
  if (v.operations.has('check'))
    for (const [key, c] of v.checks)
      out.push(
        permit(
          `${name}: yes/no check '${key}' on ${orgName(c.from)}'s ${c.recordType} records`,
          `action == ${act('check')}`,
          [
            `${note(`The check and whose records it asks about (field '${c.field}').`)}\nwhen { context.checkKey == ${str(key)} && resource.org == ${org(c.from)} && resource.recordType == ${str(c.recordType)} }`,
            ...common,
            ...(c.special ? caldicott(v, null) : []),
            ...budget(v.budgets.checksPerDay, 'check', false),
          ],
        ),
      );
  if (out.length === 0) out.push(note(`${name} has no flow or check its operations allow.`));
  return out;
}

/** The record sets the versions name, as `Records` entities (provider/recordType). */
function recordSets(versions: ExportedVersion[]): { org: string; recordType: string }[] {
  const seen = new Map<string, { org: string; recordType: string }>();
  for (const { compiled: v } of versions) {
    for (const key of v.flows.keys()) {
      const [from = '', , ...rest] = key.split('|');
      seen.set(`${from}/${rest.join('|')}`, { org: from, recordType: rest.join('|') });
    }
    for (const c of v.checks.values())
      seen.set(`${c.from}/${c.recordType}`, { org: c.from, recordType: c.recordType });
  }
  return [...seen.values()];
}

/** The Cedar policy, schema and entities for these versions of one agreement. */
export function exportCedar(versions: ExportedVersion[]): CedarExport {
  const names = new Map<string, string>();
  for (const { terms } of versions) for (const p of terms.parties) names.set(p.orgId, p.orgName);
  const orgName = (id: string): string => names.get(id) ?? id;
  const subjectFields = [
    ...new Set(versions.flatMap((x) => (x.compiled.underAge ? [x.compiled.underAge.field] : []))),
  ];
  const first = versions[0];
  const ref = first ? first.compiled.reference : '(none)';
  const header = [
    `Cedar policy for data-sharing agreement ${ref}${first ? ` “${first.terms.title}”` : ''}, version${versions.length === 1 ? '' : 's'} ${versions.map((x) => x.compiled.version).join(', ')}, exported by Accord.`,
    `Parties: ${[...names].map(([id, n]) => `${n} (${id})`).join('; ')}.`,
    'Requests: principal Accord::Actor (org, kind, personId, roles, mfa, trainingCurrent, scopes when a token is used);',
    'resource Accord::Records (the provider organisation and record type); action transfer, lookup or check;',
    'context: purpose, fields asked for (or everyField), checkKey, now (datetime), today (yyyymmdd),',
    'subject (dates of birth as yyyymmdd, for conditions), usedToday. See schema.json.',
    '',
    'What Cedar cannot express, and Accord supplies as request data or enforces elsewhere:',
    '- query budgets are counted in Accord’s database: the count so far today is context.usedToday;',
    '- roles, training and second factor come from Accord’s registers as principal attributes;',
    '- the subject’s date of birth is read from the record (an invalid date is left out);',
    '- which fields are special-category was recorded from the record type when proposed;',
    '- retention at the recipient, onward sharing, lawful bases and the DPIA are obligations',
    '  recorded in the agreement, not part of the decision:',
    ...versions.map(
      ({ compiled: v, terms: t }) =>
        `  v${v.version}: retention ${t.retentionAtRecipient || 'not set'}, onward sharing ${t.onwardSharing ? 'allowed' : 'not allowed'}, DPIA ${t.dpiaRef ?? 'none'}, lawful bases ${t.parties.map((p) => `${p.orgName} ${p.lawfulBasis}${p.specialCondition ? ` + ${p.specialCondition}` : ''}`).join('; ')}.`,
    ),
  ];
  const policy = [
    header.map((l) => (l ? note(l) : '//')).join('\n'),
    note("Accord's standing rules (permissions.ts): who may reach personal data at all."),
    ...standingRules(),
    ...versions.flatMap((x) => versionPolicies(x, str, orgName)),
  ].join('\n\n');
  return {
    policy: `${policy}\n`,
    schema: cedarSchema(subjectFields),
    entities: [
      ...[...names].map(([id, name]) => ({
        uid: { type: `${NS}::Organisation`, id },
        attrs: { name },
        parents: [],
      })),
      ...recordSets(versions).map((r) => recordsEntity(r.org, r.recordType)),
    ],
    subjectDateFields: subjectFields,
  };
}

export function recordsEntity(orgId: string, recordType: string): CedarEntity {
  return {
    uid: { type: `${NS}::Records`, id: `${orgId}/${recordType}` },
    attrs: { org: { __entity: { type: `${NS}::Organisation`, id: orgId } }, recordType },
    parents: [],
  };
}
