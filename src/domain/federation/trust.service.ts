// The trust list. An administrator adds a partner node by its URL and the fingerprint its
// administrator read out to them: Accord fetches the node card, and trusts it only when the card's
// fingerprint is that one and the TLS certificate the connection presented is the one the card
// names — refused and audited otherwise. Entries are listed and revoked (a revoked node's messages
// are refused from then on). Partners then swap directories of the organisations they host.
import { X509Certificate } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { keyIdOf } from '../node/node-keys.ts';
import * as settings from '../node/node-settings.ts';
import type { Actor } from '../policy/actor.ts';
import { AuditedRefusal, settleRefusal, withAccess } from '../policy/gate.ts';
import * as dir from './directory.ts';
import type { Directories } from './directory-messages.ts';
import { featuresOf } from './features.ts';
import type { Link } from './link.ts';
import { keyFromJwk, newMessageId } from './messages.ts';
import { cardFingerprint, grouped, normalFingerprint } from './node-identity.ts';
import type { NodeCard, NodeIdentity } from './node-identity.ts';
import { fetchCard } from './transport.ts';
import { inTurn } from '../../store/in-turn.ts';

export interface TrustedNode {
  nodeId: string;
  name: string;
  url: string;
  fingerprint: string;
  state: 'trusted' | 'revoked';
  addedBy: string;
  addedAt: string;
  revokedAt: string | null;
  organisations: { orgId: string; name: string }[];
  /** The newer message forms it said it understands (features.ts); null: it has not said. */
  features: string[] | null;
}

/** What a trust-list change may do: work in the transaction, record, or refuse (audited). */
interface Acting {
  tx: Tx;
  record(action: string, target: string, details: Record<string, unknown>): void;
  refuse(e: AccordError, action: string, target: string, details: Record<string, unknown>): never;
}

/** The node's operator at the command line (host access: the node administrator). */
export const OPERATOR = null;

export class TrustService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly me: NodeIdentity,
    private readonly link: Link,
    private readonly directory: Directories,
  ) {}

  /**
   * Runs a trust-list change for an administrator (decided and audited through the gate), or for
   * the operator at the command line (audited as node-wide, by `cli`).
   */
  private async act<T>(
    actor: Actor | null,
    ref: string,
    fn: (a: Acting) => Promise<T>,
    changes = true,
  ): Promise<T> {
    if (actor)
      return withAccess(this.ctx, actor, async (gate) => {
        gate.require('federation.manage', { orgId: actor.orgId, ref });
        const operator = changes ? await dir.operatorOrg(gate.tx) : actor.orgId;
        if (operator !== actor.orgId)
          gate.refuse(
            new AccordError(
              'FORBIDDEN',
              'The trust list is the whole node’s: only administrators of the organisation that operates this node may change it.',
            ),
            'federation.trust-list',
            ref,
            { operatorOrgId: operator ?? null },
          );
        return fn({
          tx: gate.tx,
          record: (action, target, details) => gate.record(action, target, details),
          refuse: (e, action, target, details) => gate.refuse(e, action, target, details),
        });
      });
    try {
      return await this.ctx.store.transaction((tx) =>
        fn({
          tx,
          record: (action, target, details) =>
            this.ctx.audit.record(tx, {
              orgId: null,
              actor: 'cli',
              action,
              target,
              outcome: 'ok',
              details,
            }),
          refuse: (e, action, target, details) => {
            throw new AuditedRefusal(e, {
              orgId: null,
              actor: 'cli',
              action,
              target,
              outcome: 'refused',
              details: { code: e.code, reason: e.message, ...details },
            });
          },
        }),
      );
    } catch (e) {
      throw await settleRefusal(this.ctx, e);
    }
  }

  /** This node's public card, with its fingerprint grouped for reading aloud. */
  card(): NodeCard & { fingerprintGrouped: string } {
    const c = this.me.card();
    return { ...c, fingerprintGrouped: grouped(c.fingerprint) };
  }

  private async view(ex: Executor, nodeId: string): Promise<TrustedNode> {
    const r = await ex.db
      .selectFrom('federation_node')
      .selectAll()
      .where('node_id', '=', nodeId)
      .executeTakeFirstOrThrow();
    return {
      nodeId: r.node_id,
      name: r.name,
      url: r.url,
      fingerprint: grouped(r.fingerprint),
      state: r.state as TrustedNode['state'],
      addedBy: r.added_by,
      addedAt: r.added_at,
      revokedAt: r.revoked_at,
      organisations: (await dir.orgsOf(ex, nodeId)).map((o) => ({ orgId: o.org_id, name: o.name })),
      features: r.features === null ? null : [...featuresOf(r.features)],
    };
  }

  async list(actor: Actor | null): Promise<TrustedNode[]> {
    return this.act(
      actor,
      'federation:nodes',
      async (gate) => {
        const rows = await gate.tx.db
          .selectFrom('federation_node')
          .select('node_id')
          .orderBy('added_at')
          .execute();
        return inTurn(rows, (r) => this.view(gate.tx, r.node_id));
      },
      false,
    );
  }

  /** Names the organisation whose administrators operate the node (command line only). */
  async setOperator(orgId: string): Promise<{ orgId: string; name: string }> {
    return this.act(OPERATOR, `org:${orgId}`, async (a) => {
      const org = (await dir.localOrgs(a.tx)).find((o) => o.org_id === orgId);
      if (!org)
        throw new AccordError('NOT_FOUND', 'No organisation with that id is hosted on this node.');
      await settings.put(a.tx, dir.OPERATOR_SETTING, orgId, this.ctx.clock());
      a.record('federation.operator.set', `org:${orgId}`, { name: org.name });
      return { orgId, name: org.name };
    });
  }

  /** Fetches the card at `url` and trusts it if its fingerprint is `fingerprint`; then swaps directories. */
  async trust(actor: Actor | null, url: string, fingerprint: string): Promise<TrustedNode> {
    const expected = normalFingerprint(typeof fingerprint === 'string' ? fingerprint : '');
    const base = typeof url === 'string' ? url.trim().replace(/\/$/, '') : '';
    // Fetched before the transaction: nothing waits on the network while holding the database.
    const fetched = await fetchCard(base).catch((e: unknown) => e as AccordError);
    const nodeId = await this.act(actor, `federation:${base}`, async (gate) => {
      if (!/^[0-9A-F]{64}$/.test(expected))
        throw new AccordError('VALIDATION_FAILED', 'The fingerprint is 64 hexadecimal digits.', [
          { field: 'fingerprint', message: 'Enter the 64-digit fingerprint you were given' },
        ]);
      if (fetched instanceof Error)
        return gate.refuse(fetched, 'federation.node.trust', `url:${base}`, { url: base });
      const { card, certPem } = fetched;
      const actual = cardFingerprint(card);
      const tlsActual = new X509Certificate(certPem).fingerprint256;
      const refuse = (e: AccordError): never =>
        gate.refuse(e, 'federation.node.trust', `node:${card.nodeId}`, {
          url: base,
          expected: grouped(expected),
          presented: grouped(actual),
        });
      if (actual !== expected) refuse(new AccordError('FEDERATION_FINGERPRINT_MISMATCH'));
      if (card.fingerprint !== actual || card.tlsCertSha256 !== tlsActual)
        refuse(
          new AccordError(
            'FEDERATION_BAD_CARD',
            'The card’s fingerprint or TLS certificate does not match what the node presented.',
          ),
        );
      if (card.nodeId === this.me.nodeId)
        refuse(new AccordError('VALIDATION_FAILED', 'That is this node.'));
      // A node's id is its signing key's id: a card naming another node's id with its own keys
      // would otherwise take over that node's row, and the organisations it hosts.
      const signingKey = (() => {
        try {
          return keyFromJwk(card.signingKey);
        } catch {
          return undefined;
        }
      })();
      if (!signingKey || keyIdOf(signingKey) !== card.nodeId)
        refuse(
          new AccordError('FEDERATION_BAD_CARD', 'The card’s node id is not its signing key’s id.'),
        );
      // Trusting a node again (a new address or certificate) keeps its key; a new key is a new node.
      const known = await gate.tx.db
        .selectFrom('federation_node')
        .select('card')
        .where('node_id', '=', card.nodeId)
        .executeTakeFirst();
      if (
        known &&
        (JSON.parse(known.card) as { signingKey: { x?: string } }).signingKey.x !==
          card.signingKey.x
      )
        refuse(
          new AccordError(
            'FEDERATION_BAD_CARD',
            'A node with this id is already known with another signing key.',
          ),
        );
      const at = this.ctx.clock().toISOString();
      const row = {
        name: String(card.name).slice(0, 100),
        url: base,
        card: JSON.stringify(card),
        fingerprint: actual,
        tls_cert: certPem,
        state: 'trusted',
        added_by: actor?.ref ?? 'cli',
        added_at: at,
        revoked_by: null,
        revoked_at: null,
      };
      await gate.tx.db
        .insertInto('federation_node')
        .values({ node_id: card.nodeId, ...row })
        .onConflict((oc) => oc.column('node_id').doUpdateSet(row))
        .execute();
      gate.record('federation.node.trusted', `node:${card.nodeId}`, {
        name: row.name,
        url: base,
        fingerprint: grouped(actual),
        tlsCertSha256: card.tlsCertSha256,
      });
      return card.nodeId;
    });
    await this.sync(nodeId).catch(() => undefined); // the partner may not trust us yet
    return this.act(actor, `node:${nodeId}`, (gate) => this.view(gate.tx, nodeId), false);
  }

  async revoke(actor: Actor | null, nodeId: string): Promise<TrustedNode> {
    return this.act(actor, `node:${nodeId}`, async (gate) => {
      const at = this.ctx.clock().toISOString();
      const r = await gate.tx.db
        .updateTable('federation_node')
        .set({ state: 'revoked', revoked_by: actor?.ref ?? 'cli', revoked_at: at })
        .where('node_id', '=', nodeId)
        .where('state', '=', 'trusted')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AccordError('NOT_FOUND');
      gate.record('federation.node.revoked', `node:${nodeId}`, {});
      return this.view(gate.tx, nodeId);
    });
  }

  /** Sends our directory to a partner and learns its own from the answer. */
  async sync(nodeId: string): Promise<void> {
    const node = await this.link.partner(this.ctx.store, nodeId);
    const mine = await this.ctx.store.transaction((tx) => this.directory.body(tx));
    const answer = await this.link.send(node, {
      id: newMessageId(),
      kind: 'directory',
      body: mine,
    });
    if (!answer.ok) throw new AccordError('FEDERATION_UNREACHABLE', answer.error.message);
    await this.ctx.store.transaction((tx) => this.directory.learn(tx, nodeId, answer.body));
  }
}
