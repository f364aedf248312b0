import type { ConversationId } from './conversation-id.ts';

/**
 * The append-only event log: everything said and decided, as evidence. Types are snake_case, the same
 * in SQL and TypeScript. `data` is a JSON object whose shape depends on the type.
 */
export const EVENT_TYPES = [
  'message_received',
  'intent_classified',
  'step_changed',
  'reply_sent',
  'reply_failed',
  'remedy_offered',
  'remedy_refused',
  'case_outcome',
  'handoff_requested',
  'handoff_claimed',
  'handoff_released',
  'agent_message',
  'agent_note',
  'approval_requested',
  'approval_decided',
  'handoff_returned',
  'handoff_resolved',
  'handoff_expired',
  'promise_made',
  'promise_kept',
  'promise_overdue',
  'satisfaction_rated',
  'message_relayed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  conversationId: ConversationId;
  type: EventType;
  at: Date;
  data: Record<string, unknown>;
}

/** An event as stored: `seq` is global and increasing, so the log has one order. */
export interface StoredEvent extends NewEvent {
  seq: number;
}
