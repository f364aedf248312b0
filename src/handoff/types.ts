import type { ConversationId, Platform } from '../core/conversation-id.ts';
import type { Attachment, TranscriptEntry } from '../core/messages.ts';
import type { Priority } from '../dialogue/types.ts';
import type { Language } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';

/**
 * The handoff record: a case a human agent takes over. Its status only moves along `TRANSITIONS`:
 * queued → claimed → resolved | returned_to_bot | expired, and claimed → queued when the agent releases
 * it. A queued case that nobody claims in time expires.
 */
export const HANDOFF_STATUSES = ['queued', 'claimed', 'resolved', 'returned_to_bot', 'expired'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** The statuses of a case that is still open (a person will answer or is answering). */
export const OPEN_STATUSES = ['queued', 'claimed'] as const satisfies readonly HandoffStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** The transition table: from each status, where a case may go next. */
export const TRANSITIONS: Readonly<Record<HandoffStatus, readonly HandoffStatus[]>> = {
  queued: ['claimed', 'expired'],
  claimed: ['queued', 'resolved', 'returned_to_bot', 'expired'],
  resolved: [],
  returned_to_bot: [],
  expired: [],
};

export function canTransition(from: HandoffStatus, to: HandoffStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOpen(status: HandoffStatus): status is OpenStatus {
  return status === 'queued' || status === 'claimed';
}

export const PRIORITIES = ['urgent', 'high', 'normal'] as const satisfies readonly Priority[];

/** Smaller is served first. Persisted as `priority_rank` so SQL can order the queue. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { urgent: 0, high: 1, normal: 2 };

/** The higher of two priorities (a queued case is only ever raised, never lowered). */
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] <= PRIORITY_RANK[b] ? a : b;
}

export type Role = 'agent' | 'supervisor';
export type DeskVia = 'web' | 'telegram' | 'discord';

/**
 * Someone acting on the desk. Web agents are accounts in the store (`id` is the account id); Telegram and
 * Discord staff are identified by their channel (`id` like `telegram:12345`), authenticated by their channel.
 */
export interface Actor {
  id: string;
  name: string;
  role: Role;
  via: DeskVia;
}

/** Who holds a claimed case. */
export interface Holder {
  id: string;
  name: string;
  via: DeskVia;
}

/** A handoff as stored. Times are ISO strings; `reasons` are the escalation reasons, oldest first. */
export interface HandoffRecord {
  id: string;
  conversation_id: ConversationId;
  platform: Platform;
  buyer_id: string;
  buyer_name: string;
  language: Language;
  status: HandoffStatus;
  priority: Priority;
  reasons: string[];
  /** The dialogue's one-or-two-sentence summary for the agent. */
  summary: string;
  /** The dialogue asked for a compensation decision beyond the bot's remit. */
  needs_approval: boolean;
  /** The order the case is about, when known. */
  order_id: string | null;
  /** Who holds the case while claimed (null otherwise). */
  holder: Holder | null;
  requested_at: string;
  claimed_at: string | null;
  closed_at: string | null;
  updated_at: string;
  /** The agent's outcome note, set on resolve or hand-back. */
  outcome: string | null;
}

/** A private note an agent adds to a case; never shown to the buyer. */
export interface CaseNote {
  id: string;
  handoff_id: string;
  author: { id: string; name: string };
  text: string;
  created_at: string;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied';

/** A compensation request above the agent's limit, decided by a supervisor. */
export interface ApprovalRecord {
  id: string;
  handoff_id: string;
  conversation_id: ConversationId;
  requested_by: { id: string; name: string };
  amount: number;
  currency: string;
  reason: string;
  status: ApprovalStatus;
  decided_by: { id: string; name: string } | null;
  comment: string | null;
  created_at: string;
  decided_at: string | null;
}

/** One entry of the queue: the case, how long the buyer has waited, and whether that breaks the SLA. */
export interface QueueEntry {
  record: HandoffRecord;
  /** Minutes the buyer waited for a person: until now while queued, until the claim once claimed. */
  waiting_minutes: number;
  /** Queued longer than the configured SLA. */
  overdue: boolean;
}

/** Everything an agent needs to take a case over, built from the event log, the state and the order. */
export interface CaseFile {
  record: HandoffRecord;
  waiting_minutes: number;
  overdue: boolean;
  buyer: { id: string; name: string; platform: Platform };
  language: Language;
  order: Order | null;
  /** What went wrong (problem slot or intent) and what the buyer wants (remedy), as last understood. */
  problem: string | null;
  wants: string | null;
  intent: string | null;
  /** Photos and files the buyer sent, oldest first. */
  evidence: (Attachment & { at: string })[];
  /** The shop policy's verdict, when the dialogue recorded one. */
  policy: { rule: string | null; allowed: string[] };
  offered: { remedy: string; at: string }[];
  refused: { remedy: string; at: string }[];
  /** The buyer's anger (0..1) message by message. */
  anger: { at: string; anger: number }[];
  reasons: string[];
  transcript: TranscriptEntry[];
  notes: CaseNote[];
  approvals: ApprovalRecord[];
  /** The handoff's own history: requested, claimed, released, approvals, resolved… */
  history: { type: string; at: string; by: string | null; detail: string | null }[];
  /** The buyer's satisfaction answer (1–5) after the case, when given. */
  satisfaction: number | null;
}

/** A result that is expected to fail sometimes: a value, never an exception. */
export type DeskResult<T> = { ok: true; value: T } | DeskFailure;

/**
 * Why a desk action was refused. `holder` is set for `already_claimed` and `not_holder` (who has it).
 * - not_found: no such case/approval
 * - already_claimed: someone else claimed first
 * - not_holder: the case is claimed by someone else (or not claimed at all) and only the holder may act
 * - bad_status: the transition is not allowed from the current status (e.g. resolving a queued case)
 * - forbidden: the actor's role does not allow it (approvals are for supervisors)
 * - approval_required: the compensation is above the agent's limit and no supervisor approved it
 * - already_decided: the approval was decided by someone else first
 * - delivery_failed: the store changed, but the message could not be delivered to the buyer
 */
export type DeskFailureCode =
  | 'not_found'
  | 'already_claimed'
  | 'not_holder'
  | 'bad_status'
  | 'forbidden'
  | 'approval_required'
  | 'already_decided'
  | 'delivery_failed';

export interface DeskFailure {
  ok: false;
  code: DeskFailureCode;
  message: string;
  holder?: Holder;
  status?: HandoffStatus;
}
