// The directory of organisations on partner nodes (repository: SQL only). Each remote
// organisation is also a row in `organisation` with the same id, so agreements, transfers and
// queries name it exactly as they name a local one; federation_org says which node speaks for it
// and holds its exchange public key. A partner can never claim an organisation hosted here or by
// another partner.
import type { JsonWebKey as NodeJwk, KeyObject } from 'node:crypto';
import type { Executor, Tx } from '../../store/store.ts';
import { readCatalogue } from './catalogue.ts';
import type { CatalogueType } from './catalogue.ts';
import type { FederationNodeTable } from './federation.table.ts';
import * as settings from '../node/node-settings.ts';
import { keyFromJwk } from './messages.ts';
import { exchangeKeyId } from '../exchange/exchange-keys.ts';
import type { SealTo } from '../exchange/exchange-keys.ts';

export interface DirectoryEntry {
  orgId: string;
  name: string;
  kind: string;
  /** The organisation's current exchange public key, with its id as the JWK's `kid`. */
  exchangeKey: NodeJwk & { kid?: string };
  /** Its record types (schema only; absent from a node that does not publish them). */
  recordTypes?: CatalogueType[];
}

/** A key id as a partner may publish it (what it names its keys is its business, within reason). */
const KID = /^[\w.-]{1,64}$/;

/** The partner node that speaks for an organisation (even if since revoked: messages to it are then refused), or undefined for a local one. */
export async function nodeOf(ex: Executor, orgId: string): Promise<string | undefined> {
  const r = await ex.db
    .selectFrom('federation_org')
    .innerJoin('federation_node', 'federation_node.node_id', 'federation_org.node_id')
    .select('federation_org.node_id')
    .where('federation_org.org_id', '=', orgId)
    .executeTakeFirst();
  return r?.node_id;
}

/** Whether the organisation is on a partner node (trusted or not). */
export async function isRemote(ex: Executor, orgId: string): Promise<boolean> {
  const r = await ex.db
    .selectFrom('federation_org')
    .select('org_id')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * The key to seal to for a remote organisation: the one its node last published, named by the
 * id it published (a partner from before keys had ids published none: derived the same way).
 */
export async function exchangeKeyOf(ex: Executor, orgId: string): Promise<SealTo | undefined> {
  const r = await ex.db
    .selectFrom('federation_org')
    .select('exchange_jwk')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!r) return undefined;
  const jwk = JSON.parse(r.exchange_jwk) as NodeJwk & { kid?: string };
  const key: KeyObject = keyFromJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  return { kid: jwk.kid ?? exchangeKeyId(jwk), key };
}

export async function trusted(
  ex: Executor,
  nodeId: string,
): Promise<FederationNodeTable | undefined> {
  return ex.db
    .selectFrom('federation_node')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where('state', '=', 'trusted')
    .executeTakeFirst();
}

/** The partner nodes trusted now. */
export async function trustedNodes(ex: Executor): Promise<string[]> {
  const rows = await ex.db
    .selectFrom('federation_node')
    .select('node_id')
    .where('state', '=', 'trusted')
    .orderBy('node_id')
    .execute();
  return rows.map((r) => r.node_id);
}

/** Organisations hosted here (not the shadows of remote ones). */
export async function localOrgs(
  ex: Executor,
): Promise<{ org_id: string; name: string; kind: string }[]> {
  return ex.db
    .selectFrom('organisation')
    .select(['org_id', 'name', 'kind'])
    .where('org_id', 'not in', (eb) => eb.selectFrom('federation_org').select('org_id'))
    .orderBy('name')
    .execute();
}

/**
 * The organisation whose administrators operate this node: the trust list is node-wide, so an
 * administrator of any other organisation hosted here must not change whom every organisation
 * here exchanges with. The node setting `federation.operatorOrgId` names it (set with
 * `accord nodes operator`); without it, the first organisation created here.
 */
export async function operatorOrg(ex: Executor): Promise<string | undefined> {
  const set = await settings.get(ex, OPERATOR_SETTING);
  if (set) return set;
  const first = await ex.db
    .selectFrom('organisation')
    .select('org_id')
    .where('org_id', 'not in', (eb) => eb.selectFrom('federation_org').select('org_id'))
    .orderBy('created_at')
    .orderBy('org_id')
    .limit(1)
    .executeTakeFirst();
  return first?.org_id;
}

export const OPERATOR_SETTING = 'federation.operatorOrgId';

/** Records what a partner says it hosts; returns the ids accepted (claims on others' orgs are not). */
export async function learn(
  tx: Tx,
  nodeId: string,
  entries: DirectoryEntry[],
  at: string,
): Promise<string[]> {
  const accepted: string[] = [];
  for (const e of entries) {
    if (typeof e?.orgId !== 'string' || typeof e.name !== 'string' || !e.exchangeKey) continue;
    const org = await tx.db
      .selectFrom('organisation')
      .select('org_id')
      .where('org_id', '=', e.orgId)
      .executeTakeFirst();
    const fed = await tx.db
      .selectFrom('federation_org')
      .select('node_id')
      .where('org_id', '=', e.orgId)
      .executeTakeFirst();
    if ((org && !fed) || (fed && fed.node_id !== nodeId)) continue;
    const name = e.name.slice(0, 200);
    const kid = e.exchangeKey.kid;
    const jwk = JSON.stringify({
      kty: e.exchangeKey.kty,
      crv: e.exchangeKey.crv,
      x: e.exchangeKey.x,
      // Kept so transfers name the key the partner will look for (after it rotates, the new one).
      ...(typeof kid === 'string' && KID.test(kid) ? { kid } : {}),
    });
    keyFromJwk({ kty: e.exchangeKey.kty, crv: e.exchangeKey.crv, x: e.exchangeKey.x }); // refuses a malformed key before it is stored
    const types = e.recordTypes === undefined ? null : JSON.stringify(readCatalogue(e.recordTypes));
    if (!org)
      await tx.db
        .insertInto('organisation')
        .values({
          org_id: e.orgId,
          name,
          kind: ['council', 'police', 'health', 'fire', 'party'].includes(e.kind)
            ? e.kind
            : 'other',
          external_id: `accord-node:${nodeId}`,
          created_at: at,
          demo: 0,
        })
        .execute();
    else
      await tx.db.updateTable('organisation').set({ name }).where('org_id', '=', e.orgId).execute();
    if (fed)
      await tx.db
        .updateTable('federation_org')
        .set({ name, exchange_jwk: jwk, record_types: types, updated_at: at })
        .where('org_id', '=', e.orgId)
        .execute();
    else
      await tx.db
        .insertInto('federation_org')
        .values({
          org_id: e.orgId,
          node_id: nodeId,
          name,
          exchange_jwk: jwk,
          record_types: types,
          updated_at: at,
        })
        .execute();
    accepted.push(e.orgId);
  }
  return accepted;
}

/** Keeps what a partner said it understands (null: it said nothing, an older node). */
export async function learnFeatures(
  tx: Tx,
  nodeId: string,
  features: string[] | null,
): Promise<void> {
  await tx.db
    .updateTable('federation_node')
    .set({ features: features && JSON.stringify(features) })
    .where('node_id', '=', nodeId)
    .execute();
}

export async function orgsOf(
  ex: Executor,
  nodeId: string,
): Promise<{ org_id: string; name: string }[]> {
  return ex.db
    .selectFrom('federation_org')
    .select(['org_id', 'name'])
    .where('node_id', '=', nodeId)
    .orderBy('name')
    .execute();
}
