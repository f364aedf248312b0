import type { Pool } from 'pg';
import { z } from 'zod';
import { PLATFORMS } from '../../core/conversation-id.ts';
import { CalmdeskError } from '../../core/errors.ts';
import type {
  AgentAccount,
  AgentRepo,
  ClaimOutcome,
  HandoffRepo,
  HandoffRepos,
  TransitionChange,
} from '../../handoff/ports.ts';
import type { ApprovalRecord, CaseNote, HandoffRecord } from '../../handoff/types.ts';
import { canTransition, HANDOFF_STATUSES, PRIORITY_RANK } from '../../handoff/types.ts';
import { isoTime, isUniqueViolation } from './db.ts';

/**
 * The handoff repositories on PostgreSQL (tables of postgres/migrations/002-handoff.sql). Every status
 * change is one conditional UPDATE … RETURNING: under READ COMMITTED a second writer waits for the first
 * to commit, then re-checks its WHERE against the new row, so of any number of concurrent claims from any
 * number of processes exactly one changes the row.
 */

const HandoffRow = z.object({
  id: z.string(),
  conversation_id: z.string(),
  platform: z.enum(PLATFORMS),
  buyer_id: z.string(),
  buyer_name: z.string(),
  language: z.enum(['zh', 'en', 'mixed']),
  status: z.enum(HANDOFF_STATUSES),
  priority: z.enum(['urgent', 'high', 'normal']),
  reasons: z.array(z.string()),
  summary: z.string(),
  needs_approval: z.boolean(),
  order_id: z.string().nullable(),
  holder_id: z.string().nullable(),
  holder_name: z.string().nullable(),
  holder_via: z.enum(['web', 'telegram', 'discord']).nullable(),
  requested_at: isoTime,
  claimed_at: isoTime.nullable(),
  closed_at: isoTime.nullable(),
  updated_at: isoTime,
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
    reasons: r.reasons,
    summary: r.summary,
    needs_approval: r.needs_approval,
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
  created_at: isoTime,
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
  created_at: isoTime,
  decided_at: isoTime.nullable(),
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
  created_at: isoTime,
  disabled: z.boolean(),
});

const toAccount = (row: unknown): AgentAccount => AgentRow.parse(row);

const SessionRow = z.object({
  token_hash: z.string(),
  agent_id: z.string(),
  csrf_token: z.string(),
  created_at: isoTime,
  expires_at: isoTime,
  last_seen_at: isoTime,
});

const OPEN = "status IN ('queued', 'claimed')";

function createHandoffRepo(pool: Pool): HandoffRepo {
  const get = async (id: string): Promise<HandoffRecord | null> => {
    const { rows } = await pool.query('SELECT * FROM handoffs WHERE id = $1', [id]);
    return rows.length === 1 ? toRecord(rows[0]) : null;
  };
  const openFor = async (conversationId: string): Promise<HandoffRecord | null> => {
    const { rows } = await pool.query(`SELECT * FROM handoffs WHERE conversation_id = $1 AND ${OPEN}`, [
      conversationId,
    ]);
    return rows.length === 1 ? toRecord(rows[0]) : null;
  };
  const approval = async (id: string): Promise<ApprovalRecord | null> => {
    const { rows } = await pool.query('SELECT * FROM handoff_approvals WHERE id = $1', [id]);
    return rows.length === 1 ? toApproval(rows[0]) : null;
  };

  return {
    async create(handoff, at) {
      const iso = at.toISOString();
      // The partial unique index is the arbiter: of two processes opening a case for one conversation at
      // once, one inserts and the other's insert does nothing, and it returns the winner's case.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await pool.query(
          `INSERT INTO handoffs (id, conversation_id, platform, buyer_id, buyer_name, language, status, priority,
             priority_rank, reasons, summary, needs_approval, order_id, requested_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10, $11, $12, $13, $13)
           ON CONFLICT (conversation_id) WHERE ${OPEN} DO NOTHING
           RETURNING *`,
          [
            handoff.id,
            handoff.conversation_id,
            handoff.platform,
            handoff.buyer_id,
            handoff.buyer_name,
            handoff.language,
            handoff.priority,
            PRIORITY_RANK[handoff.priority],
            handoff.reasons,
            handoff.summary,
            handoff.needs_approval,
            handoff.order_id,
            iso,
          ],
        );
        if (rows.length === 1) return { created: true, record: toRecord(rows[0]) };
        const open = await openFor(handoff.conversation_id);
        if (open) return { created: false, record: open };
        // The open case closed between our insert and our read: try again.
      }
      throw new CalmdeskError(
        'CALMDESK_HANDOFF_CONFLICT',
        `the cases of ${handoff.conversation_id} kept changing while opening a new one`,
      );
    },

    get,
    openFor,

    async listOpen() {
      const { rows } = await pool.query(
        `SELECT * FROM handoffs WHERE ${OPEN} ORDER BY priority_rank, requested_at, id`,
      );
      return rows.map(toRecord);
    },

    async listFor(conversationId, limit = 50) {
      const { rows } = await pool.query(
        'SELECT * FROM handoffs WHERE conversation_id = $1 ORDER BY requested_at DESC, id DESC LIMIT $2',
        [conversationId, limit],
      );
      return rows.map(toRecord);
    },

    async claim(id, holder, at): Promise<ClaimOutcome> {
      const iso = at.toISOString();
      const { rows } = await pool.query(
        `UPDATE handoffs SET status = 'claimed', holder_id = $2, holder_name = $3, holder_via = $4,
           claimed_at = $5, updated_at = $5
         WHERE id = $1 AND status = 'queued'
         RETURNING *`,
        [id, holder.id, holder.name, holder.via, iso],
      );
      if (rows.length === 1) return { ok: true, record: toRecord(rows[0]) };
      const record = await get(id);
      if (!record) return { ok: false, code: 'not_found' };
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
      const values: unknown[] = [id, change.from, change.to, change.at.toISOString()];
      const sets = ['status = $3', 'updated_at = $4'];
      if (change.to === 'queued')
        sets.push('holder_id = NULL', 'holder_name = NULL', 'holder_via = NULL', 'claimed_at = NULL');
      if (change.to !== 'queued' && change.to !== 'claimed') sets.push('closed_at = $4');
      if (change.outcome !== undefined) {
        values.push(change.outcome);
        sets.push(`outcome = $${values.length}`);
      }
      const where = ['id = $1', 'status = $2'];
      if (change.holderId !== undefined) {
        values.push(change.holderId);
        where.push(`holder_id = $${values.length}`);
      }
      const { rows } = await pool.query(
        `UPDATE handoffs SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`,
        values,
      );
      return rows.length === 1 ? toRecord(rows[0]) : null;
    },

    async escalate(id, update, at) {
      // One conditional UPDATE: the priority only rises (a lower rank wins), the reasons keep their
      // first-seen order without repeats, and a case closed meanwhile is left alone.
      const { rows } = await pool.query(
        `UPDATE handoffs SET
           priority = CASE WHEN $2::int < priority_rank THEN $3 ELSE priority END,
           priority_rank = LEAST(priority_rank, $2::int),
           reasons = ARRAY(
             SELECT r FROM unnest(reasons || $4::text[]) WITH ORDINALITY AS u (r, n) GROUP BY r ORDER BY min(n)
           ),
           summary = $5,
           needs_approval = needs_approval OR $6,
           updated_at = $7
         WHERE id = $1 AND ${OPEN}
         RETURNING *`,
        [
          id,
          PRIORITY_RANK[update.priority],
          update.priority,
          update.reasons,
          update.summary,
          update.needs_approval,
          at.toISOString(),
        ],
      );
      return rows.length === 1 ? toRecord(rows[0]) : null;
    },

    async addNote(note) {
      await pool.query(
        `INSERT INTO handoff_notes (id, handoff_id, author_id, author_name, text, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [note.id, note.handoff_id, note.author.id, note.author.name, note.text, note.created_at],
      );
    },

    async notes(handoffId) {
      const { rows } = await pool.query(
        'SELECT * FROM handoff_notes WHERE handoff_id = $1 ORDER BY created_at, seq',
        [handoffId],
      );
      return rows.map(toNote);
    },

    async addApproval(a) {
      const { rows } = await pool.query(
        `INSERT INTO handoff_approvals (id, handoff_id, conversation_id, requested_by_id, requested_by_name,
           amount, currency, reason, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
         RETURNING *`,
        [
          a.id,
          a.handoff_id,
          a.conversation_id,
          a.requested_by.id,
          a.requested_by.name,
          a.amount,
          a.currency,
          a.reason,
          a.created_at,
        ],
      );
      return toApproval(rows[0]);
    },

    getApproval: approval,

    async approvals(filter) {
      const { rows } = await pool.query(
        `SELECT * FROM handoff_approvals
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR handoff_id = $2)
         ORDER BY created_at, seq`,
        [filter.status ?? null, filter.handoffId ?? null],
      );
      return rows.map(toApproval);
    },

    async decideApproval(id, decision, at) {
      const { rows } = await pool.query(
        `UPDATE handoff_approvals SET status = $2, decided_by_id = $3, decided_by_name = $4, comment = $5,
           decided_at = $6
         WHERE id = $1 AND status = 'pending'
         RETURNING *`,
        [
          id,
          decision.approved ? 'approved' : 'denied',
          decision.by.id,
          decision.by.name,
          decision.comment,
          at.toISOString(),
        ],
      );
      return rows.length === 1 ? toApproval(rows[0]) : null;
    },
  };
}

function createAgentRepo(pool: Pool): AgentRepo {
  return {
    async add(account) {
      try {
        await pool.query(
          'INSERT INTO agents (id, name, role, password_hash, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6)',
          [
            account.id,
            account.name,
            account.role,
            account.password_hash,
            account.created_at,
            account.disabled,
          ],
        );
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error, 'agents_name')) return { ok: false, code: 'name_taken' };
        throw error;
      }
    },

    async byName(name) {
      const { rows } = await pool.query('SELECT * FROM agents WHERE lower(name) = lower($1)', [name]);
      return rows.length === 1 ? toAccount(rows[0]) : null;
    },

    async byId(id) {
      const { rows } = await pool.query('SELECT * FROM agents WHERE id = $1', [id]);
      return rows.length === 1 ? toAccount(rows[0]) : null;
    },

    async list() {
      const { rows } = await pool.query('SELECT * FROM agents ORDER BY lower(name), id');
      return rows.map(toAccount);
    },

    async setPassword(id, passwordHash) {
      const { rowCount } = await pool.query('UPDATE agents SET password_hash = $2 WHERE id = $1', [
        id,
        passwordHash,
      ]);
      return rowCount === 1;
    },

    async createSession(session) {
      await pool.query(
        `INSERT INTO agent_sessions (token_hash, agent_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          session.token_hash,
          session.agent_id,
          session.csrf_token,
          session.created_at,
          session.expires_at,
          session.last_seen_at,
        ],
      );
    },

    async session(tokenHash, now) {
      const { rows } = await pool.query(
        'SELECT * FROM agent_sessions WHERE token_hash = $1 AND expires_at > $2',
        [tokenHash, now.toISOString()],
      );
      return rows.length === 1 ? SessionRow.parse(rows[0]) : null;
    },

    async touchSession(tokenHash, expiresAt, now) {
      const iso = now.toISOString();
      const { rowCount } = await pool.query(
        'UPDATE agent_sessions SET expires_at = $2, last_seen_at = $3 WHERE token_hash = $1 AND expires_at > $3',
        [tokenHash, expiresAt.toISOString(), iso],
      );
      return rowCount === 1;
    },

    async deleteSession(tokenHash) {
      await pool.query('DELETE FROM agent_sessions WHERE token_hash = $1', [tokenHash]);
    },

    async deleteExpiredSessions(now) {
      const { rowCount } = await pool.query('DELETE FROM agent_sessions WHERE expires_at <= $1', [
        now.toISOString(),
      ]);
      return rowCount ?? 0;
    },
  };
}

/** The handoff and agent repositories over a pg pool whose search_path has the migrated tables. */
export function createPostgresHandoffRepos(pool: Pool): HandoffRepos {
  return { handoffs: createHandoffRepo(pool), agents: createAgentRepo(pool) };
}
