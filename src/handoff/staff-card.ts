import { z } from 'zod';
import { type ParsedStaffCommand, staffCommandFrom } from './staff-commands.ts';
import type { ApprovalRecord, CaseFile, HandoffRecord } from './types.ts';

/**
 * The case card staff see on Telegram and Discord (its title, text and buttons), and the buttons' wire
 * format. Plain text (no markup), so buyer names and order ids never need escaping on any platform.
 */

/** What a staff button does: the case card's (claim, release, handback, resolve) and an approval request's. */
export const STAFF_ACTIONS = ['claim', 'release', 'handback', 'resolve', 'approve', 'deny'] as const;
/** One of `STAFF_ACTIONS`. */
export type StaffAction = (typeof STAFF_ACTIONS)[number];
/** The buttons whose id is an approval, not a case. */
const APPROVAL_ACTIONS: readonly StaffAction[] = ['approve', 'deny'];

/** A button on a staff surface: `id` is the case (card buttons) or the approval (approve, deny). */
export interface StaffButton {
  action: StaffAction;
  label: string;
  id: string;
}

/** What a surface shows for a case: a title (topic/thread name), the card text, the buttons. */
export interface CaseCard {
  title: string;
  text: string;
  buttons: StaffButton[];
}

const PRIORITY_ICON = { urgent: '🔴', high: '🟠', normal: '🟢' } as const;
const LANGUAGE_NAME = { zh: 'Chinese', en: 'English', mixed: 'Chinese and English' } as const;

/** A button press carries its action and case or approval: `cd:<action>:<id>` (fits Telegram's 64 bytes). */
export function encodeStaffButton(action: StaffAction, id: string): string {
  return `cd:${action}:${id}`;
}

const StaffButtonData = z
  .string()
  .regex(/^cd:[a-z]+:[A-Za-z0-9_-]{1,64}$/)
  .transform((data) => {
    const [, action, id] = data.split(':');
    return { action, id };
  })
  .pipe(z.object({ action: z.enum(STAFF_ACTIONS), id: z.string() }));

/** The action and id a staff button carries; null for any other button data. */
export function decodeStaffButton(data: string): { action: StaffAction; id: string } | null {
  const parsed = StaffButtonData.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** What a pressed staff button asks the desk: a case command on its case, or a decision on an approval. */
export function staffButtonInput(button: { action: StaffAction; id: string }): {
  command: ParsedStaffCommand;
  caseId?: string;
} {
  if (APPROVAL_ACTIONS.includes(button.action)) {
    return { command: staffCommandFrom(button.action, { approval: button.id }) };
  }
  return { command: staffCommandFrom(button.action), caseId: button.id };
}

/** The buttons a case shows in its status: claim while queued; hand back, resolve, release while claimed. */
export function staffButtons(record: HandoffRecord): StaffButton[] {
  if (record.status === 'queued') return [{ action: 'claim', label: '🙋 Claim', id: record.id }];
  if (record.status === 'claimed') {
    return [
      { action: 'handback', label: '🤖 Hand back', id: record.id },
      { action: 'resolve', label: '✅ Resolve', id: record.id },
      { action: 'release', label: '↩️ Release', id: record.id },
    ];
  }
  return [];
}

/** The buttons under an approval request: a supervisor decides it with one press. */
export function approvalButtons(approval: ApprovalRecord): StaffButton[] {
  return [
    { action: 'approve', label: '✅ Approve', id: approval.id },
    { action: 'deny', label: '⛔ Deny', id: approval.id },
  ];
}

/** `🔴 Mei Lin · case <id>`, cut to `limit` without ever cutting the case id (found again after a restart). */
export function caseTitle(record: HandoffRecord, limit: number): string {
  const tail = ` · case ${record.id}`;
  const head = `${PRIORITY_ICON[record.priority]} ${record.buyer_name}`;
  const room = Math.max(0, limit - tail.length);
  return `${head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head}${tail}`.slice(-limit);
}

/** Finds `case <id>` in a card, a topic name or a thread name. */
export function caseIdFromText(text: string | undefined | null): string | null {
  const match = text ? /\bcase ([A-Za-z0-9_-]{4,64})\b/.exec(text) : null;
  return match?.[1] ?? null;
}

/** A snake_case code as staff read it: `health_safety` → `health safety`. */
export function asWords(code: string): string {
  return code.replaceAll('_', ' ');
}

/** The case card's text: priority, reasons, order, problem, wanted outcome, evidence, status. */
export function caseCardText(record: HandoffRecord, file: CaseFile | null): string {
  const lines = [`${PRIORITY_ICON[record.priority]} ${record.priority.toUpperCase()} · case ${record.id}`];
  lines.push(
    `Buyer: ${record.buyer_name} · on ${record.platform} · writes ${LANGUAGE_NAME[record.language]}`,
  );
  const order = file?.order;
  if (order) {
    const items = order.items.map((item) => `${item.name} ×${item.quantity}`).join(', ');
    lines.push(
      `Order: ${order.id} · ${order.state} · ${order.amount} ${order.currency}${items ? ` · ${items}` : ''}`,
    );
  } else {
    lines.push(`Order: ${record.order_id ?? 'not known yet'}`);
  }
  lines.push(
    `Problem: ${file?.problem ? asWords(file.problem) : file?.intent ? asWords(file.intent) : 'not clear yet'}`,
  );
  lines.push(`Wants: ${file?.wants ? asWords(file.wants) : 'not said yet'}`);
  lines.push(`Reasons: ${record.reasons.length > 0 ? record.reasons.map(asWords).join(', ') : 'none given'}`);
  if (record.needs_approval) lines.push('Needs a supervisor’s approval for the compensation.');
  if (record.summary) lines.push(`Summary: ${record.summary}`);
  if (file && file.evidence.length > 0) {
    const count = (kind: string) => file.evidence.filter((item) => item.kind === kind).length;
    const parts = [
      [count('photo'), 'photo'],
      [count('video'), 'video'],
      [count('document'), 'document'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}${Number(n) > 1 ? 's' : ''}`);
    lines.push(`Evidence: ${parts.join(', ')}`);
  }
  lines.push(`Status: ${statusLine(record)}`);
  return lines.join('\n');
}

function statusLine(record: HandoffRecord): string {
  switch (record.status) {
    case 'queued':
      return 'waiting for an agent: claim it with the button or /claim';
    case 'claimed':
      return record.holder ? `claimed by ${record.holder.name} (${record.holder.via})` : 'claimed';
    case 'resolved':
      return `resolved${record.outcome ? `: ${record.outcome}` : ''}`;
    case 'returned_to_bot':
      return `handed back to the bot${record.outcome ? `: ${record.outcome}` : ''}`;
    case 'expired':
      return 'expired (nobody claimed it in time)';
  }
}

/** The whole card for a case in its current status; `titleLimit` is the platform's longest topic/thread name. */
export function caseCard(record: HandoffRecord, file: CaseFile | null, titleLimit: number): CaseCard {
  return {
    title: caseTitle(record, titleLimit),
    text: caseCardText(record, file),
    buttons: staffButtons(record),
  };
}
