// Per-organisation keys: a data key (versioned; the newest seals new payloads) and an index key
// (for identifier hashes). Each is random, stored only wrapped by the master key, and unwrapped
// into memory when first needed.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import { inTransaction } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { OrgKeyTable } from './keys.table.ts';
import type { MasterKeyring } from './master-key.ts';

export type KeyPurpose = 'data' | 'index';

export interface OrgKey {
  version: number;
  key: Buffer;
}

const aadOf = (orgId: string, purpose: string, version: number): Buffer =>
  Buffer.from(`${orgId}|${purpose}|${version}`, 'utf8');

export class KeyService {
  private readonly cache = new Map<string, Buffer>();
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly ctx: DomainContext,
    readonly masters: MasterKeyring,
  ) {}

  private wrap(key: Buffer, orgId: string, purpose: string, version: number): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.masters.current.key, iv);
    c.setAAD(aadOf(orgId, purpose, version));
    return Buffer.concat([iv, c.update(key), c.final(), c.getAuthTag()]);
  }

  private unwrap(row: OrgKeyTable): Buffer {
    const master = this.masters.all.find((m) => m.id === row.master_key_id);
    if (!master) {
      throw new AccordError(
        'NODE_KEY_INVALID',
        `The organisation key ${row.key_id} is wrapped with master key ${row.master_key_id}, which this node does not have. Set ACCORD_MASTER_KEY_PREVIOUS to it, or restore master-previous-${row.master_key_id}.key.`,
      );
    }
    const d = createDecipheriv('aes-256-gcm', master.key, row.wrapped.subarray(0, 12));
    d.setAAD(aadOf(row.org_id, row.purpose, row.version));
    d.setAuthTag(row.wrapped.subarray(row.wrapped.length - 16));
    return Buffer.concat([d.update(row.wrapped.subarray(12, row.wrapped.length - 16)), d.final()]);
  }

  private async insert(
    ex: Executor,
    orgId: string,
    purpose: KeyPurpose,
    version: number,
  ): Promise<Buffer> {
    const key = randomBytes(32);
    await ex.db
      .insertInto('org_key')
      .values({
        key_id: randomUUID(),
        org_id: orgId,
        purpose,
        version,
        wrapped: this.wrap(key, orgId, purpose, version),
        master_key_id: this.masters.current.id,
        created_at: this.ctx.clock().toISOString(),
      })
      .execute();
    return key;
  }

  /** Makes the organisation's first keys (run when it is created, and safe to run again). */
  async ensure(db: Db, orgId: string): Promise<void> {
    await inTransaction(db, async (tx) => {
      for (const purpose of ['data', 'index'] as const) {
        const has = await tx.db
          .selectFrom('org_key')
          .select('key_id')
          .where('org_id', '=', orgId)
          .where('purpose', '=', purpose)
          .executeTakeFirst();
        if (!has) await this.insert(tx, orgId, purpose, 1);
      }
    });
  }

  private async load(
    ex: Executor,
    orgId: string,
    purpose: KeyPurpose,
    version?: number,
  ): Promise<OrgKey> {
    let q = ex.db
      .selectFrom('org_key')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('purpose', '=', purpose);
    q =
      version === undefined
        ? q.orderBy('version', 'desc').limit(1)
        : q.where('version', '=', version);
    const row = await q.executeTakeFirst();
    if (!row)
      throw new AccordError(
        'NODE_KEY_INVALID',
        `The organisation has no ${purpose} key${version ? ` version ${version}` : ''}.`,
      );
    const cacheKey = `${orgId}/${purpose}/${row.version}`;
    let key = this.cache.get(cacheKey);
    if (!key) this.cache.set(cacheKey, (key = this.unwrap(row)));
    return { version: row.version, key };
  }

  /** The newest data key (it seals new payloads). */
  async dataKey(ex: Executor, orgId: string): Promise<OrgKey> {
    const v = this.latest.get(orgId);
    const cached = v !== undefined ? this.cache.get(`${orgId}/data/${v}`) : undefined;
    if (cached && v !== undefined) return { version: v, key: cached };
    const k = await this.load(ex, orgId, 'data');
    this.latest.set(orgId, k.version);
    return k;
  }

  /** A given version of the data key (to open what it sealed). */
  async dataKeyVersion(ex: Executor, orgId: string, version: number): Promise<Buffer> {
    return (
      this.cache.get(`${orgId}/data/${version}`) ??
      (await this.load(ex, orgId, 'data', version)).key
    );
  }

  /** The index key has one version for life (rotation re-wraps it; the hashes depend on it). */
  async indexKey(ex: Executor, orgId: string): Promise<Buffer> {
    return (
      this.cache.get(`${orgId}/index/current`) ??
      this.remember(`${orgId}/index/current`, (await this.load(ex, orgId, 'index')).key)
    );
  }

  private remember(cacheKey: string, key: Buffer): Buffer {
    this.cache.set(cacheKey, key);
    return key;
  }

  /**
   * Re-wraps every organisation key under the current master key, and starts a new data-key
   * version per organisation (new payloads use it; old ones still open). Returns what it did.
   */
  async rotate(
    db: Db,
  ): Promise<{ rewrapped: number; newDataKeys: { orgId: string; version: number }[] }> {
    return inTransaction(db, async (tx) => {
      const rows = await tx.db.selectFrom('org_key').selectAll().execute();
      let rewrapped = 0;
      for (const row of rows.filter((r) => r.master_key_id !== this.masters.current.id)) {
        const key = this.unwrap(row);
        await tx.db
          .updateTable('org_key')
          .set({
            wrapped: this.wrap(key, row.org_id, row.purpose, row.version),
            master_key_id: this.masters.current.id,
          })
          .where('key_id', '=', row.key_id)
          .execute();
        rewrapped++;
      }
      const newDataKeys: { orgId: string; version: number }[] = [];
      for (const orgId of [...new Set(rows.map((r) => r.org_id))]) {
        const version =
          Math.max(
            ...rows.filter((r) => r.org_id === orgId && r.purpose === 'data').map((r) => r.version),
            0,
          ) + 1;
        this.cache.set(`${orgId}/data/${version}`, await this.insert(tx, orgId, 'data', version));
        newDataKeys.push({ orgId, version });
        this.ctx.audit.record(tx, {
          orgId,
          actor: 'cli',
          action: 'keys.rotated',
          target: `org:${orgId}`,
          outcome: 'ok',
          details: { dataKeyVersion: version, masterKeyId: this.masters.current.id },
        });
      }
      tx.afterCommit(() => {
        for (const k of newDataKeys) this.latest.set(k.orgId, k.version);
      });
      return { rewrapped, newDataKeys };
    });
  }

  /** Master key ids that still wrap some organisation key. */
  async masterKeysInUse(ex: Executor): Promise<Set<string>> {
    return new Set(
      (await ex.db.selectFrom('org_key').select('master_key_id').distinct().execute()).map(
        (r) => r.master_key_id,
      ),
    );
  }
}
