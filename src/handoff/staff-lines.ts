import type { Attachment } from '../core/messages.ts';
import type { DeskEvent } from './desk.ts';
import { approvalButtons, asWords, type StaffButton } from './staff-card.ts';
import type { StaffVia } from './staff-surface.ts';

/** A line the staff desk posts in a case's place when something happened on the desk. */
export interface StaffLine {
  text: string;
  attachments?: readonly Attachment[];
  buttons?: readonly StaffButton[];
  /** The case's status changed: its card shows the new status and buttons. */
  refreshesCard: boolean;
}

/**
 * What staff on `via` read about a desk event; null when nothing is posted (a new case shows only its
 * card, and what someone wrote on this very surface is already there).
 */
export function staffLineFor(event: DeskEvent, via: StaffVia): StaffLine | null {
  const { record } = event;
  const status = (text: string): StaffLine => ({ text, refreshesCard: true });
  const outcome = record.outcome ? `: ${record.outcome}` : '.';
  switch (event.type) {
    case 'handoff_requested':
      return null;
    case 'handoff_escalated':
      return status(`⬆️ Now ${record.priority.toUpperCase()}: ${record.reasons.map(asWords).join(', ')}`);
    case 'handoff_claimed':
      return status(`🙋 ${event.actor.name} (${event.actor.via}) claimed the case.`);
    case 'handoff_released':
      return status(`↩️ ${event.actor.name} put the case back in the queue.`);
    case 'handoff_returned':
      return status(`🤖 ${event.actor.name} handed the conversation back to the bot${outcome}`);
    case 'handoff_resolved':
      return status(`✅ Resolved by ${event.actor.name}${outcome}`);
    case 'handoff_expired':
      return status('⌛ Expired: nobody claimed it in time.');
    case 'buyer_message':
      return {
        text: `👤 ${event.entry.name}: ${event.entry.text}`,
        attachments: event.entry.attachments,
        refreshesCard: false,
      };
    case 'agent_message':
      if (event.actor.via === via) return null;
      return {
        text: `🧑‍💼 ${event.actor.name} (${event.actor.via}): ${event.entry.text}`,
        attachments: event.entry.attachments,
        refreshesCard: false,
      };
    case 'note_added':
      if (event.note.author.id.startsWith(`${via}:`)) return null;
      return { text: `📝 Note by ${event.note.author.name}: ${event.note.text}`, refreshesCard: false };
    case 'approval_requested': {
      const { approval } = event;
      return {
        text:
          `💰 ${approval.requested_by.name} asks a supervisor to approve ${approval.amount} ${approval.currency}: ${approval.reason}\n` +
          `Approval ${approval.id}: /approve ${approval.id} [COMMENT] or /deny ${approval.id} [COMMENT]`,
        attachments: [],
        buttons: approvalButtons(approval),
        refreshesCard: false,
      };
    }
    case 'approval_decided': {
      const { approval } = event;
      return {
        text: `💰 ${approval.decided_by?.name ?? 'A supervisor'} ${approval.status} ${approval.amount} ${approval.currency}${approval.comment ? `: ${approval.comment}` : ''}`,
        refreshesCard: false,
      };
    }
  }
}
