// The roles register: who holds which role, granted by whom, when, why, from and until when.
// Grants lapse by themselves (status is computed from the dates), history is never deleted, and
// every grant passes the segregation-of-duties rules.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { ROLES, ROLE_INFO, isRole } from '../policy/roles.ts';
import type { Role } from '../policy/roles.ts';
import { DutiesService } from './duties.service.ts';
import { grantStatus, parseTime, toGrant } from './roles.model.ts';
import type { Gap, GrantInput, PeopleLookup, RegisterFilter, RoleGrant } from './roles.model.ts';
import * as repo from './roles.repository.ts';
import type { RoleGrantTable } from './roles.table.ts';

// Callers import these from the service.
export { LAPSE_WARNING_DAYS, grantStatus, refName, toGrant } from './roles.model.ts';
export type {
  Gap,
  GrantInput,
  GrantStatus,
  PeopleLookup,
  RegisterFilter,
  RoleGrant,
} from './roles.model.ts';

export class RolesService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly duties: DutiesService,
    private readonly people: PeopleLookup,
  ) {}

  /** Who holds a role now in an organisation (person ids; no access check: used inside checked work). */
  async holders(ex: Executor, orgId: string, role: Role): Promise<string[]> {
    const now = this.ctx.clock().toISOString();
    const rows = await repo.grants(ex, orgId, { role });
    return [
      ...new Set(rows.filter((g) => grantStatus(g, now) === 'current').map((g) => g.person_id)),
    ];
  }

  /** Roles a person holds now (for building the actor: no access check, no audit). */
  async currentRoles(ex: Executor, orgId: string, personId: string): Promise<Role[]> {
    return (await repo.currentRoles(ex, orgId, personId, this.ctx.clock().toISOString())).filter(
      isRole,
    );
  }

  async grant(actor: Actor, input: GrantInput, db: Db = this.ctx.store): Promise<RoleGrant> {
    return withAccess(
      this.ctx,
      actor,
      async (gate) => {
        gate.require('roles.grant', { orgId: actor.orgId, ref: `person:${input.personId}` });
        const now = this.ctx.clock();
        const problems: Problem[] = [];
        if (!isRole(input.role))
          problems.push({ field: 'role', message: `Choose a role: ${ROLES.join(', ')}` });
        if (
          !input.personId ||
          !(await this.people.activePerson(gate.tx, actor.orgId, input.personId))
        )
          problems.push({
            field: 'personId',
            message: 'Choose an active person in your organisation',
          });
        if (!input.reason?.trim())
          problems.push({ field: 'reason', message: 'Say why the role is granted' });
        const from = parseTime(input.validFrom) ?? now.getTime();
        const until = parseTime(input.validUntil);
        if (Number.isNaN(from))
          problems.push({ field: 'validFrom', message: 'Enter a real start date' });
        else if (from < now.getTime() - 60_000)
          problems.push({ field: 'validFrom', message: 'A grant cannot start in the past' });
        if (Number.isNaN(until))
          problems.push({ field: 'validUntil', message: 'Enter a real end date' });
        else if (until !== null && !Number.isNaN(from) && until <= from)
          problems.push({ field: 'validUntil', message: 'The end must be after the start' });
        if (input.personId && input.personId === actor.personId)
          problems.push({ field: 'personId', message: 'You cannot grant a role to yourself' });
        assertNoProblems(problems);
        const role = input.role as Role;

        // Roles the person holds at any time this grant overlaps.
        const nowIso = now.toISOString();
        const overlapping = (await repo.grantsOf(gate.tx, actor.orgId, input.personId)).filter(
          (g) => {
            if (grantStatus(g, nowIso) === 'revoked' || grantStatus(g, nowIso) === 'lapsed')
              return false;
            const gUntil = g.valid_until ? Date.parse(g.valid_until) : Infinity;
            return Date.parse(g.valid_from) < (until ?? Infinity) && from < gUntil;
          },
        );
        if (overlapping.some((g) => g.role === role))
          throw new AccordError(
            'CONFLICT',
            `They already hold the ${ROLE_INFO[role].label} role for that period.`,
          );
        const conflict = await this.duties.roleConflict(
          gate.tx,
          actor.orgId,
          input.personId,
          role,
          overlapping.map((g) => g.role as Role),
        );
        let validUntil = until === null ? null : new Date(until).toISOString();
        if (conflict && !conflict.exception) {
          gate.refuse(
            new AccordError('SOD_CONFLICT', DutiesService.describe(conflict, role)),
            'roles.grant',
            `person:${input.personId}`,
            {
              role,
              rule: conflict.rule.name,
              conflictsWith: conflict.otherRole,
            },
          );
        }
        if (
          conflict?.exception &&
          (validUntil === null || validUntil > conflict.exception.valid_until)
        ) {
          // The combination is allowed only while the exception is: the grant lapses with it.
          validUntil = conflict.exception.valid_until;
        }
        const row: RoleGrantTable = {
          grant_id: randomUUID(),
          org_id: actor.orgId,
          person_id: input.personId,
          role,
          reason: input.reason.trim(),
          granted_by: actor.ref,
          granted_at: nowIso,
          valid_from: new Date(from).toISOString(),
          valid_until: validUntil,
          exception_id: conflict?.exception?.exception_id ?? null,
          revoked_at: null,
          revoked_by: null,
          revoke_reason: null,
        };
        await repo.insertGrant(gate.tx, row);
        gate.record('roles.granted', `grant:${row.grant_id}`, {
          personId: row.person_id,
          role,
          reason: row.reason,
          validFrom: row.valid_from,
          validUntil: row.valid_until,
          ...(conflict
            ? { underException: conflict.exception!.exception_id, rule: conflict.rule.name }
            : {}),
        });
        return toGrant(row, nowIso, await this.people.names(gate.tx, actor.orgId));
      },
      db,
    );
  }

  async revoke(actor: Actor, grantId: string, reason: string): Promise<RoleGrant> {
    return withAccess(this.ctx, actor, async (gate) => {
      const g = await repo.grantAnyOrg(gate.tx, grantId);
      gate.require('roles.grant', { orgId: g?.org_id ?? '', ref: `grant:${grantId}` });
      const now = this.ctx.clock().toISOString();
      if (!reason?.trim())
        assertNoProblems([{ field: 'reason', message: 'Say why the role is revoked' }]);
      const status = grantStatus(g!, now);
      if (status === 'revoked' || status === 'lapsed')
        throw new AccordError(
          'CONFLICT',
          `That grant has already ${status === 'revoked' ? 'been revoked' : 'lapsed'}.`,
        );
      await repo.revokeGrant(gate.tx, actor.orgId, grantId, actor.ref, now, reason.trim());
      gate.record('roles.revoked', `grant:${grantId}`, {
        personId: g!.person_id,
        role: g!.role,
        reason: reason.trim(),
      });
      return toGrant(
        (await repo.grant(gate.tx, actor.orgId, grantId))!,
        now,
        await this.people.names(gate.tx, actor.orgId),
      );
    });
  }

  /** The register, filtered; everyone in the organisation may read it. */
  async register(actor: Actor, f: RegisterFilter = {}): Promise<RoleGrant[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require(
        'roles.read',
        { orgId: actor.orgId, ref: 'roles-register', ownerPersonId: f.personId ?? null },
        { details: { filter: f } },
      );
      const now = this.ctx.clock().toISOString();
      const names = await this.people.names(gate.tx, actor.orgId);
      return (await repo.grants(gate.tx, actor.orgId, { role: f.role, personId: f.personId }))
        .map((g) => toGrant(g, now, names))
        .filter((g) => !f.status || f.status === 'all' || g.status === f.status);
    });
  }

  async get(actor: Actor, grantId: string): Promise<RoleGrant> {
    return withAccess(this.ctx, actor, async (gate) => {
      const g = await repo.grantAnyOrg(gate.tx, grantId);
      gate.require('roles.read', {
        orgId: g?.org_id ?? '',
        ref: `grant:${grantId}`,
        ownerPersonId: g?.person_id,
      });
      return toGrant(
        g!,
        this.ctx.clock().toISOString(),
        await this.people.names(gate.tx, actor.orgId),
      );
    });
  }

  /** Roles nobody holds that every organisation needs. */
  async gaps(actor: Actor): Promise<Gap[]> {
    const current = await this.register(actor, { status: 'current' });
    const held = new Set(current.map((g) => g.role));
    const gaps: Gap[] = [];
    if (!held.has('siro'))
      gaps.push({ role: 'siro', message: 'No one is the Senior Information Risk Owner (SIRO).' });
    if (!held.has('dpo'))
      gaps.push({ role: 'dpo', message: 'No one is the Data Protection Officer (DPO).' });
    return gaps;
  }

  /** Revokes every role a person holds (when their account is disabled), in the caller's work. */
  async revokeAll(
    ex: Executor,
    orgId: string,
    personId: string,
    by: string,
    reason: string,
  ): Promise<number> {
    return repo.revokeAllOf(ex, orgId, personId, by, this.ctx.clock().toISOString(), reason);
  }
}
