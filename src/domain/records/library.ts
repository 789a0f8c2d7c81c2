// The starter library of record types every organisation gets: a citizen, a party member, a
// safeguarding referral, a benefit entitlement, and a POLE-style person and event for policing.
import { field } from './annotations.ts';

const str = (extra: Record<string, unknown> = {}) => ({
  type: 'string',
  minLength: 1,
  maxLength: 500,
  ...extra,
});
const date = { type: 'string', format: 'date' };
const P = { category: 'personal', marking: 'OFFICIAL' } as const;
const PS = { category: 'personal', marking: 'OFFICIAL-SENSITIVE' } as const;
const SC = { category: 'special-category', marking: 'OFFICIAL-SENSITIVE' } as const;
const CO = { category: 'criminal-offence', marking: 'OFFICIAL-SENSITIVE' } as const;
const NONE = { category: 'none', marking: 'OFFICIAL' } as const;

const nhsNumber = field(
  str({ pattern: '^[0-9 ]{10,12}$' }),
  { ...PS, identifies: 'nhs-number' },
  'NHS number',
);
const niNumber = field(
  str({ pattern: '^[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]$' }),
  { ...PS, identifies: 'ni-number' },
  'National Insurance number',
);
const familyName = field(str(), { ...P, identifies: 'family-name' }, 'Family name');
const givenName = field(str(), { ...P, identifies: 'given-name' }, 'Given name');
const dateOfBirth = field(
  date,
  { ...P, identifies: 'date-of-birth', retentionDate: true },
  'Date of birth',
);
const postcode = field(str({ maxLength: 10 }), { ...P, identifies: 'postcode' }, 'Postcode');
const address = field(str(), P, 'Address');

export interface LibraryType {
  key: string;
  title: string;
  description: string;
  schema: Record<string, unknown>;
}

function object(properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  };
}

export const LIBRARY: LibraryType[] = [
  {
    key: 'person',
    title: 'Person (citizen)',
    description:
      'A resident or service user, identified by NHS number, National Insurance number, or name, date of birth and postcode.',
    schema: object(
      {
        nhsNumber,
        niNumber,
        familyName,
        givenName,
        dateOfBirth,
        postcode,
        address,
        phone: field(str({ maxLength: 30 }), P, 'Phone'),
        email: field(str({ format: 'email' }), P, 'Email address'),
        lastContact: field(date, { ...NONE, retentionDate: true }, 'Last contact'),
      },
      ['familyName', 'givenName', 'dateOfBirth'],
    ),
  },
  {
    key: 'member',
    title: 'Party member',
    description:
      'A member of a political party. Membership reveals political opinion, so status is special-category data.',
    schema: object(
      {
        membershipNumber: field(
          str({ maxLength: 30 }),
          { ...PS, identifies: 'membership-number' },
          'Membership number',
        ),
        familyName,
        givenName,
        dateOfBirth,
        postcode,
        address,
        email: field(str({ format: 'email' }), P, 'Email address'),
        branch: field(str(), SC, 'Branch'),
        membershipStatus: field(
          { type: 'string', enum: ['current', 'lapsed', 'resigned', 'expelled'] },
          SC,
          'Membership status',
        ),
        paymentStatus: field(
          { type: 'string', enum: ['paid', 'arrears', 'none'] },
          PS,
          'Payment status',
        ),
        joinedOn: field(date, { ...SC, retentionDate: true }, 'Joined on'),
        lapsedOn: field(date, { ...SC, retentionDate: true }, 'Lapsed on'),
      },
      ['membershipNumber', 'familyName', 'givenName', 'membershipStatus', 'paymentStatus'],
    ),
  },
  {
    key: 'referral',
    title: 'Safeguarding case or referral',
    description:
      'A safeguarding referral about a child or adult at risk, with the concern and its handling.',
    schema: object(
      {
        caseReference: field(str({ maxLength: 40 }), NONE, 'Case reference'),
        nhsNumber,
        familyName,
        givenName,
        dateOfBirth,
        postcode,
        referredOn: field(date, { ...PS, retentionDate: true }, 'Referred on'),
        referrer: field(str(), PS, 'Referred by'),
        concern: field(str({ maxLength: 5000 }), SC, 'Concern'),
        riskLevel: field({ type: 'string', enum: ['low', 'medium', 'high'] }, SC, 'Risk level'),
        knownToChildrensServices: field({ type: 'boolean' }, SC, "Known to children's services"),
        status: field({ type: 'string', enum: ['open', 'closed'] }, PS, 'Status'),
        closedOn: field(date, { ...PS, retentionDate: true }, 'Closed on'),
      },
      ['caseReference', 'familyName', 'givenName', 'dateOfBirth', 'referredOn', 'status'],
    ),
  },
  {
    key: 'benefit',
    title: 'Benefit entitlement',
    description:
      'A benefit a person receives. Disability benefits reveal health, so their type is special-category data.',
    schema: object(
      {
        niNumber,
        familyName,
        givenName,
        dateOfBirth,
        postcode,
        benefitType: field(
          {
            type: 'string',
            enum: ['housing', 'council-tax-reduction', 'disability', 'carers', 'free-school-meals'],
          },
          SC,
          'Benefit',
        ),
        startDate: field(date, { ...PS, retentionDate: true }, 'Started'),
        endDate: field(date, { ...PS, retentionDate: true }, 'Ended'),
        weeklyAmount: field(
          { type: 'number', minimum: 0, maximum: 10000 },
          PS,
          'Weekly amount (£)',
        ),
        status: field({ type: 'string', enum: ['current', 'ended', 'suspended'] }, PS, 'Status'),
      },
      ['niNumber', 'familyName', 'givenName', 'dateOfBirth', 'benefitType', 'startDate', 'status'],
    ),
  },
  {
    key: 'pole-person',
    title: 'Person (policing, POLE)',
    description:
      'A person known to a police force, in the Person part of the Person–Object–Location–Event model.',
    schema: object(
      {
        policeReference: field(
          str({ maxLength: 40 }),
          { ...PS, identifies: 'police-reference' },
          'Police reference',
        ),
        familyName,
        givenName,
        dateOfBirth,
        postcode,
        niNumber,
        warningMarkers: field(
          { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 20 },
          CO,
          'Warning markers',
        ),
        lastReviewed: field(date, { ...PS, retentionDate: true }, 'Last reviewed'),
      },
      ['policeReference', 'familyName', 'givenName', 'dateOfBirth'],
    ),
  },
  {
    key: 'pole-event',
    title: 'Event (policing, POLE)',
    description:
      'An incident or occurrence, with the people involved, in the Person–Object–Location–Event model.',
    schema: object(
      {
        eventReference: field(str({ maxLength: 40 }), NONE, 'Event reference'),
        occurredOn: field(date, { ...PS, retentionDate: true }, 'Occurred on'),
        location: field(str(), PS, 'Location'),
        eventType: field(str({ maxLength: 100 }), CO, 'Event type'),
        policeReference: field(
          str({ maxLength: 40 }),
          { ...PS, identifies: 'police-reference' },
          'Person involved (police reference)',
        ),
        role: field(
          { type: 'string', enum: ['suspect', 'victim', 'witness', 'other'] },
          CO,
          'Their role',
        ),
        summary: field(str({ maxLength: 5000 }), CO, 'Summary'),
      },
      ['eventReference', 'occurredOn', 'eventType', 'policeReference', 'role'],
    ),
  },
];
