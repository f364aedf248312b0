import type { Decision, Step } from '../dialogue/types.ts';
import type { PromiseRecord } from '../storage/store.ts';
import type { ConversationId } from './conversation-id.ts';
import type { NewEvent } from './events.ts';

/**
 * What a decision leaves in the store: its domain events (and `step_changed` when the step moved) and
 * its promises. The pipeline commits them with the turn; the desk writes them when an agent hands a
 * conversation back to the bot.
 */
export function decisionRecords(
  conversationId: ConversationId,
  decision: Decision,
  fromStep: Step | null,
  at: Date,
): { events: NewEvent[]; promises: Omit<PromiseRecord, 'status' | 'created_at' | 'updated_at'>[] } {
  const events: NewEvent[] = decision.events.map((e) => ({ conversationId, type: e.type, at, data: e.data }));
  if (fromStep !== decision.state.step) {
    events.push({
      conversationId,
      type: 'step_changed',
      at,
      data: { from: fromStep, to: decision.state.step },
    });
  }
  const promises = decision.promises.map((promise) => ({
    id: promise.id,
    conversation_id: conversationId,
    kind: promise.kind,
    text: promise.text,
    due_at: promise.due_at,
    order_id: promise.order_id ?? null,
    remedy: promise.remedy ?? null,
  }));
  return { events, promises };
}
