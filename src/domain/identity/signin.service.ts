// Signing in: password (argon2id), then a TOTP second factor for every account that can reach
// personal data, with lockout after repeated failures, server-side sessions with idle and
// absolute timeouts, one-time password links, and signing out (here or everywhere).
// Every attempt, good or bad, is a security event in the audit log.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { SessionTable } from './identity.table.ts';
import * as repo from './identity.repository.ts';
import { sha256 } from './links.ts';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import type { ClientMeta, LoadedSession, NextStep, SignedIn } from './signin.base.ts';
import { SecondFactorSteps } from './signin.second-factor.ts';

// Callers import these from the service.
export type { ClientMeta, LoadedSession, NextStep, SignedIn } from './signin.base.ts';

/** Signing in and out; the shared steps are in signin.base.ts, the second factor in signin.second-factor.ts. */
export class SignInService extends SecondFactorSteps {
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
