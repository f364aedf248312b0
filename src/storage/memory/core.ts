import type { ConversationId, Platform } from '../../core/conversation-id.ts';
import type { NewEvent, StoredEvent } from '../../core/events.ts';
import type {
  ConversationRecord,
  ConversationRepo,
  DedupeRepo,
  EventLog,
  PromiseRecord,
  PromiseRepo,
} from '../store.ts';

/** The reference implementations of the core repositories: plain maps, copied on the way in and out. */
export function createMemoryCoreRepos(assertOpen: () => void) {
  const conversations = new Map<ConversationId, ConversationRecord>();
  const events: StoredEvent[] = [];
  const byConversation = new Map<ConversationId, StoredEvent[]>();
  const dedupeKeys = new Set<string>();
  const promises = new Map<string, PromiseRecord>();
  let seq = 0;
  const copy = <T>(value: T): T => structuredClone(value);

  const conversationRepo: ConversationRepo = {
    async get(id) {
      assertOpen();
      const found = conversations.get(id);
      return found ? copy(found) : null;
    },
    async ensure(id, platform: Platform, buyerId, buyerName, at) {
      assertOpen();
      let found = conversations.get(id);
      if (!found) {
        const now = at.toISOString();
        found = {
          id,
          platform,
          buyer_id: buyerId,
          buyer_name: buyerName,
          state: null,
          version: 0,
          created_at: now,
          updated_at: now,
        };
        conversations.set(id, found);
      }
      return copy(found);
    },
    async saveState(id, state, expectedVersion, at) {
      assertOpen();
      const found = conversations.get(id);
      if (!found || found.version !== expectedVersion) return null;
      found.state = copy(state);
      found.version += 1;
      found.updated_at = at.toISOString();
      return found.version;
    },
    async list(options = {}) {
      assertOpen();
      return [...conversations.values()]
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
        .slice(0, options.limit ?? 100)
        .map(copy);
    },
  };

  const eventLog: EventLog = {
    async append(newEvents: NewEvent[]) {
      assertOpen();
      return newEvents.map((event) => {
        seq += 1;
        const stored: StoredEvent = { ...copy(event), at: new Date(event.at), seq };
        events.push(stored);
        const list = byConversation.get(event.conversationId) ?? [];
        list.push(stored);
        byConversation.set(event.conversationId, list);
        return { ...stored, data: copy(stored.data) };
      });
    },
    async list(conversationId, options = {}) {
      assertOpen();
      const afterSeq = options.afterSeq ?? 0;
      const types = options.types ? new Set(options.types) : null;
      const out: StoredEvent[] = [];
      for (const event of byConversation.get(conversationId) ?? []) {
        if (event.seq <= afterSeq || (types && !types.has(event.type))) continue;
        out.push({ ...event, at: new Date(event.at), data: copy(event.data) });
        if (options.limit !== undefined && out.length >= options.limit) break;
      }
      return out;
    },
  };

  const dedupe: DedupeRepo = {
    async claim(platform, messageId) {
      assertOpen();
      const key = `${platform}\u0000${messageId}`;
      if (dedupeKeys.has(key)) return false;
      dedupeKeys.add(key);
      return true;
    },
  };

  const promiseRepo: PromiseRepo = {
    async add(promise, at) {
      assertOpen();
      const now = at.toISOString();
      promises.set(promise.id, { ...copy(promise), status: 'open', created_at: now, updated_at: now });
    },
    async open(conversationId) {
      assertOpen();
      return [...promises.values()]
        .filter((p) => p.conversation_id === conversationId && p.status === 'open')
        .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
        .map(copy);
    },
    async due(now, limit) {
      assertOpen();
      const iso = now.toISOString();
      return [...promises.values()]
        .filter((p) => p.status === 'open' && p.due_at <= iso)
        .sort((a, b) => a.due_at.localeCompare(b.due_at) || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(copy);
    },
    async allOpen(limit) {
      assertOpen();
      return [...promises.values()]
        .filter((p) => p.status === 'open')
        .sort((a, b) => a.due_at.localeCompare(b.due_at) || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(copy);
    },
    async settle(id, status, at) {
      assertOpen();
      const found = promises.get(id);
      if (found?.status !== 'open') return false;
      found.status = status;
      found.updated_at = at.toISOString();
      return true;
    },
  };

  return { conversations: conversationRepo, events: eventLog, dedupe, promises: promiseRepo };
}
