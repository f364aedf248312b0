import type { ConversationId, Platform } from '../core/conversation-id.ts';
import type { NewEvent, StoredEvent } from '../core/events.ts';
import type { AgentRepo, HandoffRepo } from '../handoff/ports.ts';
import type { ChannelLinkRepo } from './channel-links.ts';

/**
 * The Store port. The memory implementation is the reference; SQLite is the default; every
 * implementation passes the one contract suite in test/contracts/store.contract.ts.
 * Domains keep their own repositories (`store.handoffs`, `store.agents`, …) so each stays small.
 */
export interface ConversationRecord {
  id: ConversationId;
  platform: Platform;
  buyer_id: string;
  buyer_name: string;
  /** Dialogue state snapshot (JSON); null before the first decision. */
  state: Record<string, unknown> | null;
  /** Optimistic-concurrency counter, +1 on every save. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConversationRepo {
  get(id: ConversationId): Promise<ConversationRecord | null>;
  /** Creates the conversation if it does not exist yet; returns the stored record either way. */
  ensure(
    id: ConversationId,
    platform: Platform,
    buyerId: string,
    buyerName: string,
    at: Date,
  ): Promise<ConversationRecord>;
  /**
   * Saves a new state if the stored version is still `expectedVersion`; returns the new version, or
   * null when someone else saved first (the caller reloads and retries).
   */
  saveState(
    id: ConversationId,
    state: Record<string, unknown>,
    expectedVersion: number,
    at: Date,
  ): Promise<number | null>;
  list(options?: { limit?: number }): Promise<ConversationRecord[]>;
}

export interface EventLog {
  /** Appends atomically, in order; returns the events with their global sequence numbers. */
  append(events: NewEvent[]): Promise<StoredEvent[]>;
  /** A conversation's events in order, optionally only those after `afterSeq`. */
  list(
    conversationId: ConversationId,
    options?: { afterSeq?: number; types?: string[]; limit?: number },
  ): Promise<StoredEvent[]>;
}

export interface DedupeRepo {
  /**
   * Claims (platform, messageId) atomically: true the first time, false for every later call with the
   * same key, also across processes sharing one database.
   */
  claim(platform: string, messageId: string, at: Date): Promise<boolean>;
}

/** A promise to the buyer with a deadline, followed up by the follow-up job. */
export interface PromiseRecord {
  id: string;
  conversation_id: ConversationId;
  kind: string;
  text: string;
  due_at: string;
  order_id: string | null;
  remedy: string | null;
  status: 'open' | 'kept' | 'overdue';
  created_at: string;
  updated_at: string;
}

export interface PromiseRepo {
  add(promise: Omit<PromiseRecord, 'status' | 'created_at' | 'updated_at'>, at: Date): Promise<void>;
  /** Open promises of a conversation, oldest first. */
  open(conversationId: ConversationId): Promise<PromiseRecord[]>;
  /** Open promises due at or before `now` (for the follow-up timer), oldest first. */
  due(now: Date, limit: number): Promise<PromiseRecord[]>;
  /** Open promises of all conversations (the follow-up job checks whether the shop has done them). */
  allOpen(limit: number): Promise<PromiseRecord[]>;
  /** Moves an open promise to kept/overdue; false if it was not open any more (someone else did it). */
  settle(id: string, status: 'kept' | 'overdue', at: Date): Promise<boolean>;
}

/** A buyer message as the pipeline records it on arrival. */
export interface InboundRecord {
  platform: Platform;
  messageId: string;
  conversationId: ConversationId;
  buyerId: string;
  buyerName: string;
  /** The message_received event. */
  event: NewEvent;
}

/** Everything one turn of the bot writes, besides its replies. */
export interface TurnRecord {
  conversationId: ConversationId;
  events: NewEvent[];
  promises: Omit<PromiseRecord, 'status' | 'created_at' | 'updated_at'>[];
  state: Record<string, unknown>;
  expectedVersion: number;
  at: Date;
}

export interface Store {
  /**
   * Atomically claims the message id, creates the conversation if it is new and appends message_received.
   * Returns null for a duplicate. One transaction: a message is never claimed without being recorded.
   */
  acceptInbound(record: InboundRecord): Promise<StoredEvent | null>;
  /**
   * Atomically appends the turn's events, adds its promises and saves the state over `expectedVersion`.
   * The events and promises are written either way (the log is the evidence); `version` is null when
   * another writer saved the state first.
   */
  commitTurn(turn: TurnRecord): Promise<{ version: number | null; events: StoredEvent[] }>;
  readonly conversations: ConversationRepo;
  readonly events: EventLog;
  readonly dedupe: DedupeRepo;
  readonly promises: PromiseRepo;
  /** Handoff records, notes and approvals (src/handoff/ports.ts). */
  readonly handoffs: HandoffRepo;
  /** Agent accounts and console sessions (src/handoff/ports.ts). */
  readonly agents: AgentRepo;
  /**
   * Where buyer threads and case places live on Telegram and Discord (src/storage/channel-links.ts).
   * Optional: a channel without it keeps them in memory and forgets them on restart.
   */
  readonly channelLinks?: ChannelLinkRepo;
  /** Runs migrations / opens connections. Idempotent. */
  start(): Promise<void>;
  /** Closes the database; later calls fail with CALMDESK_STORE_CLOSED. */
  stop(): Promise<void>;
}
