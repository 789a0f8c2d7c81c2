// Migration 0021 on a database as 0009 left it (one exchange key per organisation, keyed by
// org_id): the pair moves over as the organisation's current key, version 1, with the key id its
// public key derives, and its sealed private half still opens what was sealed to it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDialect } from '../helpers/db.ts';
import { createTestServices } from '../helpers/app.ts';
import type { TestServices } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import { migrate } from '../../src/store/migrate.ts';
import { columns } from '../../src/store/columns.ts';
import { ExchangeKeys, exchangeKeyId } from '../../src/domain/exchange/exchange-keys.ts';
import { encryptChunk, decryptChunk } from '../../src/domain/exchange/envelope.ts';

forEachDialect('migration 0021: exchange keys', (dialect) => {
  let t: TestServices;
  before(async () => {
    t = await createTestServices(dialect);
  });
  after(async () => t.close());

  test('the one pair of each organisation becomes its current key, version 1', async () => {
    const s = t.services;
    const org = await setupOrg(s, 'Oldshire Council', { tokens: false });
    const made = await s.exchange.keyPairs.local(s.store, org.orgId);
    const sealedBefore = await encryptChunk(made, 'x', 0, [{ a: 1 }]);
    const row = await s.store.db
      .selectFrom('exchange_key')
      .select(['public_jwk', 'sealed_private', 'data_key_version', 'created_at'])
      .where('org_id', '=', org.orgId)
      .executeTakeFirstOrThrow();

    // Back to the shape 0009 made, holding that pair, with 0021 not yet run.
    const db = s.store.db;
    await db.schema.dropTable('exchange_key').execute();
    await db.schema
      .createTable('exchange_key')
      .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisation.org_id'))
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('sealed_private', columns(dialect).bytes, (c) => c.notNull())
      .addColumn('data_key_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', columns(dialect).time, (c) => c.notNull())
      .execute();
    await sql`insert into exchange_key (org_id, public_jwk, sealed_private, data_key_version, created_at)
      values (${org.orgId}, ${row.public_jwk}, ${row.sealed_private}, ${row.data_key_version}, ${row.created_at})`.execute(
      db,
    );
    // 0023 (destroyed keys) adds a column to the table 0021 makes: both run again.
    await sql`delete from kysely_migration where name in ('0021_exchange_key_rotation', '0023_exchange_key_destroyed')`.execute(
      db,
    );

    assert.deepEqual((await migrate(s.store)).applied, [
      '0021_exchange_key_rotation',
      '0023_exchange_key_destroyed',
    ]);
    const moved = await db
      .selectFrom('exchange_key')
      .selectAll()
      .where('org_id', '=', org.orgId)
      .execute();
    assert.equal(moved.length, 1);
    assert.equal(moved[0]!.key_id, made.kid);
    assert.equal(moved[0]!.key_id, exchangeKeyId(JSON.parse(row.public_jwk)));
    assert.equal(moved[0]!.version, 1);
    assert.equal(moved[0]!.retired_at, null);
    assert.equal(moved[0]!.destroyed_at, null);

    // A new instance (nothing cached) unseals the moved private half and opens what was sealed.
    const fresh = new ExchangeKeys(s.keyring, s.clock);
    assert.deepEqual(await decryptChunk(fresh.opener(s.store, org.orgId), 'x', 0, sealedBefore), [
      { a: 1 },
    ]);
    // Only one current key per organisation: a second is refused by the database.
    await assert.rejects(
      db
        .insertInto('exchange_key')
        .values({ ...moved[0]!, key_id: 'another', version: 2 })
        .execute(),
    );
    // Rotation goes on from there.
    const r = await s.store.transaction((tx) => fresh.rotate(tx, org.orgId));
    assert.equal(r.oldKeyId, made.kid);
    assert.deepEqual(await decryptChunk(fresh.opener(s.store, org.orgId), 'x', 0, sealedBefore), [
      { a: 1 },
    ]);
  });
});
