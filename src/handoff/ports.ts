import type { ConversationId, Platform } from '../core/conversation-id.ts';
import type { Priority } from '../dialogue/types.ts';
import type { Language } from '../nlu/types.ts';
import type {
  ApprovalRecord,
  ApprovalStatus,
  CaseNote,
  HandoffRecord,
  HandoffStatus,
  Holder,
  Role,
} from './types.ts';

/**
 * Repositories of the handoff domain. The memory implementation (src/storage/memory/handoffs.ts) is the
 * reference, SQLite (src/storage/sqlite/handoffs.ts) the default; both pass test/contracts/handoff.contract.ts.
 * Every status change is one conditional write, so two agents (or two processes) never both win.
 */

/** What the desk hands the repo to open a case; the repo fills status, holder and the timestamps. */
export interface NewHandoff {
  id: string;
  conversation_id: ConversationId;
  platform: Platform;
  buyer_id: string;
  buyer_name: string;
  language: Language;
  priority: Priority;
  reasons: string[];
  summary: string;
  needs_approval: boolean;
  order_id: string | null;
}

/** How `claim` ended: won, or lost to `holder`, or the case is gone / not queued any more. */
export type ClaimOutcome =
  | { ok: true; record: HandoffRecord }
  | { ok: false; code: 'already_claimed'; record: HandoffRecord; holder: Holder }
  | { ok: false; code: 'not_found' }
  | { ok: false; code: 'bad_status'; record: HandoffRecord };

/** A conditional status change: applied only if the case is still in `from` (and held by `holderId`). */
export interface TransitionChange {
  from: HandoffStatus;
  to: HandoffStatus;
  /** When set, the change applies only while this agent holds the case. */
  holderId?: string;
  /** The outcome note (resolve, hand-back). */
  outcome?: string;
  at: Date;
}

export interface HandoffRepo {
  /**
   * Opens a case. A conversation has at most one open (queued or claimed) case: when one exists, nothing
   * is written and `{ created: false, record }` returns the open one.
   */
  create(handoff: NewHandoff, at: Date): Promise<{ created: boolean; record: HandoffRecord }>;
  get(id: string): Promise<HandoffRecord | null>;
  /** The conversation's open case (queued or claimed), if any. */
  openFor(conversationId: ConversationId): Promise<HandoffRecord | null>;
  /** All open cases ordered by priority (urgent, high, normal), then by request time (oldest first). */
  listOpen(): Promise<HandoffRecord[]>;
  /** Cases of a conversation, newest first (closed ones too). */
  listFor(conversationId: ConversationId, limit?: number): Promise<HandoffRecord[]>;
  /**
   * `UPDATE … SET status='claimed', holder … WHERE id=? AND status='queued'`: exactly one of any number of
   * concurrent claims wins; the others learn who holds the case.
   */
  claim(id: string, holder: Holder, at: Date): Promise<ClaimOutcome>;
  /**
   * Moves a case along the transition table if it is still in `change.from` (and held by
   * `change.holderId`); returns the updated record, or null when the condition no longer held.
   * Moving to `queued` clears the holder and `claimed_at`; moving to a closed status sets `closed_at`.
   * Throws CALMDESK_HANDOFF_CONFLICT for a transition the table does not allow (a programming error).
   */
  transition(id: string, change: TransitionChange): Promise<HandoffRecord | null>;
  /**
   * Raises the priority (never lowers it), adds new reasons and replaces the summary of an open case;
   * returns the updated record or null when the case is not open.
   */
  escalate(
    id: string,
    update: { priority: Priority; reasons: string[]; summary: string; needs_approval: boolean },
    at: Date,
  ): Promise<HandoffRecord | null>;

  addNote(note: CaseNote): Promise<void>;
  notes(handoffId: string): Promise<CaseNote[]>;

  addApproval(
    approval: Omit<ApprovalRecord, 'status' | 'decided_by' | 'comment' | 'decided_at'>,
  ): Promise<ApprovalRecord>;
  getApproval(id: string): Promise<ApprovalRecord | null>;
  /** Pending approvals of all cases (oldest first), or every approval of one case. */
  approvals(filter: { status?: ApprovalStatus; handoffId?: string }): Promise<ApprovalRecord[]>;
  /** Decides a pending approval; null when it was not pending any more (someone decided first). */
  decideApproval(
    id: string,
    decision: { approved: boolean; by: { id: string; name: string }; comment: string },
    at: Date,
  ): Promise<ApprovalRecord | null>;
}

/** An agent account of the web console. `password_hash` is `scrypt$N$r$p$salt$hash` (base64url parts). */
export interface AgentAccount {
  id: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  disabled: boolean;
}

/**
 * A console login. The cookie carries a random token; the store keeps only its SHA-256 (`token_hash`), so
 * a leaked database does not leak sessions. `csrf_token` is sent back in a header on every change.
 */
export interface AgentSession {
  token_hash: string;
  agent_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface AgentRepo {
  /** Adds an account; `{ ok: false }` when the name is taken (names are unique, case-insensitive). */
  add(account: AgentAccount): Promise<{ ok: true } | { ok: false; code: 'name_taken' }>;
  byName(name: string): Promise<AgentAccount | null>;
  byId(id: string): Promise<AgentAccount | null>;
  list(): Promise<AgentAccount[]>;
  setPassword(id: string, passwordHash: string): Promise<boolean>;

  createSession(session: AgentSession): Promise<void>;
  /** The session with this token hash if it has not expired at `now` (expired ones read as null). */
  session(tokenHash: string, now: Date): Promise<AgentSession | null>;
  /** Slides the expiry (and records activity); false when the session is gone or expired. */
  touchSession(tokenHash: string, expiresAt: Date, now: Date): Promise<boolean>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Removes expired sessions; returns how many. */
  deleteExpiredSessions(now: Date): Promise<number>;
}

/** What `createMemoryHandoffRepos()` and `createSqliteHandoffRepos(db)` return. */
export interface HandoffRepos {
  handoffs: HandoffRepo;
  agents: AgentRepo;
}
