// SQL for people, sessions, tokens, password links and single sign-on.
import type { Executor } from '../../store/store.ts';
import type {
  ApiTokenTable,
  PasswordLinkTable,
  PersonTable,
  SessionTable,
  SsoLoginTable,
  SsoProviderTable,
} from './identity.table.ts';

export async function personByEmail(ex: Executor, email: string): Promise<PersonTable | undefined> {
  return ex.db
    .selectFrom('person')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function person(ex: Executor, personId: string): Promise<PersonTable | undefined> {
  return ex.db
    .selectFrom('person')
    .selectAll()
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

export async function people(ex: Executor, orgId: string): Promise<PersonTable[]> {
  return ex.db
    .selectFrom('person')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
}

export async function insertPerson(ex: Executor, p: PersonTable): Promise<void> {
  await ex.db.insertInto('person').values(p).execute();
}

export async function updatePerson(
  ex: Executor,
  personId: string,
  set: Partial<PersonTable>,
): Promise<void> {
  await ex.db.updateTable('person').set(set).where('person_id', '=', personId).execute();
}

export async function insertSession(ex: Executor, s: SessionTable): Promise<void> {
  await ex.db.insertInto('session').values(s).execute();
}

export async function session(ex: Executor, sessionId: string): Promise<SessionTable | undefined> {
  return ex.db
    .selectFrom('session')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

export async function sessionsOf(
  ex: Executor,
  personId: string,
  activeAfter: string,
): Promise<SessionTable[]> {
  return ex.db
    .selectFrom('session')
    .selectAll()
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', activeAfter)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function updateSession(
  ex: Executor,
  sessionId: string,
  set: Partial<SessionTable>,
): Promise<void> {
  await ex.db.updateTable('session').set(set).where('session_id', '=', sessionId).execute();
}

export async function revokeSessionsOf(
  ex: Executor,
  personId: string,
  at: string,
  reason: string,
): Promise<number> {
  const r = await ex.db
    .updateTable('session')
    .set({ revoked_at: at, revoke_reason: reason })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertToken(ex: Executor, t: ApiTokenTable): Promise<void> {
  await ex.db.insertInto('api_token').values(t).execute();
}

export async function tokenByHash(ex: Executor, hash: string): Promise<ApiTokenTable | undefined> {
  return ex.db
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
}

export async function token(ex: Executor, tokenId: string): Promise<ApiTokenTable | undefined> {
  return ex.db
    .selectFrom('api_token')
    .selectAll()
    .where('token_id', '=', tokenId)
    .executeTakeFirst();
}

export async function tokens(
  ex: Executor,
  orgId: string,
  f: { personId?: string | null },
): Promise<ApiTokenTable[]> {
  let q = ex.db.selectFrom('api_token').selectAll().where('org_id', '=', orgId);
  if (f.personId === null) q = q.where('person_id', 'is', null);
  else if (f.personId) q = q.where('person_id', '=', f.personId);
  return q.orderBy('created_at', 'desc').execute();
}

export async function updateToken(
  ex: Executor,
  tokenId: string,
  set: Partial<ApiTokenTable>,
): Promise<void> {
  await ex.db.updateTable('api_token').set(set).where('token_id', '=', tokenId).execute();
}

export async function revokeTokensOf(
  ex: Executor,
  personId: string,
  at: string,
  by: string,
): Promise<void> {
  await ex.db
    .updateTable('api_token')
    .set({ revoked_at: at, revoked_by: by })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function insertLink(ex: Executor, l: PasswordLinkTable): Promise<void> {
  await ex.db.insertInto('password_link').values(l).execute();
}

export async function link(ex: Executor, hash: string): Promise<PasswordLinkTable | undefined> {
  return ex.db
    .selectFrom('password_link')
    .selectAll()
    .where('link_hash', '=', hash)
    .executeTakeFirst();
}

export async function useLinksOf(ex: Executor, personId: string, at: string): Promise<void> {
  await ex.db
    .updateTable('password_link')
    .set({ used_at: at })
    .where('person_id', '=', personId)
    .where('used_at', 'is', null)
    .execute();
}

export async function ssoProvider(
  ex: Executor,
  orgId: string,
): Promise<SsoProviderTable | undefined> {
  return ex.db
    .selectFrom('sso_provider')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

export async function enabledSsoProviders(ex: Executor): Promise<SsoProviderTable[]> {
  return ex.db.selectFrom('sso_provider').selectAll().where('enabled', '=', 1).execute();
}

export async function upsertSsoProvider(ex: Executor, p: SsoProviderTable): Promise<void> {
  await ex.db
    .insertInto('sso_provider')
    .values(p)
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...p }))
    .execute();
}

export async function insertSsoLogin(ex: Executor, l: SsoLoginTable): Promise<void> {
  await ex.db.insertInto('sso_login').values(l).execute();
}

/** Takes (reads and deletes) a pending SSO login: each state works once. */
export async function takeSsoLogin(
  ex: Executor,
  state: string,
): Promise<SsoLoginTable | undefined> {
  const row = await ex.db
    .selectFrom('sso_login')
    .selectAll()
    .where('state', '=', state)
    .executeTakeFirst();
  if (row) await ex.db.deleteFrom('sso_login').where('state', '=', state).execute();
  return row;
}

export async function purgeSsoLogins(ex: Executor, before: string): Promise<void> {
  await ex.db.deleteFrom('sso_login').where('created_at', '<', before).execute();
}
