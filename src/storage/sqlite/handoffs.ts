import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { CalmdeskError } from '../../core/errors.ts';
import type {
  AgentAccount,
  AgentRepo,
  AgentSession,
  ClaimOutcome,
  HandoffRepo,
  HandoffRepos,
  NewHandoff,
  TransitionChange,
} from '../../handoff/ports.ts';
import type { ApprovalRecord, CaseNote, HandoffRecord } from '../../handoff/types.ts';
import { canTransition, HANDOFF_STATUSES, higherPriority, PRIORITY_RANK } from '../../handoff/types.ts';

/**
 * The handoff repositories on SQLite (tables of migrations/002-handoff.sql). Every status change is one
 * conditional UPDATE; better-sqlite3 runs it synchronously and SQLite serialises writers across
 * processes, so of any number of concurrent claims exactly one changes a row.
 */

const HandoffRow = z.object({
  id: z.string(),
  conversation_id: z.string(),
  platform: z.enum(['web', 'telegram', 'discord', 'console']),
  buyer_id: z.string(),
  buyer_name: z.string(),
  language: z.enum(['zh', 'en', 'mixed']),
  status: z.enum(HANDOFF_STATUSES),
  priority: z.enum(['urgent', 'high', 'normal']),
  reasons: z.string(),
  summary: z.string(),
  needs_approval: z.number(),
  order_id: z.string().nullable(),
  holder_id: z.string().nullable(),
  holder_name: z.string().nullable(),
  holder_via: z.enum(['web', 'telegram', 'discord']).nullable(),
  requested_at: z.string(),
  claimed_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  updated_at: z.string(),
  outcome: z.string().nullable(),
});

function toRecord(row: unknown): HandoffRecord {
  const r = HandoffRow.parse(row);
  return {
    id: r.id,
    conversation_id: r.conversation_id,
    platform: r.platform,
    buyer_id: r.buyer_id,
    buyer_name: r.buyer_name,
    language: r.language,
    status: r.status,
    priority: r.priority,
    reasons: z.array(z.string()).parse(JSON.parse(r.reasons)),
    summary: r.summary,
    needs_approval: r.needs_approval === 1,
    order_id: r.order_id,
    holder:
      r.holder_id !== null && r.holder_name !== null && r.holder_via !== null
        ? { id: r.holder_id, name: r.holder_name, via: r.holder_via }
        : null,
    requested_at: r.requested_at,
    claimed_at: r.claimed_at,
    closed_at: r.closed_at,
    updated_at: r.updated_at,
    outcome: r.outcome,
  };
}

const NoteRow = z.object({
  id: z.string(),
  handoff_id: z.string(),
  author_id: z.string(),
  author_name: z.string(),
  text: z.string(),
  created_at: z.string(),
});

function toNote(row: unknown): CaseNote {
  const r = NoteRow.parse(row);
  return {
    id: r.id,
    handoff_id: r.handoff_id,
    author: { id: r.author_id, name: r.author_name },
    text: r.text,
    created_at: r.created_at,
  };
}

const ApprovalRow = z.object({
  id: z.string(),
  handoff_id: z.string(),
  conversation_id: z.string(),
  requested_by_id: z.string(),
  requested_by_name: z.string(),
  amount: z.number(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'denied']),
  decided_by_id: z.string().nullable(),
  decided_by_name: z.string().nullable(),
  comment: z.string().nullable(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});

function toApproval(row: unknown): ApprovalRecord {
  const r = ApprovalRow.parse(row);
  return {
    id: r.id,
    handoff_id: r.handoff_id,
    conversation_id: r.conversation_id,
    requested_by: { id: r.requested_by_id, name: r.requested_by_name },
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    decided_by:
      r.decided_by_id !== null && r.decided_by_name !== null
        ? { id: r.decided_by_id, name: r.decided_by_name }
        : null,
    comment: r.comment,
    created_at: r.created_at,
    decided_at: r.decided_at,
  };
}

const AgentRow = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'supervisor']),
  password_hash: z.string(),
  created_at: z.string(),
  disabled: z.number(),
});

function toAccount(row: unknown): AgentAccount {
  const r = AgentRow.parse(row);
  return { ...r, disabled: r.disabled === 1 };
}

const SessionRow = z.object({
  token_hash: z.string(),
  agent_id: z.string(),
  csrf_token: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  last_seen_at: z.string(),
});

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function createHandoffRepo(db: Database): HandoffRepo {
  const getStmt = db.prepare('SELECT * FROM handoffs WHERE id = ?');
  const openForStmt = db.prepare(
    "SELECT * FROM handoffs WHERE conversation_id = ? AND status IN ('queued', 'claimed') LIMIT 1",
  );
  const insertStmt = db.prepare(`
    INSERT INTO handoffs (id, conversation_id, platform, buyer_id, buyer_name, language, status, priority,
      priority_rank, reasons, summary, needs_approval, order_id, requested_at, updated_at)
    VALUES (@id, @conversation_id, @platform, @buyer_id, @buyer_name, @language, 'queued', @priority,
      @priority_rank, @reasons, @summary, @needs_approval, @order_id, @at, @at)`);
  const claimStmt = db.prepare(`
    UPDATE handoffs SET status = 'claimed', holder_id = ?, holder_name = ?, holder_via = ?, claimed_at = ?,
      updated_at = ?
    WHERE id = ? AND status = 'queued'`);

  const get = (id: string): HandoffRecord | null => {
    const row = getStmt.get(id);
    return row ? toRecord(row) : null;
  };

  const create = db.transaction((handoff: NewHandoff, at: string) => {
    const open = openForStmt.get(handoff.conversation_id);
    if (open) return { created: false, record: toRecord(open) };
    insertStmt.run({
      ...handoff,
      priority_rank: PRIORITY_RANK[handoff.priority],
      reasons: JSON.stringify(handoff.reasons),
      needs_approval: handoff.needs_approval ? 1 : 0,
      at,
    });
    return { created: true, record: get(handoff.id)! };
  });

  return {
    async create(handoff, at) {
      try {
        return create(handoff, at.toISOString());
      } catch (error) {
        // Another process opened a case for this conversation between our read and our insert.
        if (!isUniqueViolation(error)) throw error;
        const open = openForStmt.get(handoff.conversation_id);
        if (!open) throw error;
        return { created: false, record: toRecord(open) };
      }
    },

    async get(id) {
      return get(id);
    },

    async openFor(conversationId) {
      const row = openForStmt.get(conversationId);
      return row ? toRecord(row) : null;
    },

    async listOpen() {
      return db
        .prepare(
          "SELECT * FROM handoffs WHERE status IN ('queued', 'claimed') ORDER BY priority_rank, requested_at, id",
        )
        .all()
        .map(toRecord);
    },

    async listFor(conversationId, limit = 50) {
      return db
        .prepare(
          'SELECT * FROM handoffs WHERE conversation_id = ? ORDER BY requested_at DESC, id DESC LIMIT ?',
        )
        .all(conversationId, limit)
        .map(toRecord);
    },

    async claim(id, holder, at): Promise<ClaimOutcome> {
      const iso = at.toISOString();
      const changes = claimStmt.run(holder.id, holder.name, holder.via, iso, iso, id).changes;
      const record = get(id);
      if (!record) return { ok: false, code: 'not_found' };
      if (changes === 1) return { ok: true, record };
      if (record.status === 'claimed' && record.holder) {
        return { ok: false, code: 'already_claimed', record, holder: record.holder };
      }
      return { ok: false, code: 'bad_status', record };
    },

    async transition(id, change: TransitionChange) {
      if (!canTransition(change.from, change.to)) {
        throw new CalmdeskError(
          'CALMDESK_HANDOFF_CONFLICT',
          `a case cannot go from ${change.from} to ${change.to}`,
        );
      }
      const at = change.at.toISOString();
      const sets = ['status = @to', 'updated_at = @at'];
      if (change.to === 'queued')
        sets.push('holder_id = NULL', 'holder_name = NULL', 'holder_via = NULL', 'claimed_at = NULL');
      if (change.to !== 'queued' && change.to !== 'claimed') sets.push('closed_at = @at');
      if (change.outcome !== undefined) sets.push('outcome = @outcome');
      const where = ['id = @id', 'status = @from'];
      if (change.holderId !== undefined) where.push('holder_id = @holderId');
      const changes = db.prepare(`UPDATE handoffs SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`).run({
        id,
        from: change.from,
        to: change.to,
        at,
        ...(change.outcome !== undefined ? { outcome: change.outcome } : {}),
        ...(change.holderId !== undefined ? { holderId: change.holderId } : {}),
      }).changes;
      return changes === 1 ? get(id) : null;
    },

    async escalate(id, update, at) {
      const apply = db.transaction(() => {
        const current = get(id);
        if (!current || (current.status !== 'queued' && current.status !== 'claimed')) return null;
        const priority = higherPriority(current.priority, update.priority);
        const reasons = [...new Set([...current.reasons, ...update.reasons])];
        db.prepare(
          `UPDATE handoffs SET priority = ?, priority_rank = ?, reasons = ?, summary = ?,
             needs_approval = MAX(needs_approval, ?), updated_at = ? WHERE id = ?`,
        ).run(
          priority,
          PRIORITY_RANK[priority],
          JSON.stringify(reasons),
          update.summary,
          update.needs_approval ? 1 : 0,
          at.toISOString(),
          id,
        );
        return get(id);
      });
      return apply();
    },

    async addNote(note) {
      db.prepare(
        'INSERT INTO handoff_notes (id, handoff_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(note.id, note.handoff_id, note.author.id, note.author.name, note.text, note.created_at);
    },

    async notes(handoffId) {
      return db
        .prepare('SELECT * FROM handoff_notes WHERE handoff_id = ? ORDER BY created_at, rowid')
        .all(handoffId)
        .map(toNote);
    },

    async addApproval(approval) {
      db.prepare(
        `INSERT INTO handoff_approvals (id, handoff_id, conversation_id, requested_by_id, requested_by_name, amount,
           currency, reason, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      ).run(
        approval.id,
        approval.handoff_id,
        approval.conversation_id,
        approval.requested_by.id,
        approval.requested_by.name,
        approval.amount,
        approval.currency,
        approval.reason,
        approval.created_at,
      );
      return toApproval(db.prepare('SELECT * FROM handoff_approvals WHERE id = ?').get(approval.id));
    },

    async getApproval(id) {
      const row = db.prepare('SELECT * FROM handoff_approvals WHERE id = ?').get(id);
      return row ? toApproval(row) : null;
    },

    async approvals(filter) {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      if (filter.handoffId !== undefined) {
        where.push('handoff_id = ?');
        params.push(filter.handoffId);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      return db
        .prepare(`SELECT * FROM handoff_approvals ${clause} ORDER BY created_at, rowid`)
        .all(...params)
        .map(toApproval);
    },

    async decideApproval(id, decision, at) {
      const changes = db
        .prepare(
          `UPDATE handoff_approvals SET status = ?, decided_by_id = ?, decided_by_name = ?, comment = ?, decided_at = ?
           WHERE id = ? AND status = 'pending'`,
        )
        .run(
          decision.approved ? 'approved' : 'denied',
          decision.by.id,
          decision.by.name,
          decision.comment,
          at.toISOString(),
          id,
        ).changes;
      if (changes !== 1) return null;
      return toApproval(db.prepare('SELECT * FROM handoff_approvals WHERE id = ?').get(id));
    },
  };
}

function createAgentRepo(db: Database): AgentRepo {
  return {
    async add(account) {
      try {
        db.prepare(
          'INSERT INTO agents (id, name, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(
          account.id,
          account.name,
          account.role,
          account.password_hash,
          account.created_at,
          account.disabled ? 1 : 0,
        );
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, code: 'name_taken' };
        throw error;
      }
    },

    async byName(name) {
      const row = db.prepare('SELECT * FROM agents WHERE name = ? COLLATE NOCASE').get(name);
      return row ? toAccount(row) : null;
    },

    async byId(id) {
      const row = db.prepare('SELECT * FROM agents WHERE id = ?').get(id);
      return row ? toAccount(row) : null;
    },

    async list() {
      return db.prepare('SELECT * FROM agents ORDER BY name COLLATE NOCASE').all().map(toAccount);
    },

    async setPassword(id, passwordHash) {
      return (
        db.prepare('UPDATE agents SET password_hash = ? WHERE id = ?').run(passwordHash, id).changes === 1
      );
    },

    async createSession(session: AgentSession) {
      db.prepare(
        `INSERT INTO agent_sessions (token_hash, agent_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES (@token_hash, @agent_id, @csrf_token, @created_at, @expires_at, @last_seen_at)`,
      ).run(session);
    },

    async session(tokenHash, now) {
      const row = db
        .prepare('SELECT * FROM agent_sessions WHERE token_hash = ? AND expires_at > ?')
        .get(tokenHash, now.toISOString());
      return row ? SessionRow.parse(row) : null;
    },

    async touchSession(tokenHash, expiresAt, now) {
      const iso = now.toISOString();
      return (
        db
          .prepare(
            'UPDATE agent_sessions SET expires_at = ?, last_seen_at = ? WHERE token_hash = ? AND expires_at > ?',
          )
          .run(expiresAt.toISOString(), iso, tokenHash, iso).changes === 1
      );
    },

    async deleteSession(tokenHash) {
      db.prepare('DELETE FROM agent_sessions WHERE token_hash = ?').run(tokenHash);
    },

    async deleteExpiredSessions(now) {
      return db.prepare('DELETE FROM agent_sessions WHERE expires_at <= ?').run(now.toISOString()).changes;
    },
  };
}

/** The handoff and agent repositories over an open database with migrations applied. */
export function createSqliteHandoffRepos(db: Database): HandoffRepos {
  return { handoffs: createHandoffRepo(db), agents: createAgentRepo(db) };
}
