import type { DialogueState } from '../dialogue/types.ts';
import type { Remedy } from '../nlu/types.ts';
import type { DeskContext } from './desk-context.ts';
import type { HandoffRecord } from './types.ts';

/** What the agent agreed when giving the conversation back, as the dialogue's `resume` reads it. */
export interface HandBackForDialogue {
  outcome_note?: string;
  remedy?: Remedy;
  amount?: number;
  resolved: boolean;
}

/**
 * Gives the conversation back to the dialogue: `resume` continues from what the agent agreed; its state,
 * events and promises are saved before its replies leave, like the pipeline does. Runs under the
 * conversation lock.
 */
export async function resumeDialogue(
  context: DeskContext,
  record: HandoffRecord,
  handBack: HandBackForDialogue,
  now: Date,
): Promise<void> {
  const { store, dialogue, logger } = context;
  const conversationId = record.conversation_id;
  let conversation = await store.conversations.get(conversationId);
  if (!conversation) {
    conversation = await store.conversations.ensure(
      conversationId,
      record.platform,
      record.buyer_id,
      record.buyer_name,
      now,
    );
  }
  const state: DialogueState = (conversation.state as DialogueState | null) ?? {
    version: 1,
    step: 'handoff',
  };
  const decision = dialogue.resume(state, handBack, record.language, now);
  let version = conversation.version;
  for (let attempt = 0; attempt < 3; attempt++) {
    const saved = await store.conversations.saveState(conversationId, decision.state, version, now);
    if (saved !== null) break;
    // Only the pipeline saves state besides us, and it waits for the same lock; a stale read is the
    // one way to get here, so read the version again.
    version = (await store.conversations.get(conversationId))?.version ?? version;
  }
  const events = decision.events.map((e) => ({ conversationId, type: e.type, at: now, data: e.data }));
  if (state.step !== decision.state.step) {
    events.push({
      conversationId,
      type: 'step_changed',
      at: now,
      data: { from: state.step, to: decision.state.step },
    });
  }
  if (events.length > 0) await store.events.append(events);
  for (const promise of decision.promises) {
    await store.promises.add(
      {
        id: promise.id,
        conversation_id: conversationId,
        kind: promise.kind,
        text: promise.text,
        due_at: promise.due_at,
        order_id: promise.order_id ?? null,
        remedy: promise.remedy ?? null,
      },
      now,
    );
  }
  for (const action of decision.actions ?? []) {
    try {
      await context.act?.(conversationId, record.buyer_id, action);
    } catch (error) {
      logger.error(
        { err: error, conversationId, action },
        'could not carry out what the agent agreed; do it by hand',
      );
    }
  }
  for (const reply of decision.replies) {
    await context.send({
      conversationId,
      text: reply.text,
      from: 'bot',
      ...(reply.options ? { options: reply.options } : {}),
    });
  }
}
