// What the agreements module needs from the rest of Accord, given to it by services.ts so it
// depends on no other module's internals.
import type { Executor } from '../../store/store.ts';
import type { Gate } from '../policy/gate.ts';
import type { Role } from '../policy/roles.ts';
import type { FieldInfo } from '../records/annotations.ts';

export interface AgreementWorld {
  orgName(ex: Executor, orgId: string): Promise<string | undefined>;
  currentRoles(ex: Executor, orgId: string, personId: string): Promise<Role[]>;
  holdersOf(ex: Executor, orgId: string, role: Role): Promise<number>;
  /** Fields of an organisation's record type (latest version), or undefined when it has none. */
  fieldsOf(ex: Executor, orgId: string, recordType: string): Promise<FieldInfo[] | undefined>;
  purposeKeys(ex: Executor, orgId: string): Promise<Set<string>>;
  assertSeparate(
    gate: Gate,
    target: string,
    a: { duty: string; personId: string },
    b: { duty: string; personId: string },
  ): Promise<void>;
  /** Refuses (audited) when high-risk sharing has no DPIA signed off by the SIRO. */
  assertDpia(gate: Gate, dpiaRef: string | null, highRisk: boolean): Promise<void>;
  /** Every organisation on this node (names only: the builder's list of possible parties). */
  directory(ex: Executor): Promise<{ orgId: string; name: string; kind: string }[]>;
  /** Whether an organisation is on a partner node (its record types are its node's catalogue). */
  isRemote(ex: Executor, orgId: string): Promise<boolean>;
  recordTypesOf(
    ex: Executor,
    orgId: string,
  ): Promise<{ key: string; title: string; fields: FieldInfo[] }[]>;
  holdersNamed(
    ex: Executor,
    orgId: string,
    role: Role,
  ): Promise<{ personId: string; name: string }[]>;
  dpiaChoices(ex: Executor, orgId: string): Promise<{ id: string; title: string }[]>;
  /** Called after a change commits (the policy cache in this process drops its index). */
  changed(): void;
}

/**
 * The record types an organisation on a partner node published (federation), or undefined for an
 * organisation hosted here (its own record types apply).
 */
export type RemoteTypes = (
  ex: Executor,
  orgId: string,
) => Promise<{ key: string; version: number; title: string; fields: FieldInfo[] }[] | undefined>;
