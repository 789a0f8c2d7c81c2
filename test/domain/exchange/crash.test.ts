// Crash safety: every step of a transfer runs in its own process, killed with SIGKILL at fault
// points inside it (mid-way through sealing or opening chunks, just before a commit, just after
// one). After each kill: no half-visible transfer (its chunks all there or the transfer not there
// at all), the recipient holds all of the records or none, nothing acknowledged is lost, and the
// audit log still verifies. Running the step again completes the transfer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { forEachDialect, createEmptyDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../../helpers/exchange.ts';
import { openServices } from '../../../src/services.ts';
import type { Services } from '../../../src/services.ts';
import { verifyLog } from '../../../src/domain/audit/verify.ts';

const RECORDS = 2500; // three chunks
const STEP = path.join(import.meta.dirname, '../../helpers/transfer-step.ts');

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

forEachDialect('exchange: crash safety', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId: string;
  let source: string;
  let inbox: string;
  let transferId = '';

  before(async () => {
    db = await createEmptyDb(dialect);
    s = await openServices(testConfig(db.url, db.dataDir), { actor: 'node' });
    council = await setupOrg(s, 'Crash Council', { tokens: false });
    police = await setupOrg(s, 'Crash Police', { tokens: false });
    agreementId = (await exchangeAgreement(s, council, police)).id;
    source = await peopleAsset(s, council, RECORDS, 'Residents');
    inbox = await peopleAsset(s, police, 0, 'From partners');
  });
  after(async () => {
    await s?.close();
    await db?.drop();
  });

  async function run(step: string, args: Record<string, string>, fault?: string, skip = 0) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        STEP,
        JSON.stringify({ url: db.url, dataDir: db.dataDir }),
        step,
        JSON.stringify(args),
      ],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          ACCORD_FAULT_POINT: fault ?? '',
          ACCORD_FAULT_SKIP: String(skip),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return { code, signal, out: out.trim(), err } satisfies Ran;
  }

  async function killedAt(step: string, args: Record<string, string>, fault: string, skip = 0) {
    const r = await run(step, args, fault, skip);
    assert.equal(r.signal, 'SIGKILL', `${step} should die at ${fault}: ${r.err.slice(-800)}`);
  }

  const asSender = () => ({ personId: council.people.handler.personId });
  const asRecipient = () => ({ personId: police.people.handler.personId });

  async function transfers() {
    return s.store.db
      .selectFrom('transfer')
      .select(['transfer_id', 'state', 'record_count', 'chunk_count'])
      .execute();
  }

  /** What must hold whenever a process has died, wherever it died. */
  async function consistent(): Promise<void> {
    // Until it is opened a transfer is its sealed chunks; opening imports them and drops them.
    for (const t of await transfers()) {
      if (!['draft', 'ready', 'delivered'].includes(t.state)) continue;
      const chunks = await s.store.db
        .selectFrom('transfer_chunk')
        .select(['record_count'])
        .where('transfer_id', '=', t.transfer_id)
        .execute();
      assert.equal(chunks.length, t.chunk_count, 'every chunk of a visible transfer is there');
      assert.equal(
        chunks.reduce((n, c) => n + c.record_count, 0),
        t.record_count,
        'the chunks hold every record the transfer counts',
      );
    }
    const received = await s.store.db
      .selectFrom('record')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('asset_id', '=', inbox)
      .executeTakeFirstOrThrow();
    assert.ok([0, RECORDS].includes(Number(received.n)), `all or none received, not ${received.n}`);
    const v = await verifyLog(s.audit);
    assert.ok(v.ok, v.problems.join('; '));
  }

  const stateOf = async (): Promise<string | undefined> =>
    (await transfers()).find((t) => t.transfer_id === transferId)?.state;

  test('killed while sealing, the transfer is not there; sealed again, it is whole', async () => {
    const args = { ...asSender(), recipientOrgId: police.orgId, agreementId, assetId: source };
    await killedAt('create', args, 'transfer.create.chunk', 1);
    await consistent();
    assert.equal((await transfers()).length, 0, 'nothing half-made is visible');
    await killedAt('create', args, 'transfer.create.end');
    await consistent();
    assert.equal((await transfers()).length, 0);
    const made = await run('create', args);
    assert.equal(made.code, 0, made.err);
    transferId = made.out.split('\n').pop()!;
    assert.equal(await stateOf(), 'draft');
    await consistent();
  });

  test('killed while sending, it stays a draft or a signed transfer; sent again, it is delivered', async () => {
    await killedAt('ready', { ...asSender(), transferId }, 'transfer.ready.end');
    await consistent();
    assert.equal(await stateOf(), 'draft');
    // Signed, then killed before delivery: it waits, whole, and sending again resumes it.
    await killedAt('ready', { ...asSender(), transferId }, 'transfer.readied');
    await consistent();
    assert.equal(await stateOf(), 'ready');
    assert.equal((await run('ready', { ...asSender(), transferId })).code, 0);
    assert.equal(await stateOf(), 'delivered');
  });

  test('killed while opening, nothing is imported; killed just after, it stays opened once', async () => {
    const args = { ...asRecipient(), transferId, assetId: inbox };
    await killedAt('open', args, 'transfer.open.chunk', 1);
    await consistent();
    assert.equal(await stateOf(), 'delivered');
    await killedAt('open', args, 'transfer.open.end');
    await consistent();
    assert.equal(await stateOf(), 'delivered');
    await killedAt('open', args, 'transfer.opened');
    await consistent();
    assert.equal(await stateOf(), 'opened');
    // Opening again is refused (it is opened), and imports nothing twice.
    assert.notEqual((await run('open', args)).code, 0);
    await consistent();
  });

  test('an acknowledgement that committed survives a kill the moment after', async () => {
    await killedAt('acknowledge', { ...asRecipient(), transferId }, 'transfer.acknowledge.end');
    assert.equal(await stateOf(), 'opened');
    await killedAt('acknowledge', { ...asRecipient(), transferId }, 'transfer.acknowledged');
    assert.equal(await stateOf(), 'acknowledged');
    await consistent();
    for (const org of [council, police]) {
      const actions = new Set((await s.audit.list({ orgId: org.orgId })).map((e) => e.action));
      for (const a of [
        'exchange.transfer.drafted',
        'exchange.transfer.opened',
        'exchange.transfer.acknowledged',
      ])
        assert.ok(actions.has(a), `${a} in ${org.name}'s log`);
    }
  });
});
