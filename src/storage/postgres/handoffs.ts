import type { Pool } from 'pg';
import { CalmdeskError } from '../../core/errors.ts';
import type { AgentRepo, HandoffRepo, HandoffRepos } from '../../handoff/ports.ts';
import type { ApprovalRecord, HandoffRecord } from '../../handoff/types.ts';
import { PRIORITY_RANK } from '../../handoff/types.ts';
import { handoffRows } from '../rows/handoff-rows.ts';
import { assertTransition, claimOutcome, OPEN_CONDITION, transitionUpdate } from '../rows/handoff-rules.ts';
import { isUniqueViolation, postgresColumns } from './db.ts';

/**
 * The handoff repositories on PostgreSQL (tables of postgres/migrations/002-handoff.sql). Every status
 * change is one conditional UPDATE … RETURNING: under READ COMMITTED a second writer waits for the first
 * to commit, then re-checks its WHERE against the new row, so of any number of concurrent claims from any
 * number of processes exactly one changes the row.
 */

const { toRecord, toNote, toApproval, toAccount, toSession } = handoffRows(postgresColumns);

function createHandoffRepo(pool: Pool): HandoffRepo {
  const get = async (id: string): Promise<HandoffRecord | null> => {
    const { rows } = await pool.query('SELECT * FROM handoffs WHERE id = $1', [id]);
    return rows.length === 1 ? toRecord(rows[0]) : null;
  };
  const openFor = async (conversationId: string): Promise<HandoffRecord | null> => {
    const { rows } = await pool.query(
      `SELECT * FROM handoffs WHERE conversation_id = $1 AND ${OPEN_CONDITION}`,
      [conversationId],
    );
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
           ON CONFLICT (conversation_id) WHERE ${OPEN_CONDITION} DO NOTHING
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
        `SELECT * FROM handoffs WHERE ${OPEN_CONDITION} ORDER BY priority_rank, requested_at, id`,
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

    async claim(id, holder, at) {
      const iso = at.toISOString();
      const { rows } = await pool.query(
        `UPDATE handoffs SET status = 'claimed', holder_id = $2, holder_name = $3, holder_via = $4,
           claimed_at = $5, updated_at = $5
         WHERE id = $1 AND status = 'queued'
         RETURNING *`,
        [id, holder.id, holder.name, holder.via, iso],
      );
      return rows.length === 1 ? claimOutcome(toRecord(rows[0]), true) : claimOutcome(await get(id), false);
    },

    async transition(id, change) {
      assertTransition(change);
      const { text, values } = transitionUpdate(id, change, (n) => `$${n}`);
      const { rows } = await pool.query(`${text} RETURNING *`, values);
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
         WHERE id = $1 AND ${OPEN_CONDITION}
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
      return rows.length === 1 ? toSession(rows[0]) : null;
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
