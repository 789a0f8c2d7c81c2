// Where an exchange goes. Two organisations on this node exchange through the database; an
// organisation on a partner node is reached through federation (a signed, sealed envelope through
// the outbox). The exchange services ask this port which it is and otherwise run the same code:
// the same decision, projection, sealing, manifest, states and audit either way.
import type { KeyObject } from 'node:crypto';
import type { Executor, Tx } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import type { SealTo } from './exchange-keys.ts';
import { nodeActor } from '../policy/actor.ts';

export interface ExchangeFederation {
  /** The partner node that speaks for an organisation; undefined when it is on this node. */
  nodeOf(ex: Executor, orgId: string): Promise<string | undefined>;
  /** A remote organisation's current exchange public key and its id (transfers to it are sealed to this). */
  exchangeKeyOf(ex: Executor, orgId: string): Promise<SealTo | undefined>;
  /**
   * Whether the node hosting an organisation understands a newer message form
   * (federation/features.ts); always, for one hosted here.
   */
  understands(ex: Executor, orgId: string, feature: string): Promise<boolean>;
  /** The signing key of the node that signs for an organisation (undefined: this node). */
  signingKeyFor(ex: Executor, orgId: string): Promise<KeyObject | undefined>;
  /**
   * Queues a message to a partner in the caller's transaction (sent once it commits); with
   * `once`, not when the same message is already waiting to be sent.
   */
  send(
    tx: Tx,
    nodeId: string,
    kind: string,
    body: unknown,
    opts?: { once?: boolean },
  ): Promise<void>;
  /** Tells every partner node this node's directory again (an exchange key was rotated). */
  keysChanged?(tx: Tx): Promise<void>;
  /** Waits for queued messages to be attempted (so a caller sees the outcome when it can). */
  flush(): Promise<void>;
  /** Asks a partner and waits for its verified answer (queries). */
  ask(nodeId: string, kind: string, body: unknown): Promise<unknown>;
}

/** One node, no partners: every organisation is local. */
export const ONE_NODE: ExchangeFederation = {
  nodeOf: async () => undefined,
  exchangeKeyOf: async () => undefined,
  understands: async () => true,
  signingKeyFor: async () => undefined,
  send: async () => {
    throw new Error('federation is off');
  },
  flush: async () => undefined,
  ask: async () => {
    throw new Error('federation is off');
  },
};

/**
 * A partner node acting for one of its organisations, on behalf of one of its people: decided as
 * the node acting for that organisation here, and audited under the partner's reference.
 */
export function partnerActor(orgId: string, nodeId: string, onBehalf: unknown): Actor {
  const who = typeof onBehalf === 'string' ? onBehalf.replace(/[^\w:.@-]/g, '').slice(0, 80) : '';
  return { ...nodeActor(orgId, `Partner node ${nodeId}`), ref: `node:${nodeId}/${who || 'node'}` };
}
