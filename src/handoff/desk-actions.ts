import type { Attachment, TranscriptEntry } from '../core/messages.ts';
import type { HandBackOutcome, HandoffDesk } from './desk.ts';
import { approvalMissing } from './desk-approvals.ts';
import {
  byAgent,
  type DeskContext,
  fail,
  holderOf,
  minutesBetween,
  noCase,
  notHeldBy,
  ok,
} from './desk-context.ts';
import { resumeDialogue } from './desk-resume.ts';
import type { Actor, DeskResult, HandoffRecord } from './types.ts';

/**
 * What agents do with a case: claim it (exactly once), release it, reply to the buyer, add a private
 * note, and close it by handing the conversation back to the bot or resolving it.
 */
export function createDeskActions(
  context: DeskContext,
): Pick<HandoffDesk, 'claim' | 'release' | 'reply' | 'note' | 'handBack' | 'resolve'> {
  const { store, outbox, pipeline, clock, logger, log, emit, seen } = context;

  /** Hand-back and resolve: only the holder, under the conversation lock, then the dialogue goes on. */
  async function close(
    id: string,
    actor: Actor,
    to: 'resolved' | 'returned_to_bot',
    outcome: HandBackOutcome,
  ): Promise<DeskResult<HandoffRecord>> {
    seen(actor);
    const record = await store.handoffs.get(id);
    if (!record) return noCase(id);
    const refused =
      notHeldBy(record, actor) ?? (await approvalMissing(context, record, actor, outcome.amount));
    if (refused) return refused;
    const result = await pipeline.runExclusive(
      record.conversation_id,
      async (): Promise<DeskResult<HandoffRecord>> => {
        const now = clock();
        const closed = await store.handoffs.transition(id, {
          from: 'claimed',
          to,
          holderId: actor.id,
          ...(outcome.outcome_note !== undefined ? { outcome: outcome.outcome_note } : {}),
          at: now,
        });
        if (!closed) return context.lostRace(id, actor);
        await log(
          closed.conversation_id,
          to === 'resolved' ? 'handoff_resolved' : 'handoff_returned',
          {
            handoff_id: id,
            ...byAgent(actor),
            outcome_note: outcome.outcome_note ?? null,
            remedy: outcome.remedy ?? null,
            amount: outcome.amount ?? null,
          },
          now,
        );
        await resumeDialogue(
          context,
          closed,
          {
            ...(outcome.outcome_note !== undefined ? { outcome_note: outcome.outcome_note } : {}),
            ...(outcome.remedy !== undefined ? { remedy: outcome.remedy } : {}),
            ...(outcome.amount !== undefined ? { amount: outcome.amount } : {}),
            resolved: to === 'resolved',
          },
          now,
        );
        return ok(closed);
      },
    );
    if (result.ok) {
      emit({
        type: to === 'resolved' ? 'handoff_resolved' : 'handoff_returned',
        at: clock().toISOString(),
        record: result.value,
        actor,
      });
    }
    return result;
  }

  return {
    async claim(id, actor) {
      seen(actor);
      const now = clock();
      const outcome = await store.handoffs.claim(id, holderOf(actor), now);
      if (!outcome.ok) {
        if (outcome.code === 'already_claimed') {
          return fail('already_claimed', `${outcome.holder.name} already has this case`, {
            holder: outcome.holder,
            status: outcome.record.status,
          });
        }
        if (outcome.code === 'not_found') return noCase(id);
        return fail('bad_status', `the case is ${outcome.record.status}`, { status: outcome.record.status });
      }
      const record = outcome.record;
      await log(
        record.conversation_id,
        'handoff_claimed',
        { handoff_id: id, ...byAgent(actor), waited_minutes: minutesBetween(record.requested_at, now) },
        now,
      );
      emit({ type: 'handoff_claimed', at: now.toISOString(), record, actor });
      return ok(record);
    },

    async release(id, actor) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return noCase(id);
      const refused =
        actor.role === 'supervisor' && record.status === 'claimed' ? null : notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      const released = await store.handoffs.transition(id, {
        from: 'claimed',
        to: 'queued',
        ...(record.holder ? { holderId: record.holder.id } : {}),
        at: now,
      });
      if (!released) return context.lostRace(id, actor);
      await log(
        record.conversation_id,
        'handoff_released',
        { handoff_id: id, ...byAgent(actor), holder_id: record.holder?.id ?? null },
        now,
      );
      emit({ type: 'handoff_released', at: now.toISOString(), record: released, actor });
      return ok(released);
    },

    async reply(id, actor, text, attachments: Attachment[] = []) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return noCase(id);
      const refused = notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      let stored: unknown;
      try {
        // The outbox records the reply as agent_message (the transcript) and delivers it on the buyer's channel.
        stored = await outbox.send({
          conversationId: record.conversation_id,
          text,
          from: 'agent',
          agentName: actor.name,
          ...(attachments.length > 0 ? { attachments } : {}),
        });
      } catch (error) {
        logger.error({ err: error, handoffId: id }, 'agent reply not sent');
        return fail('delivery_failed', 'the message could not be sent; try again');
      }
      const seq =
        typeof (stored as { seq?: unknown } | undefined)?.seq === 'number'
          ? (stored as { seq: number }).seq
          : 0;
      const entry: TranscriptEntry = {
        seq,
        at: now.toISOString(),
        role: 'agent',
        name: actor.name,
        text,
        attachments,
      };
      emit({ type: 'agent_message', at: now.toISOString(), record, actor, entry });
      return ok(entry);
    },

    async note(id, actor, text) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return noCase(id);
      const now = clock();
      const note = {
        id: context.newId(),
        handoff_id: id,
        author: { id: actor.id, name: actor.name },
        text,
        created_at: now.toISOString(),
      };
      await store.handoffs.addNote(note);
      await log(
        record.conversation_id,
        'agent_note',
        { handoff_id: id, note_id: note.id, agent_id: actor.id, agent_name: actor.name, text },
        now,
      );
      emit({ type: 'note_added', at: now.toISOString(), record, note });
      return ok(note);
    },

    handBack(id, actor, outcome) {
      return close(id, actor, 'returned_to_bot', outcome);
    },

    resolve(id, actor, outcome) {
      return close(id, actor, 'resolved', outcome);
    },
  };
}
