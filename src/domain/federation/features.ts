// What a node's messages may rely on that a partner running an older Accord would not understand.
// Each node tells its partners its features with its directory (directory-messages.ts), and sends
// a partner a newer form only once that partner has said it understands it: partners on different
// versions keep exchanging, and need not upgrade together. A partner that has said nothing (a node
// from before features were told) gets the oldest forms, which every version takes.

/** A transfer chunk's sealed text travels beside its envelope (attachments.ts), not inside it. */
export const CHUNK_ATTACHMENTS = 'transfer.chunk-attachment';
/** A transfer chunk is sealed as one canonical record per line, not as one JSON list. */
export const CHUNK_LINES = 'transfer.chunk-lines';

/** This node takes `agreement.refused`: a proposal another party's node refused. */
export const AGREEMENT_REFUSALS = 'agreement.refusals';

/** What this node understands, told to every partner. */
export const NODE_FEATURES: readonly string[] = [
  CHUNK_ATTACHMENTS,
  CHUNK_LINES,
  AGREEMENT_REFUSALS,
];

/** The node setting holding the features this node last told its partners. */
export const TOLD_SETTING = 'federation.featuresTold';

const NAME = /^[a-z][\w.-]{0,63}$/;
const MOST = 32;

/**
 * The features a partner says it has, as kept: names only (a newer partner's unknown ones too, for
 * `accord nodes list`), at most 32, sorted; null when it said nothing (an older node).
 */
export function readFeatures(said: unknown): string[] | null {
  if (!Array.isArray(said)) return null;
  const names = said.filter((f): f is string => typeof f === 'string' && NAME.test(f));
  return [...new Set(names)].sort().slice(0, MOST);
}

/** The features kept for a partner (its `federation_node.features`). */
export function featuresOf(kept: string | null): ReadonlySet<string> {
  if (!kept) return new Set();
  try {
    return new Set(readFeatures(JSON.parse(kept)) ?? []);
  } catch {
    return new Set();
  }
}
