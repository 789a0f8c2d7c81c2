// The roles of the register. A role is both a responsibility people can look up ("who is our
// DPO?") and what Accord's permissions are written in terms of.
export const ROLES = [
  'siro',
  'dpo',
  'iao',
  'caldicott',
  'handler',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_INFO: Record<Role, { label: string; description: string }> = {
  siro: {
    label: 'Senior Information Risk Owner (SIRO)',
    description:
      'Board-level owner of information risk. Edits segregation-of-duties rules and signs off DPIAs.',
  },
  dpo: {
    label: 'Data Protection Officer (DPO)',
    description:
      'Advises on data protection (UK GDPR Arts. 37–39), approves agreements, handles subject requests and breaches.',
  },
  iao: {
    label: 'Information Asset Owner (IAO)',
    description:
      'Owns information assets: what they hold, who may see them, how long they are kept.',
  },
  caldicott: {
    label: 'Caldicott Guardian',
    description:
      'Protects the confidentiality of health and care information and approves its use.',
  },
  handler: {
    label: 'Data handler',
    description:
      'Sends and receives transfers, runs look-ups and checks, imports and corrects records.',
  },
  auditor: {
    label: 'Auditor',
    description: 'Reads the audit log and the registers; changes nothing.',
  },
  administrator: {
    label: 'Administrator',
    description: 'Manages accounts, roles, keys, partner nodes and the application portfolio.',
  },
};

/** Roles whose holders can reach personal data, and so must use a second factor and be trained. */
export const PERSONAL_DATA_ROLES: readonly Role[] = ['siro', 'dpo', 'iao', 'caldicott', 'handler'];

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}
