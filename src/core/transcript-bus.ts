import { EventEmitter } from 'node:events';
import type { ConversationId } from './conversation-id.ts';
import type { StoredEvent } from './events.ts';
import type { TranscriptEntry } from './messages.ts';

/** Event types that are lines of the transcript a buyer or agent sees. */
export const TRANSCRIPT_TYPES = ['message_received', 'reply_sent', 'agent_message'] as const;

/** Turns a stored event into a transcript line; null for events that are not said aloud. */
export function toTranscriptEntry(event: StoredEvent): TranscriptEntry | null {
  const d = event.data as {
    text?: string;
    author?: { name?: string };
    agent?: { name?: string };
    attachments?: TranscriptEntry['attachments'];
    options?: TranscriptEntry['options'];
  };
  const base = {
    seq: event.seq,
    at: event.at.toISOString(),
    text: d.text ?? '',
    attachments: d.attachments ?? [],
  };
  switch (event.type) {
    case 'message_received':
      return { ...base, role: 'buyer', name: d.author?.name ?? 'buyer' };
    case 'reply_sent':
      return { ...base, role: 'bot', name: 'calmdesk', ...(d.options ? { options: d.options } : {}) };
    case 'agent_message':
      return { ...base, role: 'agent', name: d.agent?.name ?? 'agent' };
    default:
      return null;
  }
}

/**
 * In-process fan-out of new transcript lines, per conversation: the web chat's SSE stream and the
 * agent console listen here. The event log stays the source of truth; a listener that missed lines
 * reads them back from the log by `seq`.
 */
export class TranscriptBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open browser tab is a listener; the default limit of 10 would only produce warnings.
    this.#emitter.setMaxListeners(0);
  }

  publish(conversationId: ConversationId, entry: TranscriptEntry): void {
    this.#emitter.emit(conversationId, entry);
  }

  subscribe(conversationId: ConversationId, listener: (entry: TranscriptEntry) => void): () => void {
    this.#emitter.on(conversationId, listener);
    return () => this.#emitter.off(conversationId, listener);
  }
}
