// Each organisation's exchange key pair (X25519): senders encrypt transfers to its public key
// (JWE, ECDH-ES+A256KW). The private key is sealed under the organisation's data key, which is
// itself wrapped by the node's master key, so the database alone never reveals it.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JsonWebKey as NodeJwk, KeyObject } from 'node:crypto';
import type { Executor } from '../../store/store.ts';
import type { KeyService } from '../keys/key.service.ts';
import { open, sealBatch, sealedKeyVersion } from '../records/sealing.ts';

const aadOf = (orgId: string): string => `${orgId}|exchange-key`;

export class ExchangeKeys {
  private readonly privates = new Map<string, KeyObject>();
  private readonly publics = new Map<string, KeyObject>();
  /** A remote organisation's key, published by its node (set when federation is on). */
  remote: (ex: Executor, orgId: string) => Promise<KeyObject | undefined> = async () => undefined;

  constructor(
    private readonly keyring: KeyService,
    private readonly now: () => Date,
  ) {}

  /** The organisation's public key, making the pair on first use (inside the caller's transaction). */
  async publicKey(ex: Executor, orgId: string): Promise<KeyObject> {
    const cached = this.publics.get(orgId);
    if (cached) return cached;
    // Not cached: a partner may publish a new key for its organisation.
    const remote = await this.remote(ex, orgId);
    if (remote) return remote;
    const row = await ex.db
      .selectFrom('exchange_key')
      .select('public_jwk')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    let key: KeyObject;
    if (row) key = createPublicKey({ key: JSON.parse(row.public_jwk) as NodeJwk, format: 'jwk' });
    else {
      const pair = generateKeyPairSync('x25519');
      const data = await this.keyring.dataKey(ex, orgId);
      const [sealed] = sealBatch(data.key, data.version, [
        {
          aad: aadOf(orgId),
          plaintext: JSON.stringify(pair.privateKey.export({ format: 'jwk' })),
        },
      ]);
      await ex.db
        .insertInto('exchange_key')
        .values({
          org_id: orgId,
          public_jwk: JSON.stringify(pair.publicKey.export({ format: 'jwk' })),
          sealed_private: sealed!,
          data_key_version: data.version,
          created_at: this.now().toISOString(),
        })
        .execute();
      key = pair.publicKey;
    }
    this.publics.set(orgId, key);
    return key;
  }

  /** The organisation's private key, unsealed into memory (only to open what was sent to it). */
  async privateKey(ex: Executor, orgId: string): Promise<KeyObject | undefined> {
    const cached = this.privates.get(orgId);
    if (cached) return cached;
    const row = await ex.db
      .selectFrom('exchange_key')
      .select('sealed_private')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!row) return undefined;
    const data = await this.keyring.dataKeyVersion(ex, orgId, sealedKeyVersion(row.sealed_private));
    const jwk = JSON.parse(open(data, row.sealed_private, aadOf(orgId))) as NodeJwk;
    const key = createPrivateKey({ key: jwk, format: 'jwk' });
    this.privates.set(orgId, key);
    return key;
  }
}
