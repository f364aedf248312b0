import type { ConversationId } from '../core/conversation-id.ts';
import { parseConversationId } from '../core/conversation-id.ts';
import { CalmdeskError } from '../core/errors.ts';
import type { InboundMessage, TranscriptEntry } from '../core/messages.ts';
import type { DeskHandoffRequest, HandoffContext, HandoffDesk } from './desk.ts';
import type { DeskContext } from './desk-context.ts';
import { isOpenAt, nextOpening } from './opening-hours.ts';
import type { HandoffRecord } from './types.ts';
import { PRIORITY_RANK } from './types.ts';

/**
 * The buyer's side of the desk: opening a case (or raising the one already open) with the calm notice
 * for the buyer, and relaying the buyer's messages while a case is open.
 */
export function createDeskRequests(
  context: DeskContext,
): Pick<HandoffDesk, 'request' | 'held' | 'onBuyerMessage'> {
  const { store, dialogue, clock, log, emit } = context;

  return {
    async request(conversationId: ConversationId, req: DeskHandoffRequest, handoff: HandoffContext) {
      const now = clock();
      const parts = parseConversationId(conversationId);
      if (!parts)
        throw new CalmdeskError(
          'CALMDESK_BAD_CONVERSATION_ID',
          `malformed conversation id "${conversationId}"`,
        );
      const needsApproval = req.needs_approval === true;
      const { created, record } = await store.handoffs.create(
        {
          id: context.newId(),
          conversation_id: conversationId,
          platform: parts.platform,
          buyer_id: handoff.buyerId,
          buyer_name: handoff.buyerName,
          language: handoff.language,
          priority: req.priority,
          reasons: [...new Set(req.reasons)],
          summary: req.summary,
          needs_approval: needsApproval,
          order_id: handoff.orderId ?? null,
        },
        now,
      );
      if (!created) {
        const raised = await store.handoffs.escalate(
          record.id,
          {
            priority: req.priority,
            reasons: req.reasons,
            summary: req.summary,
            needs_approval: needsApproval,
          },
          now,
        );
        const current = raised ?? record;
        if (raised) {
          await log(
            conversationId,
            'handoff_requested',
            {
              handoff_id: current.id,
              again: true,
              reasons: req.reasons,
              priority: current.priority,
              summary: req.summary,
            },
            now,
          );
          emit({ type: 'handoff_escalated', at: now.toISOString(), record: current });
        }
        return { record: current, created: false, notice: null };
      }
      await log(
        conversationId,
        'handoff_requested',
        {
          handoff_id: record.id,
          reasons: record.reasons,
          priority: record.priority,
          summary: record.summary,
          needs_approval: needsApproval,
        },
        now,
      );
      emit({ type: 'handoff_requested', at: now.toISOString(), record });
      const online = context.agentsOnline().length;
      const wait = expectedWait(context, record, await store.handoffs.listOpen(), online, now);
      const notice = dialogue.renderHandoffNotice(record.language, {
        priority: record.priority,
        agentsOnline: online,
        expectedWaitMinutes: wait.minutes,
        ...(wait.opensAt ? { opensAt: wait.opensAt } : {}),
        health: record.reasons.includes('health_safety'),
        ...(context.timezone ? { timezone: context.timezone } : {}),
      });
      return { record, created: true, notice };
    },

    held(conversationId) {
      return store.handoffs.openFor(conversationId);
    },

    async onBuyerMessage(conversationId: ConversationId, message: InboundMessage) {
      const record = await store.handoffs.openFor(conversationId);
      if (!record) return { relayed: false, record: null };
      const now = clock();
      const relayed = record.status === 'claimed';
      const [stored] = await store.events.append([
        {
          conversationId,
          type: 'message_relayed',
          at: now,
          data: {
            handoff_id: record.id,
            message_id: message.id,
            status: record.status,
            to: record.holder?.id ?? null,
          },
        },
      ]);
      const entry: TranscriptEntry = {
        seq: stored?.seq ?? 0,
        at: message.receivedAt.toISOString(),
        role: 'buyer',
        name: message.author.name,
        text: message.text,
        attachments: message.attachments,
      };
      emit({ type: 'buyer_message', at: now.toISOString(), record, entry });
      return { relayed, record };
    },
  };
}

/**
 * How long the buyer will wait: the cases ahead shared among the agents online; with nobody online,
 * until the shop opens plus the queue, or at least the SLA.
 */
function expectedWait(
  context: DeskContext,
  record: HandoffRecord,
  open: HandoffRecord[],
  online: number,
  now: Date,
): { minutes: number; opensAt?: Date } {
  const { config, minutesPerCase } = context;
  const ahead = open.filter(
    (r) =>
      r.status === 'queued' &&
      r.id !== record.id &&
      (PRIORITY_RANK[r.priority] < PRIORITY_RANK[record.priority] ||
        (PRIORITY_RANK[r.priority] === PRIORITY_RANK[record.priority] &&
          r.requested_at <= record.requested_at)),
  ).length;
  if (online > 0) return { minutes: Math.ceil((ahead + 1) / online) * minutesPerCase };
  if (config.openingHours && !isOpenAt(config.openingHours, now)) {
    const opensAt = nextOpening(config.openingHours, now);
    const untilOpen = Math.ceil((opensAt.getTime() - now.getTime()) / 60_000);
    return { minutes: untilOpen + (ahead + 1) * minutesPerCase, opensAt };
  }
  return { minutes: Math.max(config.slaMinutes, (ahead + 1) * minutesPerCase) };
}
