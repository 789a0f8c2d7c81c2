// Each organisation's exchange key pairs (X25519): senders encrypt transfers and correction
// notices to its current public key (JWE, ECDH-ES+A256KW) and name it in the protected header's
// `kid`; the recipient picks the private key by that `kid`. The private keys are sealed under the
// organisation's data key, itself wrapped by the node's master key, so the database alone never
// reveals them. Rotation retires the current pair and makes a new one; retired private keys are
// kept so that whatever was sealed to them before still opens, and destroyed once nothing sealed
// to them is left to open (exchange-key-destruction.ts).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey as NodeJwk, KeyObject } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import { open, sealBatch, sealedKeyVersion } from '../records/sealing.ts';
import { chunkKid } from './open-chunk.ts';

const aadOf = (orgId: string): string => `${orgId}|exchange-key`;

/** A public key to seal to, and its id (the JWE `kid`). */
export interface SealTo {
  kid: string;
  key: KeyObject;
}

/** Finds the private key for a `kid` (undefined: an envelope made before keys had ids). */
export type OpenWith = (kid: string | undefined) => Promise<KeyObject | undefined>;

/** One of an organisation's pairs, as shown to people (never any key material). */
export interface ExchangeKeyInfo {
  keyId: string;
  version: number;
  createdAt: string;
  retiredAt: string | null;
  /** When its private half was destroyed: nothing sealed to it can be opened since. */
  destroyedAt: string | null;
}

/** The key id: the first 16 hex of SHA-256 of the raw X25519 public key. */
export function exchangeKeyId(key: KeyObject | NodeJwk): string {
  const jwk = 'x' in key ? key : (key as KeyObject).export({ format: 'jwk' });
  return createHash('sha256')
    .update(Buffer.from(jwk.x ?? '', 'base64url'))
    .digest('hex')
    .slice(0, 16);
}

const iso = (t: string | Date): string => (t instanceof Date ? t.toISOString() : t);

export class ExchangeKeys {
  // Keyed by organisation and key id: a pair never changes once made, so neither map can go
  // stale. Which pair is current is read from the database on every seal, so a rotation by this
  // process, another instance or the CLI is seen at once.
  private readonly privates = new Map<string, KeyObject>();
  private readonly publics = new Map<string, KeyObject>();
  /** A remote organisation's key, published by its node (set when federation is on). */
  remote: (ex: Executor, orgId: string) => Promise<SealTo | undefined> = async () => undefined;

  constructor(
    private readonly keyring: KeyService,
    private readonly now: () => Date,
  ) {}

  /** What to seal to for an organisation: its partner's published key, or its current pair here (made on first use). */
  async current(ex: Executor, orgId: string): Promise<SealTo> {
    const remote = await this.remote(ex, orgId);
    if (remote) return remote;
    return this.local(ex, orgId);
  }

  /** The current pair of an organisation hosted here, made on first use (in the caller's transaction). */
  async local(ex: Executor, orgId: string): Promise<SealTo> {
    const row = await ex.db
      .selectFrom('exchange_key')
      .select(['key_id', 'public_jwk'])
      .where('org_id', '=', orgId)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    if (!row) return this.make(ex, orgId, 1);
    const cacheKey = `${orgId}/${row.key_id}`;
    let key = this.publics.get(cacheKey);
    if (!key) {
      key = createPublicKey({ key: JSON.parse(row.public_jwk) as NodeJwk, format: 'jwk' });
      this.publics.set(cacheKey, key);
    }
    return { kid: row.key_id, key };
  }

  private async make(ex: Executor, orgId: string, version: number): Promise<SealTo> {
    const pair = generateKeyPairSync('x25519');
    const publicJwk = pair.publicKey.export({ format: 'jwk' });
    const kid = exchangeKeyId(publicJwk);
    const data = await this.keyring.dataKey(ex, orgId);
    const [sealed] = sealBatch(data.key, data.version, [
      { aad: aadOf(orgId), plaintext: JSON.stringify(pair.privateKey.export({ format: 'jwk' })) },
    ]);
    await ex.db
      .insertInto('exchange_key')
      .values({
        org_id: orgId,
        key_id: kid,
        version,
        public_jwk: JSON.stringify(publicJwk),
        sealed_private: sealed!,
        data_key_version: data.version,
        created_at: this.now().toISOString(),
        retired_at: null,
      })
      .execute();
    this.publics.set(`${orgId}/${kid}`, pair.publicKey);
    this.privates.set(`${orgId}/${kid}`, pair.privateKey);
    return { kid, key: pair.publicKey };
  }

  /**
   * Retires the organisation's current pair and makes the next one (its first if it had none).
   * Run inside the caller's transaction; a second rotation racing this one fails (CONFLICT, or
   * the unique indexes on the current pair and the version).
   */
  async rotate(tx: Tx, orgId: string): Promise<{ oldKeyId: string | null; newKeyId: string }> {
    const latest = await tx.db
      .selectFrom('exchange_key')
      .select(['key_id', 'version', 'retired_at'])
      .where('org_id', '=', orgId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest) return { oldKeyId: null, newKeyId: (await this.make(tx, orgId, 1)).kid };
    const retired = await tx.db
      .updateTable('exchange_key')
      .set({ retired_at: this.now().toISOString() })
      .where('org_id', '=', orgId)
      .where('key_id', '=', latest.key_id)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    // Another rotation committed first (it retired this key while we waited for the row).
    if (Number(retired.numUpdatedRows) !== 1)
      throw new AccordError('CONFLICT', 'The exchange key was rotated at the same moment.');
    const made = await this.make(tx, orgId, latest.version + 1);
    return { oldKeyId: latest.key_id, newKeyId: made.kid };
  }

  /**
   * Refuses an envelope arriving from a partner sealed to a key of the organisation destroyed
   * here (the partner missed the rotation): the sender is told now, not the recipient on opening.
   */
  async refuseIfDestroyed(ex: Executor, orgId: string, envelope: string): Promise<void> {
    const kid = chunkKid(envelope);
    let q = ex.db.selectFrom('exchange_key').select('destroyed_at').where('org_id', '=', orgId);
    // Naming no key: sealed before keys had ids, to the organisation's first pair.
    q = kid === undefined ? q.orderBy('version').limit(1) : q.where('key_id', '=', kid);
    // On PostgreSQL the key's row stays share-locked until what arrives is stored: the sweep
    // locks the rows before its last look (exchange-key-destruction.ts), so either it sees this
    // arrival waiting, or this arrival sees the key destroyed. (SQLite has one writer at a time.)
    if (ex.dialect === 'postgres') q = q.forShare();
    const row = await q.executeTakeFirst();
    // (One naming no key is only locked: its header may be unreadable, and opening judges it.)
    if (kid !== undefined && row?.destroyed_at)
      throw new AccordError(
        'EXCHANGE_KEY_DESTROYED',
        `Sealed to exchange key ${kid}, retired and since destroyed here: make it again, sealed to the current key (the node directory has it).`,
      );
  }

  /** Whether the organisation holds any pair here (a transfer or notice can be for it at all). */
  async holdsAny(ex: Executor, orgId: string): Promise<boolean> {
    const row = await ex.db
      .selectFrom('exchange_key')
      .select('key_id')
      .where('org_id', '=', orgId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The organisation's pairs, newest first. */
  async list(ex: Executor, orgId: string): Promise<ExchangeKeyInfo[]> {
    const rows = await ex.db
      .selectFrom('exchange_key')
      .select(['key_id', 'version', 'created_at', 'retired_at', 'destroyed_at'])
      .where('org_id', '=', orgId)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      keyId: r.key_id,
      version: r.version,
      createdAt: iso(r.created_at),
      retiredAt: r.retired_at === null ? null : iso(r.retired_at),
      destroyedAt: r.destroyed_at === null ? null : iso(r.destroyed_at),
    }));
  }

  /**
   * Destroys a retired pair's private half in the caller's transaction: its sealed bytes are
   * overwritten and the time recorded, and this process forgets the key. False when it is not a
   * retired, undestroyed pair of the organisation.
   */
  async destroy(tx: Tx, orgId: string, keyId: string): Promise<boolean> {
    const r = await tx.db
      .updateTable('exchange_key')
      .set({ sealed_private: Buffer.alloc(0), destroyed_at: this.now().toISOString() })
      .where('org_id', '=', orgId)
      .where('key_id', '=', keyId)
      .where('retired_at', 'is not', null)
      .where('destroyed_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    // Forgotten only once the overwrite commits: until then the key may still be opening something.
    tx.afterCommit(() => this.privates.delete(`${orgId}/${keyId}`));
    return true;
  }

  /**
   * The private key named by `kid`, unsealed into memory (only to open what was sent to the
   * organisation). Without a `kid` (sealed before keys had ids) the oldest pair, which was the
   * only one then. The row is read every time, cached or not: a key another process (or
   * instance) destroyed is never used again here.
   */
  async privateKey(ex: Executor, orgId: string, kid?: string): Promise<KeyObject | undefined> {
    let q = ex.db
      .selectFrom('exchange_key')
      .select(['key_id', 'sealed_private', 'destroyed_at'])
      .where('org_id', '=', orgId);
    q = kid === undefined ? q.orderBy('version', 'asc').limit(1) : q.where('key_id', '=', kid);
    const row = await q.executeTakeFirst();
    if (!row) return undefined;
    if (row.destroyed_at !== null) {
      this.privates.delete(`${orgId}/${row.key_id}`);
      // Only a kid that names it says so; an envelope without one is not taken at its word.
      if (kid === undefined) return undefined;
      throw new AccordError(
        'EXCHANGE_KEY_DESTROYED',
        `This was sealed to exchange key ${row.key_id}, destroyed on ${iso(row.destroyed_at).slice(0, 10)}: it can no longer be opened. Ask the sender to send it again.`,
      );
    }
    const cacheKey = `${orgId}/${row.key_id}`;
    const cached = this.privates.get(cacheKey);
    if (cached) return cached;
    const data = await this.keyring.dataKeyVersion(ex, orgId, sealedKeyVersion(row.sealed_private));
    const jwk = JSON.parse(open(data, row.sealed_private, aadOf(orgId))) as NodeJwk;
    const key = createPrivateKey({ key: jwk, format: 'jwk' });
    this.privates.set(cacheKey, key);
    return key;
  }

  /** Opens with whichever of the organisation's private keys an envelope names. */
  opener(ex: Executor, orgId: string): OpenWith {
    return (kid) => this.privateKey(ex, orgId, kid);
  }
}
