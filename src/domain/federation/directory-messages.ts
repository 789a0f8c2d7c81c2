// Directories: partner nodes tell each other the organisations they host (with the exchange key
// to seal to and their record types) and which newer message forms they understand
// (features.ts). Sent when a partner is trusted, queued to every partner whenever a record type
// is defined or an exchange key rotated, and when this node starts on a version with other
// features than it last told (once it serves); the answer always brings the partner's own
// directory.
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import * as settings from '../node/node-settings.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import * as dir from './directory.ts';
import type { DirectoryEntry } from './directory.ts';
import { NODE_FEATURES, TOLD_SETTING, readFeatures } from './features.ts';
import type { Inbox } from './inbox.ts';
import type { Outbox } from './outbox.ts';

/** A directory message's body (and the answer's). */
export interface DirectoryBody {
  organisations: DirectoryEntry[];
  features: string[];
}

/** What is published for an organisation: its exchange key (made on first use), its record types. */
export type Published = (
  tx: Tx,
  orgId: string,
) => Promise<Pick<DirectoryEntry, 'exchangeKey' | 'recordTypes'>>;

export class Directories {
  constructor(
    private readonly ctx: DomainContext,
    private readonly published: Published,
  ) {}

  /** Organisations hosted here, with the keys partners seal transfers to and their record types. */
  async own(tx: Tx): Promise<DirectoryEntry[]> {
    const out: DirectoryEntry[] = [];
    for (const o of await dir.localOrgs(tx))
      out.push({
        orgId: o.org_id,
        name: o.name,
        kind: o.kind,
        ...(await this.published(tx, o.org_id)),
      });
    return out;
  }

  /** This node's directory: its organisations and what it understands. */
  async body(tx: Tx): Promise<DirectoryBody> {
    return { organisations: await this.own(tx), features: [...NODE_FEATURES] };
  }

  /**
   * Records what a partner hosts and which message forms it understands, from its directory (a
   * message or an answer); audited. A directory without features is from an older node.
   */
  async learn(tx: Tx, nodeId: string, directory: unknown): Promise<void> {
    const said = (directory ?? {}) as { organisations?: unknown; features?: unknown };
    const list = Array.isArray(said.organisations) ? (said.organisations as DirectoryEntry[]) : [];
    const accepted = await dir.learn(tx, nodeId, list, this.ctx.clock().toISOString());
    const features = readFeatures(said.features);
    await dir.learnFeatures(tx, nodeId, features);
    this.ctx.audit.record(tx, {
      orgId: null,
      actor: `node:${nodeId}`,
      action: 'federation.directory.learned',
      target: `node:${nodeId}`,
      outcome: 'ok',
      details: { organisations: accepted, refused: list.length - accepted.length, features },
    });
  }

  /** Queues this node's directory to every trusted partner (read when the message leaves). */
  async announce(tx: Tx, outbox: Outbox): Promise<void> {
    for (const nodeId of await dir.trustedNodes(tx))
      await outbox.enqueue(tx, nodeId, 'directory', {});
  }

  /**
   * Handles directories both ways. A record type defined here, or an exchange key rotated,
   * reaches every partner at once (queued with the change), so a proposer there drafts against
   * the current catalogue and a sender seals to the current key. The directory is read when the
   * message leaves, so a later change is never overtaken by an earlier one's message.
   */
  wire(inbox: Inbox, outbox: Outbox, recordTypes: RecordTypesService): void {
    inbox.handle('directory', (m, from) =>
      this.ctx.store.transaction(async (tx) => {
        await this.learn(tx, from.node_id, m.body);
        return this.body(tx);
      }),
    );
    recordTypes.onDefine((tx) => this.announce(tx, outbox));
    outbox.expands('directory', () => this.ctx.store.transaction((tx) => this.body(tx)));
    // A partner away for longer than the outbox retries misses the directory (a rotated key, a
    // new type): it is queued again as soon as that partner is heard from.
    outbox.revivesOnContact('directory');
    inbox.onContact = (nodeId) => outbox.contact(nodeId);
    outbox.answered('directory', async (tx, row, answer) => {
      if (answer.ok) await this.learn(tx, row.node_id, answer.body);
    });
  }

  /**
   * Once a server starts on a version that understands other forms than it last told its
   * partners (it was upgraded), it tells them, so they use the newer forms from then on.
   */
  async tellFeatures(outbox: Outbox): Promise<void> {
    const now = NODE_FEATURES.join(' ');
    await this.ctx.store.transaction(async (tx) => {
      if ((await settings.get(tx, TOLD_SETTING)) === now) return;
      await this.announce(tx, outbox);
      await settings.put(tx, TOLD_SETTING, now, this.ctx.clock());
    });
  }
}
