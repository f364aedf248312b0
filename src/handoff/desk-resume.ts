import { decisionRecords } from '../core/decision-records.ts';
import type { DialogueState, HandBack } from '../dialogue/types.ts';
import type { DeskContext } from './desk-context.ts';
import type { HandoffRecord } from './types.ts';

/**
 * Gives the conversation back to the dialogue: `resume` continues from what the agent agreed; its state,
 * events and promises are saved before its replies leave, like the pipeline does. Runs under the
 * conversation lock.
 */
export async function resumeDialogue(
  context: DeskContext,
  record: HandoffRecord,
  handBack: HandBack,
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
  const { events, promises } = decisionRecords(conversationId, decision, state.step, now);
  if (events.length > 0) await store.events.append(events);
  for (const promise of promises) await store.promises.add(promise, now);
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
