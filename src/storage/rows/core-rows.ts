import { z } from 'zod';
import { PLATFORMS } from '../../core/conversation-id.ts';
import { EVENT_TYPES, type StoredEvent } from '../../core/events.ts';
import type { ConversationRecord, PromiseRecord } from '../store.ts';
import { type Columns, jsonObject } from './columns.ts';

/** A promise as the writers take it: the store fills its status and timestamps. */
export type NewPromise = Omit<PromiseRecord, 'status' | 'created_at' | 'updated_at'>;

/** The readers of the core tables (migrations 001-core.sql) for one dialect's columns. */
export interface CoreRows {
  toConversation(row: unknown): ConversationRecord;
  toEvent(row: unknown): StoredEvent;
  toPromise(row: unknown): PromiseRecord;
}

export function coreRows(columns: Columns): CoreRows {
  const ConversationRow = z.object({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    buyer_id: z.string(),
    buyer_name: z.string(),
    state: columns.structured(jsonObject).nullable(),
    version: z.number().int(),
    created_at: columns.time,
    updated_at: columns.time,
  });
  const EventRow = z.object({
    seq: columns.serial,
    conversation_id: z.string(),
    type: z.enum(EVENT_TYPES),
    at: columns.instant,
    data: columns.structured(jsonObject),
  });
  const PromiseRow = z.object({
    id: z.string(),
    conversation_id: z.string(),
    kind: z.string(),
    text: z.string(),
    due_at: columns.time,
    order_id: z.string().nullable(),
    remedy: z.string().nullable(),
    status: z.enum(['open', 'kept', 'overdue']),
    created_at: columns.time,
    updated_at: columns.time,
  });

  return {
    toConversation: (row) => ConversationRow.parse(row),
    toEvent(row) {
      const r = EventRow.parse(row);
      return { seq: r.seq, conversationId: r.conversation_id, type: r.type, at: r.at, data: r.data };
    },
    toPromise: (row) => PromiseRow.parse(row),
  };
}
