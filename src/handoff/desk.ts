import type { ConversationId } from '../core/conversation-id.ts';
import type { Logger } from '../core/logger.ts';
import type { Attachment, InboundMessage, OutboundMessage, TranscriptEntry } from '../core/messages.ts';
import type {
  Decision,
  DialogueState,
  HandBack,
  HandoffNoticeInfo,
  HandoffRequest,
  RemedyAction,
} from '../dialogue/types.ts';
import type { Language, Remedy } from '../nlu/types.ts';
import type { OrderSource } from '../orders/types.ts';
import type { Store } from '../storage/store.ts';
import type { OpeningHours } from './opening-hours.ts';
import type { HandoffRepos } from './ports.ts';
import type {
  Actor,
  ApprovalRecord,
  CaseFile,
  CaseNote,
  DeskResult,
  HandoffRecord,
  QueueEntry,
} from './types.ts';

/**
 * The agent desk: the one place where handoffs are opened, claimed, answered, handed back and resolved.
 * The web console, the Telegram staff group and the Discord staff channel are thin views over this API;
 * they act as an `Actor` and listen with `subscribe`.
 *
 * Rules it keeps:
 * - a conversation has at most one open case (queued or claimed);
 * - claiming is exactly once (one conditional update); losers get `{ ok: false, code: 'already_claimed', holder }`;
 * - only the holder replies, notes stay private, hands back or resolves;
 * - hand-back and resolve run inside `pipeline.runExclusive(conversationId)`, so a buyer message arriving
 *   at the same moment is either relayed to the agent before, or answered by the bot after — never lost,
 *   never answered twice;
 * - everything is recorded in the event log (handoff_requested, handoff_claimed, handoff_released,
 *   agent_message, agent_note, approval_requested, approval_decided, handoff_returned, handoff_resolved,
 *   handoff_expired, message_relayed).
 */
export interface HandoffDesk {
  /**
   * Opens a case for a conversation (the pipeline calls this when `decide` returns a handoff). When the
   * conversation already has an open case it raises its priority and adds the reasons instead, and
   * `notice` is null. Otherwise `notice` is the calm message for the buyer (expected wait, or when a
   * person will answer outside opening hours / with no agent online) — the caller sends it through the outbox.
   */
  request(
    conversationId: ConversationId,
    req: DeskHandoffRequest,
    context: HandoffContext,
  ): Promise<{ record: HandoffRecord; created: boolean; notice: string | null }>;

  /** The conversation's open case (queued or claimed), or null. While it is `claimed` the bot sends nothing. */
  held(conversationId: ConversationId): Promise<HandoffRecord | null>;

  /**
   * Hands a buyer message to the desk while the conversation has an open case: appends `message_relayed`
   * and tells subscribers (`buyer_message`). `relayed` is true when an agent holds the case — then the
   * bot must stay silent. Returns `{ relayed: false, record: null }` when there is no open case.
   */
  onBuyerMessage(
    conversationId: ConversationId,
    message: InboundMessage,
  ): Promise<{ relayed: boolean; record: HandoffRecord | null }>;

  /** Open cases: priority (urgent, high, normal), then waiting time (longest first); with SLA flags. */
  queue(): Promise<QueueEntry[]>;

  /** Everything an agent needs about one case; null when the id is unknown. */
  caseFile(id: string): Promise<CaseFile | null>;

  /** Claims a queued case. Exactly one of any number of concurrent claims wins. */
  claim(id: string, actor: Actor): Promise<DeskResult<HandoffRecord>>;

  /** Puts a claimed case back in the queue (the holder, or any supervisor). */
  release(id: string, actor: Actor): Promise<DeskResult<HandoffRecord>>;

  /** Sends the holder's message to the buyer on the buyer's channel (outbox, `from: 'agent'`). */
  reply(
    id: string,
    actor: Actor,
    text: string,
    attachments?: Attachment[],
  ): Promise<DeskResult<TranscriptEntry>>;

  /** Adds a private note to a case (any agent; never shown to the buyer). */
  note(id: string, actor: Actor, text: string): Promise<DeskResult<CaseNote>>;

  /**
   * Returns the conversation to the bot: the dialogue's `resume` continues with what the agent agreed and
   * closes with the satisfaction question. Only the holder. A remedy `amount` above the agent limit needs
   * an approved approval (supervisors are exempt).
   */
  handBack(id: string, actor: Actor, outcome: HandBackOutcome): Promise<DeskResult<HandoffRecord>>;

  /** Closes the case with its outcome recorded; the buyer is asked for satisfaction (1–5). Only the holder. */
  resolve(id: string, actor: Actor, outcome: ResolveOutcome): Promise<DeskResult<HandoffRecord>>;

  /** Asks a supervisor to approve a compensation (the holder, on a claimed case). */
  requestApproval(id: string, actor: Actor, request: ApprovalRequest): Promise<DeskResult<ApprovalRecord>>;

  /** A supervisor approves or denies a pending compensation request; the requesting agent is told. */
  decideApproval(
    approvalId: string,
    actor: Actor,
    decision: { approved: boolean; comment: string },
  ): Promise<DeskResult<ApprovalRecord>>;

  /** Pending approvals (all cases), oldest first. */
  pendingApprovals(): Promise<ApprovalRecord[]>;

  /** Expires cases queued longer than `expireAfterMinutes`; returns the expired records. */
  expireStale(now: Date): Promise<HandoffRecord[]>;

  /** Marks an actor present (on any action, a console heartbeat, a staff command) or gone. */
  setPresence(actor: Actor, online: boolean): void;

  /** Agents present now (seen within the presence window), outside opening hours none count. */
  agentsOnline(): Actor[];

  /** Live updates for the console's SSE stream and the staff desks; returns the unsubscribe function. */
  subscribe(listener: (event: DeskEvent) => void): () => void;
}

/** `decide`'s handoff request, plus the optional flag the dialogue sets for compensation beyond its remit. */
export type DeskHandoffRequest = HandoffRequest & { needs_approval?: boolean };

/** What the pipeline knows about the conversation when it opens a case. */
export interface HandoffContext {
  buyerId: string;
  buyerName: string;
  language: Language;
  orderId?: string;
}

export interface HandBackOutcome {
  /** What the agent agreed with the buyer, in a sentence; the bot builds on it. */
  outcome_note?: string;
  remedy?: Remedy;
  /** Compensation amount agreed, checked against the agent limit. */
  amount?: number;
}

export interface ResolveOutcome {
  outcome_note: string;
  remedy?: Remedy;
  amount?: number;
}

export interface ApprovalRequest {
  amount: number;
  reason: string;
  /** Defaults to the order's currency, else CNY. */
  currency?: string;
}

/**
 * A live desk update. Every event carries the case as it is now. The staff desks use them to post and
 * edit messages; the web console refreshes its queue and open case.
 */
export type DeskEvent =
  | { type: 'handoff_requested'; at: string; record: HandoffRecord }
  | { type: 'handoff_escalated'; at: string; record: HandoffRecord }
  | { type: 'handoff_claimed'; at: string; record: HandoffRecord; actor: Actor }
  | { type: 'handoff_released'; at: string; record: HandoffRecord; actor: Actor }
  | { type: 'handoff_returned'; at: string; record: HandoffRecord; actor: Actor }
  | { type: 'handoff_resolved'; at: string; record: HandoffRecord; actor: Actor }
  | { type: 'handoff_expired'; at: string; record: HandoffRecord }
  | { type: 'buyer_message'; at: string; record: HandoffRecord; entry: TranscriptEntry }
  | { type: 'agent_message'; at: string; record: HandoffRecord; actor: Actor; entry: TranscriptEntry }
  | { type: 'note_added'; at: string; record: HandoffRecord; note: CaseNote }
  | { type: 'approval_requested'; at: string; record: HandoffRecord; approval: ApprovalRecord }
  | { type: 'approval_decided'; at: string; record: HandoffRecord; approval: ApprovalRecord };

/** The dialogue functions the desk needs (from src/dialogue). Method syntax on purpose: easy to fake. */
export interface DeskDialogue {
  renderHandoffNotice(language: Language, info: HandoffNoticeInfo): string;
  resume(state: DialogueState, handBack: HandBack, language: Language, now: Date): Decision;
}

export interface DeskConfig {
  /** A queued case waiting longer than this is flagged overdue. */
  slaMinutes: number;
  /** When people answer; outside these hours the buyer is told when the shop opens. Always open if absent. */
  openingHours?: OpeningHours;
  /** The shop's time zone, for telling the buyer when it opens (default: the opening hours' zone). */
  timezone?: string;
  /** Compensation an agent may grant alone; above it a supervisor must approve. */
  agentLimit: number;
  /** Queued cases older than this expire (default 3 days). */
  expireAfterMinutes?: number;
  /** How long an agent counts as online after their last sign of life (default 5 minutes). */
  presenceMinutes?: number;
  /** Minutes one agent needs per case, for the expected-wait estimate (default 6). */
  minutesPerCase?: number;
}

export interface DeskDeps {
  store: Pick<Store, 'conversations' | 'events' | 'promises'> & HandoffRepos;
  /** The lead's outbox: records the message in the transcript, then delivers it on the buyer's channel. */
  outbox: { send(message: OutboundMessage): Promise<unknown> };
  pipeline: { runExclusive<T>(conversationId: ConversationId, fn: () => Promise<T>): Promise<T> };
  dialogue: DeskDialogue;
  /**
   * Carries out what the resumed dialogue agreed (`Decision.actions`, e.g. apply a refund in the shop), like
   * the pipeline's `act`. Failures are logged: a person must then do it by hand.
   */
  act?: (conversationId: ConversationId, buyerId: string, action: RemedyAction) => Promise<void>;
  /** For the order in the case file; without it the case file has `order: null`. */
  orders?: OrderSource;
  config: DeskConfig;
  clock: () => Date;
  logger: Logger;
  /** Id generator (tests pass a deterministic one). */
  newId?: () => string;
}

export { createHandoffDesk } from './desk-impl.ts';
