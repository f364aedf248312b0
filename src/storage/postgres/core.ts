import type { Pool } from 'pg';
import { z } from 'zod';
import type { NewEvent, StoredEvent } from '../../core/events.ts';
import { coreRows, type NewPromise } from '../rows/core-rows.ts';
import type {
  ConversationRepo,
  DedupeRepo,
  EventLog,
  InboundRecord,
  PromiseRepo,
  Store,
  TurnRecord,
} from '../store.ts';
import { bigintNumber, postgresColumns, type Queryable, transaction } from './db.ts';

const { toConversation, toEvent, toPromise } = coreRows(postgresColumns);
const SeqRow = z.object({ seq: bigintNumber });

/**
 * The key space of the per-conversation append locks (the two-key advisory locks; migrations use the
 * one-key space, which PostgreSQL keeps apart).
 */
const EVENT_LOG_LOCK = 0x63646576;

async function ensure(
  db: Queryable,
  id: string,
  platform: string,
  buyerId: string,
  buyerName: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO conversations (id, platform, buyer_id, buyer_name, state, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, NULL, 0, $5, $5) ON CONFLICT (id) DO NOTHING`,
    [id, platform, buyerId, buyerName, at.toISOString()],
  );
}

async function saveState(
  db: Queryable,
  id: string,
  state: Record<string, unknown>,
  expectedVersion: number,
  at: Date,
): Promise<number | null> {
  const { rows } = await db.query(
    `UPDATE conversations SET state = $1, version = version + 1, updated_at = $2
     WHERE id = $3 AND version = $4 RETURNING version`,
    [JSON.stringify(state), at.toISOString(), id, expectedVersion],
  );
  return rows.length === 1 ? z.object({ version: z.number().int() }).parse(rows[0]).version : null;
}

/**
 * Takes the conversations' append locks until the caller's transaction ends. Two processes may write to
 * one conversation at once (the pipeline here, an agent's message there); holding the lock from drawing a
 * sequence number until commit makes a conversation's events commit in sequence order, so a reader
 * polling "after seq N" never skips one that commits late. Locks are taken in one fixed order, so two
 * writers never wait on each other in a circle.
 */
async function lockConversations(tx: Queryable, conversationIds: string[]): Promise<void> {
  await tx.query(
    `SELECT pg_advisory_xact_lock($1, h)
     FROM (SELECT DISTINCT hashtext(c) AS h FROM unnest($2::text[]) AS c ORDER BY h) AS conversations`,
    [EVENT_LOG_LOCK, conversationIds],
  );
}

/** Appends inside the caller's transaction, under the conversations' locks. */
async function append(tx: Queryable, events: NewEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  await lockConversations(
    tx,
    events.map((e) => e.conversationId),
  );
  return insertEvents(tx, events);
}

/** Inserts events; the caller holds their conversations' locks. */
async function insertEvents(tx: Queryable, events: NewEvent[]): Promise<StoredEvent[]> {
  const values: unknown[] = [];
  const rows = events.map((event, i) => {
    values.push(event.conversationId, event.type, event.at.toISOString(), JSON.stringify(event.data));
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
  });
  const result = await tx.query(
    `INSERT INTO events (conversation_id, type, at, data) VALUES ${rows.join(', ')} RETURNING seq`,
    values,
  );
  // Sequence numbers are drawn row by row in VALUES order; sorting keeps that pairing whatever order
  // RETURNING reports them in.
  const seqs = result.rows.map((r) => SeqRow.parse(r).seq).sort((a, b) => a - b);
  return events.map((event, i) => ({ ...event, seq: seqs[i]! }));
}

async function claim(db: Queryable, platform: string, messageId: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO dedupe_keys (platform, message_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [platform, messageId, at.toISOString()],
  );
  return rowCount === 1;
}

async function addPromise(db: Queryable, p: NewPromise, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO promises (id, conversation_id, kind, text, due_at, order_id, remedy, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8)`,
    [p.id, p.conversation_id, p.kind, p.text, p.due_at, p.order_id, p.remedy, at.toISOString()],
  );
}

/** The core repositories and the two compound writes, over a pg pool whose search_path is the store's schema. */
export function createPostgresCoreRepos(
  pool: Pool,
): Pick<Store, 'conversations' | 'events' | 'dedupe' | 'promises' | 'acceptInbound' | 'commitTurn'> {
  const getConversation = async (id: string) => {
    const { rows } = await pool.query('SELECT * FROM conversations WHERE id = $1', [id]);
    return rows.length === 1 ? toConversation(rows[0]) : null;
  };

  const conversations: ConversationRepo = {
    get: getConversation,
    async ensure(id, platform, buyerId, buyerName, at) {
      await ensure(pool, id, platform, buyerId, buyerName, at);
      return toConversation((await pool.query('SELECT * FROM conversations WHERE id = $1', [id])).rows[0]);
    },
    saveState: (id, state, expectedVersion, at) => saveState(pool, id, state, expectedVersion, at),
    async list(options = {}) {
      const { rows } = await pool.query('SELECT * FROM conversations ORDER BY updated_at DESC, id LIMIT $1', [
        options.limit ?? 100,
      ]);
      return rows.map(toConversation);
    },
  };

  const events: EventLog = {
    append: (newEvents) => transaction(pool, (tx) => append(tx, newEvents)),
    async list(conversationId, options = {}) {
      // LIMIT NULL is no limit; a NULL type list is every type.
      const { rows } = await pool.query(
        `SELECT seq, conversation_id, type, at, data FROM events
         WHERE conversation_id = $1 AND seq > $2 AND ($3::text[] IS NULL OR type = ANY ($3::text[]))
         ORDER BY seq LIMIT $4`,
        [conversationId, options.afterSeq ?? 0, options.types ?? null, options.limit ?? null],
      );
      return rows.map(toEvent);
    },
  };

  const dedupe: DedupeRepo = {
    claim: (platform, messageId, at) => claim(pool, platform, messageId, at),
  };

  const promises: PromiseRepo = {
    add: (p, at) => addPromise(pool, p, at),
    async open(conversationId) {
      const { rows } = await pool.query(
        "SELECT * FROM promises WHERE conversation_id = $1 AND status = 'open' ORDER BY created_at, id",
        [conversationId],
      );
      return rows.map(toPromise);
    },
    async due(now, limit) {
      const { rows } = await pool.query(
        "SELECT * FROM promises WHERE status = 'open' AND due_at <= $1 ORDER BY due_at, id LIMIT $2",
        [now.toISOString(), limit],
      );
      return rows.map(toPromise);
    },
    async allOpen(limit) {
      const { rows } = await pool.query(
        "SELECT * FROM promises WHERE status = 'open' ORDER BY due_at, id LIMIT $1",
        [limit],
      );
      return rows.map(toPromise);
    },
    async settle(id, status, at) {
      const { rowCount } = await pool.query(
        "UPDATE promises SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'open'",
        [status, at.toISOString(), id],
      );
      return rowCount === 1;
    },
  };

  return {
    conversations,
    events,
    dedupe,
    promises,
    // A message is never claimed without being recorded: a failure after the claim rolls the claim back,
    // and the platform's redelivery is accepted again.
    acceptInbound: (record: InboundRecord) =>
      transaction(pool, async (tx) => {
        if (!(await claim(tx, record.platform, record.messageId, record.event.at))) return null;
        await lockConversations(tx, [record.conversationId]);
        await ensure(
          tx,
          record.conversationId,
          record.platform,
          record.buyerId,
          record.buyerName,
          record.event.at,
        );
        const [stored] = await insertEvents(tx, [record.event]);
        return stored ?? null;
      }),
    commitTurn: (turn: TurnRecord) =>
      transaction(pool, async (tx) => {
        const stored = await append(tx, turn.events);
        for (const p of turn.promises) await addPromise(tx, p, turn.at);
        const version = await saveState(tx, turn.conversationId, turn.state, turn.expectedVersion, turn.at);
        return { version, events: stored };
      }),
  };
}
