import type { Database } from 'better-sqlite3';
import type { ConversationId } from '../../core/conversation-id.ts';
import type { NewEvent, StoredEvent } from '../../core/events.ts';
import { coreRows, type NewPromise } from '../rows/core-rows.ts';
import type {
  ConversationRepo,
  DedupeRepo,
  EventLog,
  InboundRecord,
  PromiseRepo,
  TurnRecord,
} from '../store.ts';
import { sqliteColumns } from './columns.ts';
import type { GroupCommit } from './group-commit.ts';

const { toConversation, toEvent, toPromise } = coreRows(sqliteColumns);

/** The core repositories on one better-sqlite3 connection. Statements are prepared once. */
export function createSqliteCoreRepos(db: Database, group: GroupCommit) {
  const s = {
    getConversation: db.prepare('SELECT * FROM conversations WHERE id = ?'),
    insertConversation: db.prepare(
      `INSERT INTO conversations (id, platform, buyer_id, buyer_name, state, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    saveState: db.prepare(
      'UPDATE conversations SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?',
    ),
    listConversations: db.prepare('SELECT * FROM conversations ORDER BY updated_at DESC LIMIT ?'),
    insertEvent: db.prepare('INSERT INTO events (conversation_id, type, at, data) VALUES (?, ?, ?, ?)'),
    listEvents: db.prepare('SELECT * FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    claim: db.prepare(
      'INSERT INTO dedupe_keys (platform, message_id, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    addPromise: db.prepare(
      `INSERT INTO promises (id, conversation_id, kind, text, due_at, order_id, remedy, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
    ),
    openPromises: db.prepare(
      "SELECT * FROM promises WHERE conversation_id = ? AND status = 'open' ORDER BY created_at, id",
    ),
    duePromises: db.prepare(
      "SELECT * FROM promises WHERE status = 'open' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
    ),
    allOpenPromises: db.prepare("SELECT * FROM promises WHERE status = 'open' ORDER BY due_at, id LIMIT ?"),
    settlePromise: db.prepare(
      "UPDATE promises SET status = ?, updated_at = ? WHERE id = ? AND status = 'open'",
    ),
  };

  // Synchronous cores: the async repositories wrap them, and the compound operations below run several
  // of them in one transaction (one WAL commit instead of one per statement).
  const ensureSync = (id: ConversationId, platform: string, buyerId: string, buyerName: string, at: Date) => {
    const now = at.toISOString();
    s.insertConversation.run(id, platform, buyerId, buyerName, now, now);
  };
  const saveStateSync = (
    id: ConversationId,
    state: Record<string, unknown>,
    expectedVersion: number,
    at: Date,
  ) =>
    s.saveState.run(JSON.stringify(state), at.toISOString(), id, expectedVersion).changes === 1
      ? expectedVersion + 1
      : null;
  const appendSync = (newEvents: NewEvent[]) =>
    newEvents.map((event): StoredEvent => {
      const result = s.insertEvent.run(
        event.conversationId,
        event.type,
        event.at.toISOString(),
        JSON.stringify(event.data),
      );
      return { ...event, seq: Number(result.lastInsertRowid) };
    });
  const claimSync = (platform: string, messageId: string, at: Date) =>
    s.claim.run(platform, messageId, at.toISOString()).changes === 1;
  const addPromiseSync = (p: NewPromise, at: Date) => {
    const now = at.toISOString();
    s.addPromise.run(p.id, p.conversation_id, p.kind, p.text, p.due_at, p.order_id, p.remedy, now, now);
  };

  const conversations: ConversationRepo = {
    async get(id) {
      const row = s.getConversation.get(id);
      return row ? toConversation(row) : null;
    },
    async ensure(id, platform, buyerId, buyerName, at) {
      await group.write(() => ensureSync(id, platform, buyerId, buyerName, at));
      return toConversation(s.getConversation.get(id));
    },
    saveState: (id, state, expectedVersion, at) =>
      group.write(() => saveStateSync(id, state, expectedVersion, at)),
    async list(options = {}) {
      return s.listConversations.all(options.limit ?? 100).map(toConversation);
    },
  };

  const appendAll = db.transaction(appendSync);

  const events: EventLog = {
    append: (newEvents) => group.write(() => appendAll(newEvents)),
    async list(conversationId: ConversationId, options = {}) {
      const rows = s.listEvents.all(
        conversationId,
        options.afterSeq ?? 0,
        options.types ? -1 : (options.limit ?? -1),
      );
      let list = rows.map(toEvent);
      if (options.types) {
        const types = new Set(options.types);
        list = list.filter((e) => types.has(e.type));
        if (options.limit !== undefined) list = list.slice(0, options.limit);
      }
      return list;
    },
  };

  const dedupe: DedupeRepo = {
    claim: (platform, messageId, at) => group.write(() => claimSync(platform, messageId, at)),
  };

  const promises: PromiseRepo = {
    add: (p, at) => group.write(() => addPromiseSync(p, at)),
    async open(conversationId) {
      return s.openPromises.all(conversationId).map(toPromise);
    },
    async due(now, limit) {
      return s.duePromises.all(now.toISOString(), limit).map(toPromise);
    },
    async allOpen(limit) {
      return s.allOpenPromises.all(limit).map(toPromise);
    },
    settle: (id, status, at) =>
      group.write(() => s.settlePromise.run(status, at.toISOString(), id).changes === 1),
  };

  const acceptInboundTx = db.transaction((record: InboundRecord): StoredEvent | null => {
    if (!claimSync(record.platform, record.messageId, record.event.at)) return null;
    ensureSync(record.conversationId, record.platform, record.buyerId, record.buyerName, record.event.at);
    return appendSync([record.event])[0] ?? null;
  });
  const commitTurnTx = db.transaction((turn: TurnRecord) => {
    const stored = appendSync(turn.events);
    for (const p of turn.promises) addPromiseSync(p, turn.at);
    const version = saveStateSync(turn.conversationId, turn.state, turn.expectedVersion, turn.at);
    return { version, events: stored };
  });

  return {
    conversations,
    events,
    dedupe,
    promises,
    acceptInbound: (record: InboundRecord) => group.write(() => acceptInboundTx(record)),
    commitTurn: (turn: TurnRecord) => group.write(() => commitTurnTx(turn)),
  };
}
