// People: the accounts of an organisation. Administrators add people (who set their own password
// from a one-time link), disable them (which ends their sessions, tokens and roles), and issue
// reset links. Other modules look people up through the methods at the end.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import { inTransaction } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { RolesService } from '../roles/roles.service.ts';
import * as repo from './identity.repository.ts';
import type { PersonTable } from './identity.table.ts';
import { INVITE_DAYS, RESET_HOURS, linkUrl, newSecretToken } from './links.ts';

export interface Person {
  id: string;
  orgId: string;
  email: string;
  name: string;
  jobTitle: string | null;
  status: 'active' | 'disabled';
  hasPassword: boolean;
  secondFactor: boolean;
  lockedUntil: string | null;
  createdAt: string;
  demo: boolean;
}

export function toPerson(p: PersonTable): Person {
  return {
    id: p.person_id,
    orgId: p.org_id,
    email: p.email,
    name: p.name,
    jobTitle: p.job_title,
    status: p.status as Person['status'],
    hasPassword: p.password_hash !== null,
    secondFactor: p.totp_enrolled_at !== null,
    lockedUntil: p.locked_until,
    createdAt: p.created_at,
    demo: p.demo === 1,
  };
}

export interface NewPerson {
  email: string;
  name: string;
  jobTitle?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class PeopleService {
  private roles: RolesService | undefined;
  constructor(private readonly ctx: DomainContext) {}

  /** Wired after construction: roles and people refer to each other. */
  useRoles(roles: RolesService): void {
    this.roles = roles;
  }

  private async validate(ex: Executor, input: NewPerson): Promise<void> {
    const problems: Problem[] = [];
    const email = input.email?.trim().toLowerCase() ?? '';
    if (!EMAIL.test(email))
      problems.push({
        field: 'email',
        message: 'Enter an email address in the correct format, like name@example.gov.uk',
      });
    else if (await repo.personByEmail(ex, email))
      problems.push({
        field: 'email',
        message: 'Someone already has an account with that email address',
      });
    if (!input.name?.trim())
      problems.push({ field: 'name', message: 'Enter the person’s full name' });
    assertNoProblems(problems);
  }

  /** Adds an account without an actor (the CLI and the demo); returns it and its invitation link. */
  async createAccount(
    db: Db,
    orgId: string,
    input: NewPerson,
    by: string,
    opts: { demo?: boolean } = {},
  ): Promise<{ person: Person; link: string }> {
    return inTransaction(db, async (tx) => {
      await this.validate(tx, input);
      const row = this.newRow(orgId, input, by, opts.demo ?? false);
      await repo.insertPerson(tx, row);
      const link = await this.newLink(tx, row, 'invite', false, by);
      this.ctx.audit.record(tx, {
        orgId,
        actor: by,
        action: 'people.created',
        target: `person:${row.person_id}`,
        outcome: 'ok',
        details: { name: row.name },
      });
      return { person: toPerson(row), link };
    });
  }

  async create(actor: Actor, input: NewPerson): Promise<{ person: Person; link: string }> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('people.manage', { orgId: actor.orgId, ref: 'people' });
      await this.validate(gate.tx, input);
      const row = this.newRow(actor.orgId, input, actor.ref, false);
      await repo.insertPerson(gate.tx, row);
      const link = await this.newLink(gate.tx, row, 'invite', false, actor.ref);
      gate.record('people.created', `person:${row.person_id}`, { name: row.name });
      return { person: toPerson(row), link };
    });
  }

  private newRow(orgId: string, input: NewPerson, by: string, demo: boolean): PersonTable {
    return {
      person_id: randomUUID(),
      org_id: orgId,
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      job_title: input.jobTitle?.trim() || null,
      password_hash: null,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      status: 'active',
      failed_logins: 0,
      locked_until: null,
      sso_subject: null,
      created_at: this.ctx.clock().toISOString(),
      created_by: by,
      demo: demo ? 1 : 0,
    };
  }

  private async newLink(
    ex: Executor,
    p: PersonTable,
    purpose: 'invite' | 'reset',
    resetSecondFactor: boolean,
    by: string,
  ): Promise<string> {
    const now = this.ctx.clock();
    const { token, hash } = newSecretToken();
    // A new link replaces any earlier one: only the latest works.
    await repo.useLinksOf(ex, p.person_id, now.toISOString());
    await repo.insertLink(ex, {
      link_hash: hash,
      org_id: p.org_id,
      person_id: p.person_id,
      purpose,
      reset_second_factor: resetSecondFactor ? 1 : 0,
      created_by: by,
      created_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + (purpose === 'invite' ? INVITE_DAYS * 24 : RESET_HOURS) * 3_600_000,
      ).toISOString(),
      used_at: null,
    });
    return linkUrl(this.ctx.config.publicUrl, token);
  }

  private async load(
    gate: Gate,
    personId: string,
    action: 'people.read' | 'people.manage',
  ): Promise<PersonTable> {
    const p = await repo.person(gate.tx, personId);
    gate.require(action, {
      orgId: p?.org_id ?? '',
      ownerPersonId: p?.person_id,
      ref: `person:${personId}`,
    });
    return p!;
  }

  async list(actor: Actor): Promise<Person[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('people.read', { orgId: actor.orgId, ref: 'people' });
      return (await repo.people(gate.tx, actor.orgId)).map(toPerson);
    });
  }

  async get(actor: Actor, personId: string): Promise<Person> {
    return withAccess(this.ctx, actor, async (gate) =>
      toPerson(await this.load(gate, personId, 'people.read')),
    );
  }

  async issueResetLink(
    actor: Actor,
    personId: string,
    resetSecondFactor: boolean,
  ): Promise<{ link: string; expiresInHours: number }> {
    return withAccess(this.ctx, actor, async (gate) => {
      const p = await this.load(gate, personId, 'people.manage');
      if (p.status !== 'active')
        throw new AccordError('CONFLICT', 'Enable the account before issuing a link.');
      const link = await this.newLink(
        gate.tx,
        p,
        p.password_hash ? 'reset' : 'invite',
        resetSecondFactor,
        actor.ref,
      );
      gate.record('people.link.issued', `person:${personId}`, {
        purpose: p.password_hash ? 'reset' : 'invite',
        resetSecondFactor,
      });
      return { link, expiresInHours: p.password_hash ? RESET_HOURS : INVITE_DAYS * 24 };
    });
  }

  /** Disables an account: ends its sessions and tokens and revokes its roles. */
  async setStatus(
    actor: Actor,
    personId: string,
    status: 'active' | 'disabled',
    reason: string,
  ): Promise<Person> {
    return withAccess(this.ctx, actor, async (gate) => {
      const p = await this.load(gate, personId, 'people.manage');
      if (!reason?.trim()) assertNoProblems([{ field: 'reason', message: 'Say why' }]);
      if (personId === actor.personId)
        throw new AccordError('CONFLICT', 'You cannot disable or enable your own account.');
      if (p.status === status)
        throw new AccordError('CONFLICT', `That account is already ${status}.`);
      const at = this.ctx.clock().toISOString();
      await repo.updatePerson(gate.tx, personId, { status, failed_logins: 0, locked_until: null });
      let rolesRevoked = 0;
      if (status === 'disabled') {
        await repo.revokeSessionsOf(gate.tx, personId, at, 'account disabled');
        await repo.revokeTokensOf(gate.tx, personId, at, actor.ref);
        rolesRevoked =
          (await this.roles?.revokeAll(
            gate.tx,
            p.org_id,
            personId,
            actor.ref,
            `account disabled: ${reason.trim()}`,
          )) ?? 0;
      }
      gate.record(
        status === 'disabled' ? 'people.disabled' : 'people.enabled',
        `person:${personId}`,
        { reason: reason.trim(), rolesRevoked },
      );
      return toPerson((await repo.person(gate.tx, personId))!);
    });
  }

  /** Demo accounts only: a known password and an enrolled second factor, so a newcomer can sign in. */
  async setDemoCredentials(
    ex: Executor,
    personId: string,
    passwordHash: string,
    sealedTotp: string,
  ): Promise<void> {
    const p = await repo.person(ex, personId);
    if (p?.demo !== 1)
      throw new AccordError('FORBIDDEN', 'Only demo accounts get demo credentials.');
    await repo.updatePerson(ex, personId, {
      password_hash: passwordHash,
      totp_secret: sealedTotp,
      totp_enrolled_at: this.ctx.clock().toISOString(),
    });
  }

  /** Demo accounts only: the sealed second-factor secret, for `accord demo-code`. */
  async demoSecret(ex: Executor, email: string): Promise<string | undefined> {
    const p = await repo.personByEmail(ex, email);
    return p?.demo === 1 && p.totp_secret ? p.totp_secret : undefined;
  }

  // Look-ups for other modules (no access check: they run inside the caller's checked work).

  async activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean> {
    const p = await repo.person(ex, personId);
    return p?.org_id === orgId && p.status === 'active';
  }

  async idByEmail(ex: Executor, orgId: string, email: string): Promise<string | undefined> {
    const p = await repo.personByEmail(ex, email);
    return p?.org_id === orgId ? p.person_id : undefined;
  }

  async activePeople(ex: Executor, orgId: string): Promise<{ id: string; name: string }[]> {
    return (await repo.people(ex, orgId))
      .filter((p) => p.status === 'active')
      .map((p) => ({ id: p.person_id, name: p.name }));
  }

  /** Names for ids (for registers that show who granted what). */
  async names(ex: Executor, orgId: string): Promise<Map<string, string>> {
    return new Map((await repo.people(ex, orgId)).map((p) => [p.person_id, p.name]));
  }
}
