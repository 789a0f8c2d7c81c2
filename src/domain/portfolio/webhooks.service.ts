// Signed GitHub and GitLab webhook deliveries. Each is checked against its application's secret
// (a bad or missing signature is refused with 401 and written to the audit log), read into
// delivery events, and queued. The queue is committed in batches, one transaction for many
// deliveries, with one audit entry per application naming each delivery. A delivery is
// acknowledged once verified and appended to the spool (webhook-spool.ts), so GitHub and GitLab
// get a quick answer and a crash before the batch commits loses nothing: the spool is committed
// again at start. A redelivery is recognised and its events are stored once.
import { AccordError } from '../../errors.ts';
import { nodeActor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as apps from './applications.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import type { DeliveryService } from './delivery.service.ts';
import * as repo from './delivery.repository.ts';
import type { NewEvent, WebhookSource } from './delivery.webhooks.ts';
import {
  deliveryId,
  eventType,
  githubEvents,
  gitlabEvents,
  verifySignature,
} from './delivery.webhooks.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import type { WebhookSpool } from './webhook-spool.ts';

export interface WebhookResult {
  outcome: 'accepted' | 'duplicate';
  event: string;
  /** Delivery events the delivery carries (events already stored count once). */
  events: number;
}

interface Queued {
  orgId: string;
  appId: string;
  source: WebhookSource;
  delivery: string;
  type: string;
  events: NewEvent[];
  ip: string | undefined;
  done: { resolve(): void; reject(e: unknown): void }[];
}

const SECRET_TTL_MS = 60_000;
const UUID = /^[0-9a-f-]{36}$/i;
/** Deliveries waiting beyond this are refused (429) rather than held in memory. */
const MAX_QUEUE = 20_000;
/** Deliveries committed in one transaction at most. */
const MAX_BATCH = 1000;
/** Delivery ids remembered after they are stored. */
const RECENT = 100_000;

export class WebhooksService {
  private queue: Queued[] = [];
  private keys = new Set<string>();
  /** Deliveries stored lately (oldest first), to recognise redeliveries without a query. */
  private recent = new Set<string>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly p: PortfolioContext,
    private readonly applications: ApplicationsService,
    private readonly delivery: DeliveryService,
    /** How long the first delivery in an empty queue waits for others to join its batch. */
    private readonly lingerMs = 50,
    private readonly spool?: WebhookSpool,
  ) {}

  /** The application's organisation and opened secret, cached briefly. */
  private async secretOf(
    appId: string,
  ): Promise<{ orgId: string; secret: string | null } | undefined> {
    const cached = this.applications.secretCache.get(appId);
    const now = Date.now();
    if (cached && now - cached.at < SECRET_TTL_MS) return cached;
    const row = await apps.applicationAnyOrg(this.p.ctx.store, appId);
    if (!row) return undefined;
    if (!row.webhook_secret) return { orgId: row.org_id, secret: null };
    const entry = { orgId: row.org_id, secret: this.p.ctx.box.open(row.webhook_secret), at: now };
    this.applications.secretCache.set(appId, entry);
    return entry;
  }

  private async refuse(
    orgId: string | null,
    source: WebhookSource,
    appId: string,
    reason: string,
    details: Record<string, unknown>,
  ): Promise<never> {
    await this.p.ctx.audit.recordNow(this.p.ctx.store, {
      orgId,
      actor: `webhook:${source}`,
      action: 'portfolio.webhook.refused',
      target: `application:${appId}`,
      outcome: 'refused',
      details: { reason, ...details },
    });
    throw new AccordError(reason === 'malformed' ? 'BAD_JSON' : 'WEBHOOK_SIGNATURE_INVALID');
  }

  /**
   * A delivery: refused (audited) unless signed with the application's secret and readable;
   * otherwise spooled and queued. With `wait`, resolves once it is committed.
   */
  async receive(
    source: WebhookSource,
    appId: string,
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
    opts: { ip?: string; wait?: boolean } = {},
  ): Promise<WebhookResult> {
    const delivery = deliveryId(source, headers, raw);
    const app = UUID.test(appId) ? await this.secretOf(appId) : undefined;
    if (!app?.secret || !verifySignature(source, headers, raw, app.secret))
      return this.refuse(
        app?.orgId ?? null,
        source,
        appId,
        !app
          ? 'unknown application'
          : !app.secret
            ? 'no webhook secret set'
            : 'bad or missing signature',
        { delivery, ip: opts.ip },
      );
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return this.refuse(app.orgId, source, appId, 'malformed', { delivery, ip: opts.ip });
    }
    const type = eventType(source, headers, body);
    const events = source === 'github' ? githubEvents(type, body) : gitlabEvents(body);
    const key = `${app.orgId}|${source}|${delivery}`;
    // Recognised at once when queued or recently stored; any other redelivery is still stored
    // once (the delivery id is unique): it is just not called a duplicate in the answer.
    if (this.keys.has(key) || this.recent.has(key))
      return { outcome: 'duplicate', event: type, events: 0 };
    if (this.queue.length >= MAX_QUEUE)
      throw new AccordError(
        'RATE_LIMITED',
        'Too many deliveries are waiting to be stored: try again shortly.',
      );
    const item: Queued = {
      orgId: app.orgId,
      appId,
      source,
      delivery,
      type,
      events,
      ip: opts.ip,
      done: [],
    };
    const committed = opts.wait
      ? new Promise<void>((resolve, reject) => item.done.push({ resolve, reject }))
      : undefined;
    const { done: _, ...spooled } = item;
    this.spool?.append(spooled);
    this.keys.add(key);
    this.queue.push(item);
    if (this.queue.length >= MAX_BATCH && !this.flushing) void this.flush().catch(() => undefined);
    else this.schedule();
    await committed;
    return { outcome: 'accepted', event: type, events: events.length };
  }

  /**
   * Commits what a previous process spooled but did not commit (at start, before listening).
   * Returns how many deliveries were replayed.
   */
  async recover(): Promise<number> {
    const left = this.spool?.leftover() ?? [];
    for (let i = 0; i < left.length; i += MAX_BATCH)
      await this.store(
        left
          .slice(i, i + MAX_BATCH)
          .map((d) => ({ ...d, events: d.events as NewEvent[], done: [] })),
      );
    if (left.length) this.spool?.committed(0);
    return left.length;
  }

  /** Forgets the queue without committing it: what a crash does (the spool still has it). */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.keys.clear();
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.lingerMs);
  }

  /** Commits everything queued (in one transaction per batch); resolves when the queue is empty. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.flushing = this.commit(batch);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
      if (this.queue.length) this.schedule();
    }
  }

  /** One transaction for the batch; when it fails, each delivery on its own, so one bad one costs only itself. */
  private async commit(batch: Queued[]): Promise<void> {
    const settle = (d: Queued, e?: unknown): void => {
      const key = `${d.orgId}|${d.source}|${d.delivery}`;
      this.keys.delete(key);
      if (e === undefined) {
        this.spool?.committed(1);
        this.recent.add(key);
        if (this.recent.size > RECENT) this.recent.delete(this.recent.values().next().value!);
      }
      for (const w of d.done) {
        if (e === undefined) w.resolve();
        else w.reject(e);
      }
    };
    try {
      await this.store(batch);
      for (const d of batch) settle(d);
    } catch (e) {
      if (batch.length === 1) {
        settle(batch[0]!, e);
        throw e;
      }
      for (const d of batch)
        await this.store([d]).then(
          () => settle(d),
          (err: unknown) => settle(d, err),
        );
    }
  }

  /**
   * Stores a batch: for each application, one decision in the audit log naming every delivery
   * it received (id, event, events carried, sender's address), then the deliveries and events.
   */
  private async store(batch: Queued[]): Promise<void> {
    const groups = new Map<string, Queued[]>();
    for (const d of batch) {
      const k = `${d.orgId}|${d.appId}|${d.source}`;
      groups.set(k, [...(groups.get(k) ?? []), d]);
    }
    await this.p.ctx.store.transaction(async (tx) => {
      for (const group of groups.values()) {
        const { orgId, appId, source } = group[0]!;
        const actor = {
          ...nodeActor(orgId, source === 'github' ? 'GitHub webhook' : 'GitLab webhook'),
          ref: `webhook:${source}`,
        };
        await withAccess(
          this.p.ctx,
          actor,
          async (gate) => {
            gate.require(
              'portfolio.ingest',
              { orgId, ref: `application:${appId}` },
              {
                details: {
                  source,
                  deliveries: group.map((d) => ({
                    id: d.delivery,
                    event: d.type,
                    events: d.events.length,
                    ip: d.ip,
                  })),
                },
              },
            );
            for (const d of group) {
              await repo.insertEvents(gate.tx, this.delivery.rows(orgId, appId, source, d.events));
            }
          },
          tx,
        );
      }
    });
  }
}
