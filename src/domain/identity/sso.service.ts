// Optional single sign-on per organisation with OpenID Connect (openid-client): authorisation
// code flow with PKCE, state and nonce. The provider proves who someone is; Accord still decides
// what they may do, and still asks for its own second factor where personal data is reachable.
import * as oidc from 'openid-client';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './identity.repository.ts';
import type { ClientMeta, SignedIn, SignInService } from './signin.service.ts';

export interface SsoSettings {
  label: string;
  issuer: string;
  clientId: string;
  enabled: boolean;
  updatedAt: string;
}

const LOGIN_MINUTES = 10;

export class SsoService {
  private readonly configs = new Map<
    string,
    { at: number; config: oidc.Configuration; issuer: string; clientId: string }
  >();

  constructor(
    private readonly ctx: DomainContext,
    private readonly signIn: SignInService,
  ) {}

  /** Organisations offering single sign-on, for the sign-in page (names only). */
  async providers(): Promise<{ orgId: string; label: string }[]> {
    return (await repo.enabledSsoProviders(this.ctx.store)).map((p) => ({
      orgId: p.org_id,
      label: p.label,
    }));
  }

  async settings(actor: Actor): Promise<SsoSettings | null> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('sso.manage', { orgId: actor.orgId, ref: 'sso' });
      const p = await repo.ssoProvider(gate.tx, actor.orgId);
      return p
        ? {
            label: p.label,
            issuer: p.issuer,
            clientId: p.client_id,
            enabled: p.enabled === 1,
            updatedAt: p.updated_at,
          }
        : null;
    });
  }

  async configure(
    actor: Actor,
    input: {
      label: string;
      issuer: string;
      clientId: string;
      clientSecret: string;
      enabled: boolean;
    },
  ): Promise<SsoSettings> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('sso.manage', { orgId: actor.orgId, ref: 'sso' });
      const problems: Problem[] = [];
      if (!input.label?.trim())
        problems.push({
          field: 'label',
          message: 'Enter the button text, such as “Sign in with Northshire accounts”',
        });
      let issuer: URL | undefined;
      try {
        issuer = new URL(input.issuer);
      } catch {
        problems.push({
          field: 'issuer',
          message: 'Enter the issuer URL of your identity provider',
        });
      }
      if (issuer && issuer.protocol !== 'https:' && this.ctx.config.env === 'production')
        problems.push({ field: 'issuer', message: 'The issuer must use https' });
      if (!input.clientId?.trim())
        problems.push({ field: 'clientId', message: 'Enter the client id' });
      if (!input.clientSecret?.trim())
        problems.push({ field: 'clientSecret', message: 'Enter the client secret' });
      assertNoProblems(problems);
      const at = this.ctx.clock().toISOString();
      await repo.upsertSsoProvider(gate.tx, {
        org_id: actor.orgId,
        label: input.label.trim(),
        issuer: issuer!.toString().replace(/\/$/, ''),
        client_id: input.clientId.trim(),
        client_secret: this.ctx.box.seal(input.clientSecret.trim()),
        enabled: input.enabled ? 1 : 0,
        updated_by: actor.ref,
        updated_at: at,
      });
      this.configs.delete(actor.orgId);
      gate.record('sso.configured', 'sso', {
        issuer: issuer!.toString(),
        clientId: input.clientId.trim(),
        enabled: input.enabled,
      });
      return {
        label: input.label.trim(),
        issuer: issuer!.toString().replace(/\/$/, ''),
        clientId: input.clientId.trim(),
        enabled: input.enabled,
        updatedAt: at,
      };
    });
  }

  private async client(orgId: string): Promise<oidc.Configuration> {
    const p = await repo.ssoProvider(this.ctx.store, orgId);
    if (!p || !p.enabled) throw new AccordError('NOT_FOUND');
    const cached = this.configs.get(orgId);
    if (
      cached &&
      cached.issuer === p.issuer &&
      cached.clientId === p.client_id &&
      Date.now() - cached.at < 3_600_000
    )
      return cached.config;
    const insecure = p.issuer.startsWith('http:') && this.ctx.config.env !== 'production';
    try {
      const config = await oidc.discovery(
        new URL(p.issuer),
        p.client_id,
        this.ctx.box.open(p.client_secret),
        undefined,
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      this.configs.set(orgId, { at: Date.now(), config, issuer: p.issuer, clientId: p.client_id });
      return config;
    } catch (e) {
      throw new AccordError(
        'SSO_FAILED',
        `The identity provider could not be reached: ${(e as Error).message}`,
      );
    }
  }

  /** Where to send the browser to sign in with the organisation's provider. */
  async begin(orgId: string, redirectUri: string): Promise<string> {
    const config = await this.client(orgId);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const now = this.ctx.clock();
    await this.ctx.store.transaction(async (tx) => {
      await repo.purgeSsoLogins(tx, new Date(now.getTime() - LOGIN_MINUTES * 60_000).toISOString());
      await repo.insertSsoLogin(tx, {
        state,
        org_id: orgId,
        nonce,
        code_verifier: verifier,
        created_at: now.toISOString(),
      });
    });
    return oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      .toString();
  }

  /** Completes the callback: checks state, nonce and PKCE, then signs the person in. */
  async complete(callbackUrl: URL, meta: ClientMeta): Promise<SignedIn> {
    const state = callbackUrl.searchParams.get('state') ?? '';
    const login = await this.ctx.store.transaction((tx) => repo.takeSsoLogin(tx, state));
    const fresh =
      login && Date.parse(login.created_at) > this.ctx.clock().getTime() - LOGIN_MINUTES * 60_000;
    if (!login || !fresh) {
      // A replayed, forged or stale callback: worth a line in the log.
      await this.ctx.audit.recordNow(this.ctx.store, {
        orgId: login?.org_id ?? null,
        actor: 'anonymous',
        action: 'signin.sso',
        target: null,
        outcome: 'failed',
        details: {
          why: login ? 'sign-in attempt expired' : 'unknown or reused state',
          ip: meta.ip ?? null,
        },
      });
      throw new AccordError('SSO_FAILED', 'That sign-in attempt has expired. Start again.');
    }
    let claims: oidc.IDToken | undefined;
    let email: unknown;
    let verified: unknown;
    try {
      const config = await this.client(login.org_id);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state,
        expectedNonce: login.nonce,
      });
      claims = tokens.claims();
      email = claims?.email;
      verified = claims?.email_verified;
      // When an access token is issued, a conforming provider returns the email scope's claims from
      // the UserInfo endpoint rather than in the ID token (OpenID Connect Core 1.0 §5.4).
      if (claims && typeof email !== 'string' && tokens.access_token)
        ({ email, email_verified: verified } = await oidc.fetchUserInfo(
          config,
          tokens.access_token,
          claims.sub,
        ));
    } catch (e) {
      await this.ctx.audit.recordNow(this.ctx.store, {
        orgId: login.org_id,
        actor: 'anonymous',
        action: 'signin.sso',
        target: null,
        outcome: 'failed',
        details: { why: (e as Error).message, ip: meta.ip ?? null },
      });
      throw new AccordError('SSO_FAILED');
    }
    if (!claims) throw new AccordError('SSO_FAILED');
    // Accounts are matched by email: an address the provider says it has not verified proves nothing.
    if (verified === false) {
      await this.ctx.audit.recordNow(this.ctx.store, {
        orgId: login.org_id,
        actor: 'anonymous',
        action: 'signin.sso',
        target: null,
        outcome: 'failed',
        details: {
          why: 'email address not verified by the identity provider',
          ip: meta.ip ?? null,
        },
      });
      throw new AccordError(
        'SSO_FAILED',
        'Your identity provider has not verified your email address, so Accord cannot match it to an account.',
      );
    }
    return this.signIn.ssoSignIn(
      login.org_id,
      { sub: claims.sub, email: typeof email === 'string' ? email : undefined },
      meta,
    );
  }
}
