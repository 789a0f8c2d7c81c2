// Opening a transfer: the recipient claims it (one conditional update, so a racing recall and
// open cannot both win), the agreement is decided again, the node's signature on the manifest is
// verified, then the chunks are decrypted one at a time, each checked against the manifest and
// imported into the recipient's asset under the agreement's retention — all in one transaction,
// so a failure anywhere leaves nothing imported and the transfer still delivered.
import { AccordError, assertNoProblems } from '../../errors.ts';
import { faultPoint } from '../faults.ts';
import { decideShare } from '../agreements/decide-share.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { checkpointAside } from '../../store/checkpoint-aside.ts';
import { RecordWriter } from '../records/record-writer.ts';
import { addPeriod } from '../records/retention-date.ts';
import type { Written } from '../records/record-writer.ts';
import { keyDestroyed, verifyJws, wholeDigest } from './envelope.ts';
import type { Manifest, ManifestChunk } from './envelope.ts';
import { openChunk, tampered } from './open-chunk.ts';
import { openThroughWorker } from './open-pipeline.ts';
import {
  auditBoth,
  auditBothNow,
  decisionDetails,
  onlyAgreement,
  shareError,
} from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { openFlags } from './transfer-accuracy.ts';
import { linkReceived } from './transfer-links.ts';
import { RemoteTransfers } from './transfer-remote.ts';
import { advance, illegal } from './transfer-states.ts';
import { TransferViews } from './transfers.view.ts';
import type { Transfer } from './transfers.view.ts';

/**
 * Transfers at least this big are opened on a worker thread (a worker takes a moment to start),
 * with their checkpoint moved off the main thread.
 */
const BULK_OPEN_RECORDS = 10_000;

export async function openTransfer(
  d: ExchangeDeps,
  views: TransferViews,
  actor: Actor,
  id: string,
  assetId: string,
): Promise<Transfer> {
  let seen: TransferTable | undefined;
  try {
    return await withAccess(d.ctx, actor, async (gate) => {
      const tx = gate.tx;
      const probe = await tx.db
        .selectFrom('transfer')
        .select(['recipient_org_id', 'purpose'])
        .where('transfer_id', '=', id)
        .executeTakeFirst();
      gate.require(
        'exchange.receive',
        { orgId: probe?.recipient_org_id ?? '', ref: `transfer:${id}` },
        { purpose: probe?.purpose ?? null },
      );
      const t = await TransferViews.visible(tx, id, actor.orgId);
      if (t.recipient_org_id !== actor.orgId) throw new AccordError('NOT_FOUND');
      seen = t;
      const asset = assetId ? await d.assets.row(tx, assetId) : undefined;
      if (!asset || asset.org_id !== actor.orgId)
        assertNoProblems([
          { field: 'assetId', message: 'Choose one of your assets to open it into' },
        ]);
      if (asset!.type_key !== t.record_type)
        assertNoProblems([
          {
            field: 'assetId',
            message: `Choose an asset holding ${t.record_type} records (that one holds ${asset!.type_key})`,
          },
        ]);
      const now = d.ctx.clock();
      if (
        !(await advance(
          tx,
          id,
          'open',
          { opened_at: now.toISOString(), opened_by: actor.ref, recipient_asset_id: assetId },
          now.toISOString(),
        ))
      ) {
        const { state } = await tx.db
          .selectFrom('transfer')
          .select('state')
          .where('transfer_id', '=', id)
          .executeTakeFirstOrThrow();
        gate.refuse(
          illegal('open', state),
          'exchange.transfer.open',
          `transfer:${id}`,
          { state },
          t.purpose,
          [{ orgId: t.org_id, side: 'sender' }],
        );
      }
      // The agreement must still allow it now (it may have ended or been suspended since sending).
      const index = await d.sharing.index(tx);
      const fields = JSON.parse(t.fields) as string[];
      const decision = decideShare(onlyAgreement(index, t.agreement_id), {
        actor,
        operation: 'transfer',
        providerOrgId: t.org_id,
        recordType: t.record_type,
        purpose: t.purpose,
        fields,
        now: now.getTime(),
      });
      const target = `${t.record_type}@org:${t.org_id}`;
      if (!decision.allow)
        gate.refuse(
          shareError(decision),
          'share.transfer',
          target,
          { ...decisionDetails(decision), transfer: id },
          t.purpose,
          // The sender sees its transfer was refused on opening (the agreement ended, say).
          [{ orgId: t.org_id, side: 'sender' }],
        );
      gate.record('share.transfer', target, decisionDetails(decision), 'allow', t.purpose);

      if (!t.manifest_jws) throw tampered('The transfer has no signed manifest.');
      // Signed by this node, or by the partner node that speaks for the sender.
      const signer = (await d.federation.signingKeyFor(tx, t.org_id)) ?? d.keys.publicKey;
      const m = await verifyJws<Manifest>(signer, t.manifest_jws);
      if (
        m.transferId !== id ||
        m.recipientOrgId !== actor.orgId ||
        m.senderOrgId !== t.org_id ||
        m.recordType !== t.record_type ||
        // What was decided above (fields, purpose, agreement) is what the signed manifest says:
        // a partner node cannot have one list decided and another imported.
        m.purpose !== t.purpose ||
        m.agreement.agreementId !== t.agreement_id ||
        m.agreement.versionId !== t.version_id ||
        m.fields.length !== fields.length ||
        m.fields.some((f) => !fields.includes(f)) ||
        m.chunks.length !== t.chunk_count ||
        m.recordCount !== t.record_count ||
        m.chunks.reduce((s, c) => s + c.count, 0) !== m.recordCount
      )
        throw tampered('The signed manifest does not describe this transfer.');
      // A big transfer's write-ahead log is copied back on another thread once it commits.
      if (m.recordCount >= BULK_OPEN_RECORDS) checkpointAside(tx);
      const version = index.versions.find((v) => v.versionId === m.agreement.versionId);
      const typeRow = await d.recordTypes.latest(tx, actor.orgId, t.record_type);
      // Each envelope names the key it was sealed to, current or since retired.
      const openWith = d.exchangeKeys.opener(tx, actor.orgId);
      if (!typeRow || !(await d.exchangeKeys.holdsAny(tx, actor.orgId)))
        throw tampered('The transfer was not made for this organisation.');
      const type = d.recordTypes.toType(typeRow);
      const validate = d.recordTypes.validator(typeRow);
      const retainUntil = version
        ? addPeriod(now.toISOString().slice(0, 10), version.retentionAtRecipient)
        : null;
      const writer = new RecordWriter(
        tx,
        d.keyring,
        {
          orgId: actor.orgId,
          assetId,
          typeId: typeRow.type_id,
          source: `transfer:${id}`,
          by: actor.ref,
        },
        d.ctx.clock,
      );
      const stored = await tx.db
        .selectFrom('transfer_chunk')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('transfer_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(stored.n) !== m.chunks.length)
        throw tampered('The transfer has more or fewer chunks than its manifest.');
      const read = async (index: number): Promise<string> => {
        const chunk = await tx.db
          .selectFrom('transfer_chunk')
          .select('jwe')
          .where('transfer_id', '=', id)
          .where('chunk_index', '=', index)
          .executeTakeFirst();
        if (!chunk) throw tampered(`Chunk ${index + 1} of the transfer is missing.`);
        return chunk.jwe;
      };
      let line = 0;
      const imported: string[] = [];
      const landed = async (written: Written[], c: ManifestChunk): Promise<void> => {
        const ids = written.map((w) => w.recordId);
        await linkReceived(tx, id, line, ids);
        line += c.count;
        imported.push(...ids);
        faultPoint('transfer.open.chunk');
      };
      const rules = {
        transferId: id,
        type,
        validate,
        agreed: new Set(decision.fields),
        retainUntil,
      };
      // A big transfer is decrypted, checked and sealed on a worker while this thread stores.
      if (m.recordCount >= BULK_OPEN_RECORDS)
        await openThroughWorker(
          {
            transferId: id,
            type,
            validator: d.recordTypes.validatorSource(typeRow),
            fields: decision.fields,
            retainUntil,
            orgId: actor.orgId,
          },
          rules,
          m.chunks,
          read,
          openWith,
          writer,
          landed,
        );
      else
        for (const c of m.chunks)
          await landed(
            await writer.write(await openChunk(rules, openWith, c, await read(c.index), line)),
            c,
          );
      if (wholeDigest(m.chunks.map((c) => c.digest)) !== m.digest)
        throw tampered('The transfer digest does not match the signed manifest.');
      // The sender's accuracy flags land on the copies they describe.
      if (m.accuracy && d.accuracy) {
        const flags = (await openFlags(openWith, id, m.accuracy)).filter(
          (f) => f.line >= 1 && f.line <= imported.length,
        );
        await d.accuracy.receive(
          tx,
          actor.orgId,
          flags.map((f) => ({ recordId: imported[f.line - 1]!, flag: f.flag, note: f.note })),
          actor.ref,
          (await d.orgName(tx, t.org_id)) ?? t.org_id,
        );
      }
      // Imported: the sealed copy is no longer needed.
      await tx.db.deleteFrom('transfer_chunk').where('transfer_id', '=', id).execute();
      auditBoth(d, tx, t, actor.ref, 'exchange.transfer.opened', {
        records: m.recordCount,
        asset: assetId,
        digest: m.digest,
        retainUntil,
      });
      await new RemoteTransfers(d).report(tx, t, 'open');
      faultPoint('transfer.open.end');
      const row = await tx.db
        .selectFrom('transfer')
        .selectAll()
        .where('transfer_id', '=', id)
        .executeTakeFirstOrThrow();
      return views.toView(tx, row, actor.orgId);
    });
  } catch (e) {
    if (e instanceof AccordError && e.code === 'TRANSFER_TAMPERED' && seen)
      await auditBothNow(d, seen, actor.ref, 'exchange.transfer.verification-failed', {
        code: e.code,
        reason: e.message,
      });
    if (keyDestroyed(e) && seen)
      await auditBothNow(d, seen, actor.ref, 'exchange.transfer.open', {
        code: e.code,
        reason: e.message,
      });
    throw e;
  }
}
