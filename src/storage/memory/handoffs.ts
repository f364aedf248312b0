import type {
  AgentAccount,
  AgentRepo,
  AgentSession,
  HandoffRepo,
  HandoffRepos,
} from '../../handoff/ports.ts';
import type { ApprovalRecord, CaseNote, HandoffRecord } from '../../handoff/types.ts';
import { higherPriority, isOpen, PRIORITY_RANK } from '../../handoff/types.ts';
import { assertTransition } from '../rows/handoff-rules.ts';

/**
 * The reference handoff repositories, in memory. Each method checks and writes without awaiting in
 * between, so in one process a claim is as atomic as SQLite's conditional UPDATE. Records are copied in
 * and out: callers never hold a live reference.
 */
export function createMemoryHandoffRepos(): HandoffRepos {
  return { handoffs: createHandoffRepo(), agents: createAgentRepo() };
}

const copy = <T>(value: T): T => structuredClone(value);

function createHandoffRepo(): HandoffRepo {
  const cases = new Map<string, HandoffRecord>();
  const notes: CaseNote[] = [];
  const approvals = new Map<string, ApprovalRecord>();

  const openFor = (conversationId: string) =>
    [...cases.values()].find((r) => r.conversation_id === conversationId && isOpen(r.status)) ?? null;

  return {
    async create(handoff, at) {
      const open = openFor(handoff.conversation_id);
      if (open) return { created: false, record: copy(open) };
      const iso = at.toISOString();
      const record: HandoffRecord = {
        ...copy(handoff),
        status: 'queued',
        holder: null,
        requested_at: iso,
        claimed_at: null,
        closed_at: null,
        updated_at: iso,
        outcome: null,
      };
      cases.set(record.id, record);
      return { created: true, record: copy(record) };
    },

    async get(id) {
      const record = cases.get(id);
      return record ? copy(record) : null;
    },

    async openFor(conversationId) {
      const record = openFor(conversationId);
      return record ? copy(record) : null;
    },

    async listOpen() {
      return [...cases.values()]
        .filter((r) => isOpen(r.status))
        .sort(
          (a, b) =>
            PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
            a.requested_at.localeCompare(b.requested_at) ||
            a.id.localeCompare(b.id),
        )
        .map(copy);
    },

    async listFor(conversationId, limit = 50) {
      return [...cases.values()]
        .filter((r) => r.conversation_id === conversationId)
        .sort((a, b) => b.requested_at.localeCompare(a.requested_at) || b.id.localeCompare(a.id))
        .slice(0, limit)
        .map(copy);
    },

    async claim(id, holder, at) {
      const record = cases.get(id);
      if (!record) return { ok: false, code: 'not_found' };
      if (record.status === 'queued') {
        const iso = at.toISOString();
        record.status = 'claimed';
        record.holder = copy(holder);
        record.claimed_at = iso;
        record.updated_at = iso;
        return { ok: true, record: copy(record) };
      }
      if (record.status === 'claimed' && record.holder) {
        return { ok: false, code: 'already_claimed', record: copy(record), holder: copy(record.holder) };
      }
      return { ok: false, code: 'bad_status', record: copy(record) };
    },

    async transition(id, change) {
      assertTransition(change);
      const record = cases.get(id);
      if (!record || record.status !== change.from) return null;
      if (change.holderId !== undefined && record.holder?.id !== change.holderId) return null;
      const iso = change.at.toISOString();
      record.status = change.to;
      record.updated_at = iso;
      if (change.to === 'queued') {
        record.holder = null;
        record.claimed_at = null;
      }
      if (!isOpen(change.to)) record.closed_at = iso;
      if (change.outcome !== undefined) record.outcome = change.outcome;
      return copy(record);
    },

    async escalate(id, update, at) {
      const record = cases.get(id);
      if (!record || !isOpen(record.status)) return null;
      record.priority = higherPriority(record.priority, update.priority);
      record.reasons = [...new Set([...record.reasons, ...update.reasons])];
      record.summary = update.summary;
      record.needs_approval = record.needs_approval || update.needs_approval;
      record.updated_at = at.toISOString();
      return copy(record);
    },

    async addNote(note) {
      notes.push(copy(note));
    },

    async notes(handoffId) {
      return notes.filter((n) => n.handoff_id === handoffId).map(copy);
    },

    async addApproval(approval) {
      const record: ApprovalRecord = {
        ...copy(approval),
        status: 'pending',
        decided_by: null,
        comment: null,
        decided_at: null,
      };
      approvals.set(record.id, record);
      return copy(record);
    },

    async getApproval(id) {
      const approval = approvals.get(id);
      return approval ? copy(approval) : null;
    },

    async approvals(filter) {
      return [...approvals.values()]
        .filter((a) => filter.status === undefined || a.status === filter.status)
        .filter((a) => filter.handoffId === undefined || a.handoff_id === filter.handoffId)
        .map(copy);
    },

    async decideApproval(id, decision, at) {
      const approval = approvals.get(id);
      if (approval?.status !== 'pending') return null;
      approval.status = decision.approved ? 'approved' : 'denied';
      approval.decided_by = copy(decision.by);
      approval.comment = decision.comment;
      approval.decided_at = at.toISOString();
      return copy(approval);
    },
  };
}

function createAgentRepo(): AgentRepo {
  const accounts = new Map<string, AgentAccount>();
  const sessions = new Map<string, AgentSession>();

  const byName = (name: string) =>
    [...accounts.values()].find((a) => a.name.toLowerCase() === name.toLowerCase()) ?? null;

  return {
    async add(account) {
      if (byName(account.name)) return { ok: false, code: 'name_taken' };
      accounts.set(account.id, copy(account));
      return { ok: true };
    },

    async byName(name) {
      const account = byName(name);
      return account ? copy(account) : null;
    },

    async byId(id) {
      const account = accounts.get(id);
      return account ? copy(account) : null;
    },

    async list() {
      return [...accounts.values()]
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
        .map(copy);
    },

    async setPassword(id, passwordHash) {
      const account = accounts.get(id);
      if (!account) return false;
      account.password_hash = passwordHash;
      return true;
    },

    async createSession(session) {
      sessions.set(session.token_hash, copy(session));
    },

    async session(tokenHash, now) {
      const session = sessions.get(tokenHash);
      return session && session.expires_at > now.toISOString() ? copy(session) : null;
    },

    async touchSession(tokenHash, expiresAt, now) {
      const session = sessions.get(tokenHash);
      if (!session || session.expires_at <= now.toISOString()) return false;
      session.expires_at = expiresAt.toISOString();
      session.last_seen_at = now.toISOString();
      return true;
    },

    async deleteSession(tokenHash) {
      sessions.delete(tokenHash);
    },

    async deleteExpiredSessions(now) {
      const iso = now.toISOString();
      let removed = 0;
      for (const [hash, session] of sessions) {
        if (session.expires_at <= iso) {
          sessions.delete(hash);
          removed += 1;
        }
      }
      return removed;
    },
  };
}
