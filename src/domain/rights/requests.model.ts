// What a subject request is: its kinds, the channels it arrives by, its states and the moves
// between them. Pure, so the pages, the API and the service agree on one set of rules.
export const REQUEST_KINDS = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'objection',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const KIND_LABELS: Record<RequestKind, string> = {
  access: 'Subject access (Art. 15)',
  rectification: 'Rectification (Art. 16)',
  erasure: 'Erasure (Art. 17)',
  restriction: 'Restriction (Art. 18)',
  objection: 'Objection (Art. 21)',
};

export const CHANNELS = ['email', 'letter', 'phone', 'web', 'in-person', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'Email',
  letter: 'Letter',
  phone: 'Telephone',
  web: 'Web form',
  'in-person': 'In person',
  other: 'Other',
};

export const STATUSES = [
  'received',
  'awaiting-identity',
  'awaiting-clarification',
  'in-progress',
  'completed',
  'refused',
] as const;
export type RequestStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<RequestStatus, string> = {
  received: 'Received',
  'awaiting-identity': 'Waiting for proof of identity',
  'awaiting-clarification': 'Waiting for clarification',
  'in-progress': 'In progress',
  completed: 'Completed',
  refused: 'Refused',
};

export const CLOSED: ReadonlySet<RequestStatus> = new Set(['completed', 'refused']);
export const PAUSED: ReadonlySet<RequestStatus> = new Set([
  'awaiting-identity',
  'awaiting-clarification',
]);

export const MOVES = [
  'await-identity',
  'await-clarification',
  'resume',
  'start',
  'complete',
  'refuse',
] as const;
export type Move = (typeof MOVES)[number];

export const MOVE_LABELS: Record<Move, string> = {
  'await-identity': 'Ask for proof of identity (pauses the clock)',
  'await-clarification': 'Ask for clarification (pauses the clock)',
  resume: 'Answer received: restart the clock',
  start: 'Start work',
  complete: 'Complete',
  refuse: 'Refuse',
};

/** Where each move may start from, and where it leads. */
const FROM: Record<Move, readonly RequestStatus[]> = {
  'await-identity': ['received', 'in-progress'],
  'await-clarification': ['received', 'in-progress'],
  resume: ['awaiting-identity', 'awaiting-clarification'],
  start: ['received'],
  complete: ['in-progress'],
  refuse: ['received', 'awaiting-identity', 'awaiting-clarification', 'in-progress'],
};
const TO: Record<Exclude<Move, 'resume'>, RequestStatus> = {
  'await-identity': 'awaiting-identity',
  'await-clarification': 'awaiting-clarification',
  start: 'in-progress',
  complete: 'completed',
  refuse: 'refused',
};

export function movesFrom(status: RequestStatus): Move[] {
  return MOVES.filter((m) => FROM[m].includes(status));
}

/** The state a move leads to, or null when it cannot be made from here. */
export function nextStatus(status: RequestStatus, move: Move): RequestStatus | null {
  if (!FROM[move].includes(status)) return null;
  return move === 'resume' ? 'in-progress' : TO[move];
}

export const isKind = (x: string): x is RequestKind =>
  (REQUEST_KINDS as readonly string[]).includes(x);
export const isChannel = (x: string): x is Channel => (CHANNELS as readonly string[]).includes(x);
export const isMove = (x: string): x is Move => (MOVES as readonly string[]).includes(x);
