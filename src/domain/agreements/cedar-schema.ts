// The Cedar schema an exported agreement is written against (cedar.ts), in Cedar's JSON schema
// format: who acts (Actor), on what (Records of one organisation and record type), how
// (transfer, lookup, check) and in what context.

export const NS = 'Accord';

export type CedarValue =
  | string
  | number
  | boolean
  | CedarValue[]
  | { __entity: { type: string; id: string } }
  | { __extn: { fn: string; arg: string } }
  | { [key: string]: CedarValue };

export interface CedarEntity {
  uid: { type: string; id: string };
  attrs: Record<string, CedarValue>;
  parents: { type: string; id: string }[];
}

type Attr = Record<string, unknown>;
export type CedarSchema = Record<string, Record<string, unknown>>;

const t = {
  string: { type: 'String' },
  long: { type: 'Long' },
  bool: { type: 'Boolean' },
  strings: { type: 'Set', element: { type: 'String' } },
  datetime: { type: 'Extension', name: 'datetime' },
  entity: (name: string) => ({ type: 'Entity', name }),
  record: (attributes: Record<string, Attr>) => ({ type: 'Record', attributes }),
};

/** The schema, with the subject's date fields the agreement's conditions use. */
export function cedarSchema(subjectDateFields: string[]): CedarSchema {
  const context = t.record({
    purpose: t.string,
    /** The fields asked for; ignored when everyField (all the agreement shares) is true. */
    fields: t.strings,
    everyField: t.bool,
    /** The yes/no check asked, "" for transfers and look-ups. */
    checkKey: t.string,
    now: t.datetime,
    /** Today's date (UTC) as yyyymmdd, for conditions on age. */
    today: t.long,
    /** The subject's dates as yyyymmdd, present only when the record holds a valid one. */
    subject: t.record(
      Object.fromEntries(subjectDateFields.map((f) => [f, { ...t.long, required: false }])),
    ),
    /** Look-ups or checks the recipient organisation has made today under this agreement. */
    usedToday: t.long,
  });
  const appliesTo = { principalTypes: ['Actor'], resourceTypes: ['Records'], context };
  return {
    [NS]: {
      entityTypes: {
        Organisation: { shape: t.record({ name: t.string }) },
        Actor: {
          shape: t.record({
            org: t.entity('Organisation'),
            kind: t.string,
            personId: t.string,
            roles: t.strings,
            mfa: t.bool,
            trainingCurrent: t.bool,
            scopes: { ...t.strings, required: false },
          }),
        },
        Records: { shape: t.record({ org: t.entity('Organisation'), recordType: t.string }) },
      },
      actions: { transfer: { appliesTo }, lookup: { appliesTo }, check: { appliesTo } },
    },
  };
}
