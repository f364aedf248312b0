import type { Database } from 'better-sqlite3';
import type { AgentRepo, AgentSession, HandoffRepo, HandoffRepos, NewHandoff } from '../../handoff/ports.ts';
import type { HandoffRecord } from '../../handoff/types.ts';
import { higherPriority, PRIORITY_RANK } from '../../handoff/types.ts';
import { handoffRows } from '../rows/handoff-rows.ts';
import { assertTransition, claimOutcome, OPEN_CONDITION, transitionUpdate } from '../rows/handoff-rules.ts';
import { sqliteColumns } from './columns.ts';

/**
 * The handoff repositories on SQLite (tables of migrations/002-handoff.sql). Every status change is one
 * conditional UPDATE; better-sqlite3 runs it synchronously and SQLite serialises writers across
 * processes, so of any number of concurrent claims exactly one changes a row.
 */

const { toRecord, toNote, toApproval, toAccount, toSession } = handoffRows(sqliteColumns);

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function createHandoffRepo(db: Database): HandoffRepo {
  const getStmt = db.prepare('SELECT * FROM handoffs WHERE id = ?');
  const openForStmt = db.prepare(
    `SELECT * FROM handoffs WHERE conversation_id = ? AND ${OPEN_CONDITION} LIMIT 1`,
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
        .prepare(`SELECT * FROM handoffs WHERE ${OPEN_CONDITION} ORDER BY priority_rank, requested_at, id`)
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

    async claim(id, holder, at) {
      const iso = at.toISOString();
      const changes = claimStmt.run(holder.id, holder.name, holder.via, iso, iso, id).changes;
      return claimOutcome(get(id), changes === 1);
    },

    async transition(id, change) {
      assertTransition(change);
      const { text, values } = transitionUpdate(id, change, () => '?');
      return db.prepare(text).run(...values).changes === 1 ? get(id) : null;
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
      return row ? toSession(row) : null;
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
