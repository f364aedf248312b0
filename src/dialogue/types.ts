import type { EventType } from '../core/events.ts';
import type { ReplyOption } from '../core/messages.ts';
import type { Analysis, Remedy } from '../nlu/types.ts';
import type { Order, OrderLookup } from '../orders/types.ts';

/**
 * The contract between the pipeline and the dialogue. `decide()` is pure: everything it needs comes in
 * as `DecideInput`, everything it wants done goes out as a `Decision`. The pipeline never looks inside
 * `DialogueState` beyond `version`, `order_id` and `script`; the dialogue owns its shape.
 */
export type Step =
  | 'listen'
  | 'acknowledge'
  | 'apologize'
  | 'offer'
  | 'confirm'
  | 'follow_up'
  | 'closed'
  | 'handoff';

export type Priority = 'urgent' | 'high' | 'normal';

/** The conversation's dialogue state, stored as a versioned JSON snapshot. */
export interface DialogueState {
  /** Schema version of this snapshot; bump and migrate when the shape changes. */
  version: number;
  step: Step;
  /** The order this conversation is about, once known. */
  order_id?: string;
  /** The Chinese script the buyer writes; the pipeline writes replies in it. */
  script?: 'traditional' | 'simplified';
  [key: string]: unknown;
}

/** What the pipeline looked up about orders before calling decide. */
export interface OrderContext {
  /** The lookup of the order named in this message or in the state; null when no order is known. */
  lookup: OrderLookup | null;
  /** The order id the buyer named in this message, if any (as extracted). */
  asked_id?: string;
  /** The buyer's recent orders, newest first, for "which order?" questions. */
  recent: Order[];
}

export interface DecideInput {
  state: DialogueState | null;
  analysis: Analysis;
  order: OrderContext;
  /** The shop policy (src/policy). Typed loosely here to keep this contract file free of policy details. */
  policy: unknown;
  now: Date;
  message: { text: string; attachments: { kind: string; ref: string }[]; buyerName: string };
}

export interface HandoffRequest {
  reasons: string[];
  priority: Priority;
  /** One or two sentences for the agent: problem, wanted outcome, what was offered. */
  summary: string;
  /** The compensation asked for is beyond the agent's limit (policy `authority.agent_limit`): a supervisor approves. */
  needs_approval?: boolean;
}

/** Something the pipeline carries out for the dialogue (decide does no I/O): e.g. the demo shop applies a remedy. */
export interface RemedyAction {
  type: 'apply_remedy';
  order_id: string;
  remedy: Remedy;
  /** Money involved (refund or coupon amount), in the order's currency. */
  amount?: number;
}

/** A promise made to the buyer, followed up by the follow-up job. */
export interface PromiseDraft {
  id: string;
  kind: string;
  /** The promise as told to the buyer. */
  text: string;
  due_at: string;
  order_id?: string;
  remedy?: Remedy;
}

/** What the buyer's handoff notice says: who is coming and when. */
export interface HandoffNoticeInfo {
  priority: Priority;
  agentsOnline: number;
  expectedWaitMinutes: number;
  opensAt?: Date;
  health: boolean;
  /** Time zone of `opensAt` as the buyer reads it (default Asia/Shanghai). */
  timezone?: string;
}

/** How an agent hands a conversation back to the bot. */
export interface HandBack {
  outcome_note?: string;
  remedy?: Remedy;
  amount?: number;
  resolved: boolean;
}

export interface Decision {
  state: DialogueState;
  replies: { text: string; options?: ReplyOption[] }[];
  /** Domain events to append (step_changed, remedy_offered, case_outcome, promise_made, …). */
  events: { type: EventType; data: Record<string, unknown> }[];
  handoff: HandoffRequest | null;
  promises: PromiseDraft[];
  /** What the buyer agreed to and the pipeline must carry out (absent: nothing to do). */
  actions?: RemedyAction[];
  /** The structured decision, as `calmdesk replay` prints it. */
  trace: { intent: string; step: Step; remedies_offered: Remedy[]; policy_rule: string | null };
}
