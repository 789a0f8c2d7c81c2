// Accuracy flags on records: disputed (someone says it is wrong) or verified (checked against
// evidence), with a note; "cleared" withdraws the flag. Versioned like overrides. Transfers and
// checks ask flagsFor() so that a disputed record travels with its dispute (UK GDPR Art. 18(1)(a)
// and the accuracy principle).
import { AccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './reconcile.repository.ts';
import { PURPOSE } from './reconcile.service.ts';
import type { AccuracyFlag } from './reconcile.view.ts';
import { toFlag } from './reconcile.view.ts';

export const FLAGS = ['disputed', 'verified', 'cleared'] as const;

export interface FlagInput {
  flag?: string;
  note?: string;
}

function problemsOf(input: FlagInput): Problem[] {
  const p: Problem[] = [];
  if (!(FLAGS as readonly string[]).includes(input.flag ?? ''))
    p.push({ field: 'flag', message: 'Choose disputed, verified or cleared' });
  const note = input.note?.trim() ?? '';
  if (!note) p.push({ field: 'note', message: 'Say what is disputed or how it was verified' });
  else if (note.length > 1000)
    p.push({ field: 'note', message: 'Keep the note under 1,000 characters' });
  return p;
}

export class AccuracyService {
  constructor(private readonly ctx: DomainContext) {}

  async setFlag(actor: Actor, recordId: string, input: FlagInput): Promise<AccuracyFlag> {
    return withAccess(this.ctx, actor, async (gate) => {
      const rec = await gate.tx.db
        .selectFrom('record')
        .select(['org_id', 'record_id'])
        .where('record_id', '=', recordId)
        .executeTakeFirst();
      const target = `record:${recordId}`;
      gate.require('records.flag', { orgId: rec?.org_id ?? '', ref: target }, { purpose: PURPOSE });
      const problems = problemsOf(input);
      if (problems.length)
        throw new AccordError('VALIDATION_FAILED', 'The flag was not set.', problems);
      const [latest] = await repo.flagsOf(gate.tx, actor.orgId, [recordId]);
      const row = {
        flag_id: uuid7(),
        org_id: actor.orgId,
        record_id: recordId,
        version: (latest?.version ?? 0) + 1,
        flag: input.flag!,
        note: input.note!.trim(),
        set_by: actor.personId ? `person:${actor.personId}` : actor.ref,
        set_at: this.ctx.clock().toISOString(),
      };
      await repo.insertFlag(gate.tx, row);
      gate.record(
        'records.accuracy-flag.set',
        target,
        { flag: row.flag, version: row.version, note: row.note },
        'ok',
        PURPOSE,
      );
      return toFlag(row);
    });
  }

  /** A record's flags, newest first. */
  async history(actor: Actor, recordId: string): Promise<AccuracyFlag[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      const rec = await gate.tx.db
        .selectFrom('record')
        .select('org_id')
        .where('record_id', '=', recordId)
        .executeTakeFirst();
      gate.require(
        'records.read',
        { orgId: rec?.org_id ?? '', ref: `record:${recordId}` },
        { purpose: PURPOSE, details: { via: 'accuracy-flags' } },
      );
      return (await repo.flagsOf(gate.tx, actor.orgId, [recordId])).map(toFlag);
    });
  }

  /**
   * The flag in force on each record named (cleared ones left out), for transfers and checks to
   * pass on. Called by other services inside their own decision; reads no personal data.
   */
  async flagsFor(
    ex: Executor,
    orgId: string,
    recordIds: readonly string[],
  ): Promise<Map<string, AccuracyFlag>> {
    const out = new Map<string, AccuracyFlag>();
    for (let i = 0; i < recordIds.length; i += 500) {
      for (const r of await repo.flagsOf(ex, orgId, recordIds.slice(i, i + 500))) {
        if (!out.has(r.record_id)) out.set(r.record_id, toFlag(r));
      }
    }
    for (const [id, f] of out) if (f.flag === 'cleared') out.delete(id);
    return out;
  }

  /** Whether the organisation has ever flagged a record (so transfers can skip the look-ups). */
  async any(ex: Executor, orgId: string): Promise<boolean> {
    const row = await ex.db
      .selectFrom('record_accuracy_flag')
      .select('flag_id')
      .where('org_id', '=', orgId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Flags passed on by a partner with a transfer, set on the copies just received (the opening
   * is the audited operation). The note says who passed the flag on.
   */
  async receive(
    tx: Tx,
    orgId: string,
    flags: readonly { recordId: string; flag: string; note: string }[],
    by: string,
    from: string,
  ): Promise<void> {
    const at = this.ctx.clock().toISOString();
    for (const f of flags) {
      if (!(FLAGS as readonly string[]).includes(f.flag) || f.flag === 'cleared') continue;
      await repo.insertFlag(tx, {
        flag_id: uuid7(),
        org_id: orgId,
        record_id: f.recordId,
        version: 1,
        flag: f.flag,
        note: `Passed on by ${from}: ${f.note}`.slice(0, 1100),
        set_by: by,
        set_at: at,
      });
    }
  }
}
