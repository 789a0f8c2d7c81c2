// Signing in: password (argon2id), then a TOTP second factor for every account that can reach
// personal data, with lockout after repeated failures, server-side sessions with idle and
// absolute timeouts, one-time password links, and signing out (here or everywhere).
// Every attempt, good or bad, is a security event in the audit log.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { PERSONAL_DATA_ROLES } from '../policy/roles.ts';
import type { RolesService } from '../roles/roles.service.ts';
import * as repo from './identity.repository.ts';
import type { PersonTable, SessionTable } from './identity.table.ts';
import { newSecretToken, sha256 } from './links.ts';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { matchingStep, newTotpSecret, qrSvg, totpUri } from './totp.ts';

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** What the person must do next after a step of signing in. */
export type NextStep = 'code' | 'enrol' | 'done';

export interface SignedIn {
  /** The session cookie value (shown once; only its hash is stored). */
  token: string;
  next: NextStep;
  personId: string;
}

export interface LoadedSession {
  session: SessionTable;
  person: PersonTable;
  /** The second factor still owed before the session counts as signed in. */
  pending: 'code' | 'enrol' | null;
}

export class SignInService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly roles: RolesService,
  ) {}

  private record(
    tx: Tx,
    p: PersonTable | undefined,
    action: string,
    outcome: string,
    details: Record<string, unknown> = {},
  ): void {
    this.ctx.audit.record(tx, {
      orgId: p?.org_id ?? null,
      actor: p ? `person:${p.person_id}` : 'anonymous',
      action,
      target: p ? `person:${p.person_id}` : null,
      outcome,
      details,
    });
  }

  /** Whether this person must give a second factor: they can reach personal data, or chose to enrol. */
  async needsSecondFactor(ex: Executor, p: PersonTable): Promise<boolean> {
    if (p.totp_enrolled_at) return true;
    const roles = await this.roles.currentRoles(ex, p.org_id, p.person_id);
    return roles.some((r) => PERSONAL_DATA_ROLES.includes(r));
  }

  private async failure(tx: Tx, p: PersonTable, action: string, why: string): Promise<void> {
    const failed = p.failed_logins + 1;
    const lock = failed >= this.ctx.config.lockoutAttempts;
    const until = lock
      ? new Date(this.ctx.clock().getTime() + this.ctx.config.lockoutMinutes * 60_000).toISOString()
      : null;
    await repo.updatePerson(tx, p.person_id, {
      failed_logins: lock ? 0 : failed,
      locked_until: until ?? p.locked_until,
    });
    this.record(tx, p, action, 'failed', {
      why,
      failedAttempts: failed,
      ...(lock ? { lockedUntil: until } : {}),
    });
  }

  private isLocked(p: PersonTable): boolean {
    return p.locked_until !== null && p.locked_until > this.ctx.clock().toISOString();
  }

  private async newSession(
    tx: Tx,
    p: PersonTable,
    mfa: boolean,
    method: string,
    meta: ClientMeta,
  ): Promise<string> {
    const now = this.ctx.clock();
    const { token, hash } = newSecretToken();
    await repo.insertSession(tx, {
      session_id: hash,
      org_id: p.org_id,
      person_id: p.person_id,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + this.ctx.config.sessionMaxHours * 3_600_000,
      ).toISOString(),
      mfa: mfa ? 1 : 0,
      method,
      pending_totp_secret: null,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 200) ?? null,
      revoked_at: null,
      revoke_reason: null,
    });
    return token;
  }

  /** Checks email and password. A wrong password, an unknown address and a locked account look alike but for the lock. */
  async passwordSignIn(email: string, password: string, meta: ClientMeta = {}): Promise<SignedIn> {
    // Failures must be committed (they count towards lockout), so the outcome is decided inside
    // the transaction and thrown after it.
    const result = await this.ctx.store.transaction(async (tx): Promise<SignedIn | AccordError> => {
      const p = await repo.personByEmail(tx, email ?? '');
      if (!p || p.status !== 'active' || !p.password_hash) {
        await burnPasswordCheck(password ?? '');
        this.record(tx, p, 'signin.password', 'failed', {
          why: !p
            ? 'unknown account'
            : p.status !== 'active'
              ? 'account disabled'
              : 'no password set',
          ip: meta.ip ?? null,
        });
        return new AccordError('INVALID_CREDENTIALS');
      }
      if (this.isLocked(p)) {
        this.record(tx, p, 'signin.password', 'refused', {
          why: 'account locked',
          ip: meta.ip ?? null,
        });
        return new AccordError('ACCOUNT_LOCKED');
      }
      if (!(await verifyPassword(p.password_hash, password ?? ''))) {
        await this.failure(tx, p, 'signin.password', 'wrong password');
        return new AccordError('INVALID_CREDENTIALS');
      }
      const needs = await this.needsSecondFactor(tx, p);
      await repo.updatePerson(tx, p.person_id, { failed_logins: 0, locked_until: null });
      const token = await this.newSession(tx, p, false, 'password', meta);
      const next: NextStep = !needs ? 'done' : p.totp_enrolled_at ? 'code' : 'enrol';
      this.record(tx, p, 'signin.password', 'ok', { next, ip: meta.ip ?? null });
      return { token, next, personId: p.person_id };
    });
    if (result instanceof AccordError) throw result;
    return result;
  }

  /**
   * Signs in a person their organisation's identity provider vouched for (matched by email within
   * that organisation, then pinned to the provider's subject). The second factor is still owed.
   */
  async ssoSignIn(
    orgId: string,
    claims: { sub: string; email?: string },
    meta: ClientMeta = {},
  ): Promise<SignedIn> {
    const result = await this.ctx.store.transaction(async (tx): Promise<SignedIn | AccordError> => {
      const p = claims.email ? await repo.personByEmail(tx, claims.email) : undefined;
      if (
        !p ||
        p.org_id !== orgId ||
        p.status !== 'active' ||
        (p.sso_subject !== null && p.sso_subject !== claims.sub)
      ) {
        this.ctx.audit.record(tx, {
          orgId,
          actor: 'anonymous',
          action: 'signin.sso',
          target: p && p.org_id === orgId ? `person:${p.person_id}` : null,
          outcome: 'failed',
          details: {
            why:
              !p || p.org_id !== orgId
                ? 'no account for that email in this organisation'
                : p.status !== 'active'
                  ? 'account disabled'
                  : 'a different identity is linked to this account',
            ip: meta.ip ?? null,
          },
        });
        return new AccordError(
          'SSO_FAILED',
          'Your identity provider signed you in, but there is no active Accord account for you in this organisation.',
        );
      }
      if (this.isLocked(p)) {
        this.record(tx, p, 'signin.sso', 'refused', { why: 'account locked' });
        return new AccordError('ACCOUNT_LOCKED');
      }
      if (p.sso_subject === null)
        await repo.updatePerson(tx, p.person_id, { sso_subject: claims.sub });
      const needs = await this.needsSecondFactor(tx, p);
      const token = await this.newSession(tx, p, false, 'sso', meta);
      const next: NextStep = !needs ? 'done' : p.totp_enrolled_at ? 'code' : 'enrol';
      this.record(tx, p, 'signin.sso', 'ok', { next, ip: meta.ip ?? null });
      return { token, next, personId: p.person_id };
    });
    if (result instanceof AccordError) throw result;
    return result;
  }

  /** The session behind a cookie value, if it is still valid (touching it at most once a minute). */
  async load(token: string | undefined): Promise<LoadedSession | undefined> {
    if (!token) return undefined;
    const now = this.ctx.clock();
    const s = await repo.session(this.ctx.store, sha256(token));
    if (!s || s.revoked_at || s.expires_at <= now.toISOString()) return undefined;
    if (now.getTime() - Date.parse(s.last_seen_at) > this.ctx.config.sessionIdleMinutes * 60_000)
      return undefined;
    const p = await repo.person(this.ctx.store, s.person_id);
    if (!p || p.status !== 'active') return undefined;
    if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) {
      await repo.updateSession(this.ctx.store, s.session_id, { last_seen_at: now.toISOString() });
    }
    let pending: LoadedSession['pending'] = null;
    if (!s.mfa) {
      const needs = await this.needsSecondFactor(this.ctx.store, p);
      if (needs) pending = p.totp_enrolled_at ? 'code' : 'enrol';
    }
    return { session: s, person: p, pending };
  }

  /** Checks a TOTP code for a session waiting for one; returns a new session token (the old one ends). */
  async verifyCode(token: string, code: string, meta: ClientMeta = {}): Promise<string> {
    const result = await this.ctx.store.transaction(async (tx): Promise<string | AccordError> => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      if (this.isLocked(p)) {
        this.record(tx, p, 'signin.code', 'refused', { why: 'account locked' });
        return new AccordError('ACCOUNT_LOCKED');
      }
      if (!p.totp_secret)
        return new AccordError('CODE_INVALID', 'Set up your authenticator app first.');
      const step = matchingStep(this.ctx.box.open(p.totp_secret), code ?? '', this.ctx.clock());
      if (step === null || (p.totp_last_step !== null && step <= p.totp_last_step)) {
        await this.failure(
          tx,
          p,
          'signin.code',
          step === null ? 'wrong or stale code' : 'code already used',
        );
        return new AccordError(
          'CODE_INVALID',
          step === null ? undefined : 'That code has already been used. Wait for the next one.',
        );
      }
      await repo.updatePerson(tx, p.person_id, { totp_last_step: step, failed_logins: 0 });
      const fresh = await this.rotate(tx, s, p, meta);
      this.record(tx, p, 'signin.code', 'ok');
      return fresh;
    });
    if (result instanceof AccordError) throw result;
    return result;
  }

  /** Starts enrolling a second factor: a new secret, kept sealed on the session until confirmed. */
  async beginEnrolment(token: string): Promise<{ secret: string; uri: string; qr: string }> {
    return this.ctx.store.transaction(async (tx) => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      const secret = s.pending_totp_secret
        ? this.ctx.box.open(s.pending_totp_secret)
        : newTotpSecret();
      if (!s.pending_totp_secret)
        await repo.updateSession(tx, s.session_id, {
          pending_totp_secret: this.ctx.box.seal(secret),
        });
      const uri = totpUri(secret, p.email);
      return { secret, uri, qr: await qrSvg(uri) };
    });
  }

  /** Confirms enrolment with a code from the new secret; returns a new session token. */
  async confirmEnrolment(token: string, code: string, meta: ClientMeta = {}): Promise<string> {
    const result = await this.ctx.store.transaction(async (tx): Promise<string | AccordError> => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      if (!s.pending_totp_secret)
        return new AccordError('CODE_INVALID', 'Start setting up your authenticator app again.');
      const step = matchingStep(
        this.ctx.box.open(s.pending_totp_secret),
        code ?? '',
        this.ctx.clock(),
      );
      if (step === null) {
        await this.failure(tx, p, 'signin.enrol', 'wrong code while enrolling');
        return new AccordError('CODE_INVALID');
      }
      await repo.updatePerson(tx, p.person_id, {
        totp_secret: s.pending_totp_secret,
        totp_enrolled_at: this.ctx.clock().toISOString(),
        totp_last_step: step,
        failed_logins: 0,
      });
      const fresh = await this.rotate(tx, s, p, meta);
      this.record(tx, p, 'signin.enrolled', 'ok');
      return fresh;
    });
    if (result instanceof AccordError) throw result;
    return result;
  }

  /** Replaces a session with a second-factor one, so a token seen before the code is worthless after it. */
  private async rotate(tx: Tx, s: SessionTable, p: PersonTable, meta: ClientMeta): Promise<string> {
    await repo.updateSession(tx, s.session_id, {
      revoked_at: this.ctx.clock().toISOString(),
      revoke_reason: 'second factor given',
      pending_totp_secret: null,
    });
    return this.newSession(tx, p, true, s.method, meta);
  }

  private async usableSession(tx: Tx, token: string): Promise<SessionTable> {
    const s = token ? await repo.session(tx, sha256(token)) : undefined;
    const now = this.ctx.clock();
    if (
      !s ||
      s.revoked_at ||
      s.expires_at <= now.toISOString() ||
      now.getTime() - Date.parse(s.last_seen_at) > this.ctx.config.sessionIdleMinutes * 60_000
    ) {
      throw new AccordError('SESSION_EXPIRED');
    }
    return s;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.ctx.store.transaction(async (tx) => {
      const s = await repo.session(tx, sha256(token));
      if (!s || s.revoked_at) return;
      await repo.updateSession(tx, s.session_id, {
        revoked_at: this.ctx.clock().toISOString(),
        revoke_reason: 'signed out',
      });
      this.record(tx, await repo.person(tx, s.person_id), 'signout', 'ok');
    });
  }

  /** Ends every session of the person (their tokens are theirs to revoke separately). */
  async signOutEverywhere(personId: string): Promise<number> {
    return this.ctx.store.transaction(async (tx) => {
      const n = await repo.revokeSessionsOf(
        tx,
        personId,
        this.ctx.clock().toISOString(),
        'signed out everywhere',
      );
      this.record(tx, await repo.person(tx, personId), 'signout.everywhere', 'ok', { sessions: n });
      return n;
    });
  }

  async sessionsOf(personId: string): Promise<SessionTable[]> {
    return repo.sessionsOf(this.ctx.store, personId, this.ctx.clock().toISOString());
  }

  /** Who a password link is for, if it still works. */
  async linkInfo(
    linkToken: string,
  ): Promise<{ name: string; email: string; purpose: string } | undefined> {
    const l = await repo.link(this.ctx.store, sha256(linkToken ?? ''));
    if (!l || l.used_at || l.expires_at <= this.ctx.clock().toISOString()) return undefined;
    const p = await repo.person(this.ctx.store, l.person_id);
    return p && p.status === 'active'
      ? { name: p.name, email: p.email, purpose: l.purpose }
      : undefined;
  }

  /** Sets a password from a one-time link (and clears the second factor when the link says so). */
  async usePasswordLink(linkToken: string, password: string): Promise<void> {
    await this.ctx.store.transaction(async (tx) => {
      const l = await repo.link(tx, sha256(linkToken ?? ''));
      const now = this.ctx.clock().toISOString();
      if (!l || l.used_at || l.expires_at <= now) throw new AccordError('LINK_INVALID');
      const p = (await repo.person(tx, l.person_id))!;
      if (p.status !== 'active') throw new AccordError('LINK_INVALID');
      assertNoProblems(passwordProblems(password, p.email));
      await repo.updatePerson(tx, p.person_id, {
        password_hash: await hashPassword(password),
        failed_logins: 0,
        locked_until: null,
        ...(l.reset_second_factor
          ? { totp_secret: null, totp_enrolled_at: null, totp_last_step: null }
          : {}),
      });
      await repo.useLinksOf(tx, p.person_id, now);
      await repo.revokeSessionsOf(tx, p.person_id, now, 'password changed');
      this.record(tx, p, 'password.set', 'ok', {
        purpose: l.purpose,
        secondFactorReset: l.reset_second_factor === 1,
      });
    });
  }
}
