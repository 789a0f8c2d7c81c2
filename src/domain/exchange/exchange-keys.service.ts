// Seeing and rotating an organisation's exchange keys (the key pairs partners seal transfers and
// correction notices to). Rotating retires the current pair and makes a new one: whatever is
// sealed from now on names the new key, and what was sealed to a retired key still opens until
// the key is destroyed. Only key ids are shown or audited, never key material.
import { AccordError } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { destroyRetiredKeys } from './exchange-key-destruction.ts';
import type { ExchangeKeyInfo } from './exchange-keys.ts';
import type { ExchangeDeps } from './exchange.deps.ts';

export interface ExchangeKeyRotation {
  /** The key retired (null when the organisation had none yet). */
  oldKeyId: string | null;
  /** The new current key. */
  newKeyId: string;
  /** Every pair the organisation holds, newest first. */
  keys: ExchangeKeyInfo[];
}

export class ExchangeKeysService {
  constructor(private readonly d: ExchangeDeps) {}

  /** The organisation's exchange keys, newest (current) first; made on first use. */
  async list(actor: Actor): Promise<ExchangeKeyInfo[]> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      gate.require('exchange.keys', { orgId: actor.orgId, ref: `exchange-key:${actor.orgId}` });
      await this.hostedHere(gate.tx, actor.orgId);
      await this.d.exchangeKeys.local(gate.tx, actor.orgId);
      return this.d.exchangeKeys.list(gate.tx, actor.orgId);
    });
  }

  /** Retires the organisation's current exchange key and makes a new one (audited). */
  async rotate(actor: Actor): Promise<ExchangeKeyRotation> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      const ref = `exchange-key:${actor.orgId}`;
      gate.require('exchange.keys', { orgId: actor.orgId, ref });
      await this.hostedHere(gate.tx, actor.orgId);
      const { oldKeyId, newKeyId } = await this.d.exchangeKeys.rotate(gate.tx, actor.orgId);
      gate.record('exchange.key.rotated', ref, { oldKeyId, newKeyId });
      // Partner nodes are sent the directory once this commits (they also learn the new key
      // whenever they refresh it); until then they seal to the old key, which still opens.
      await this.d.federation.keysChanged?.(gate.tx);
      return { oldKeyId, newKeyId, keys: await this.d.exchangeKeys.list(gate.tx, actor.orgId) };
    });
  }

  /**
   * Destroys the retired keys past their grace period that nothing waiting is sealed to (the
   * node's schedule runs this; audited in each organisation's log). Returns their key ids.
   */
  async destroyRetired(): Promise<string[]> {
    return destroyRetiredKeys(
      this.d.ctx,
      this.d.exchangeKeys,
      this.d.ctx.config.exchangeKeyGraceDays,
    );
  }

  /** A partner's organisation is only a shadow here: its own node holds and rotates its keys. */
  private async hostedHere(ex: Executor, orgId: string): Promise<void> {
    if (await this.d.federation.nodeOf(ex, orgId))
      throw new AccordError(
        'CONFLICT',
        'That organisation is hosted on a partner node: its exchange keys are rotated there.',
      );
  }
}
