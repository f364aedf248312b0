import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import type { HandoffDesk } from './desk.ts';
import { NOT_STAFF, NOT_SUPERVISOR } from './staff-actors.ts';
import { asWords, caseCardText, caseIdFromText } from './staff-card.ts';
import { type ParsedStaffCommand, STAFF_HELP, type StaffCommand } from './staff-commands.ts';
import type { StaffVia } from './staff-surface.ts';
import type { Actor, CaseFile, DeskFailure } from './types.ts';

/**
 * What staff do on a Telegram or Discord staff surface, carried out on the desk: find the case the input
 * is about, check who acts, run the command, and say what went wrong in the agent's words.
 */

/** One thing a person did on a staff surface. */
export interface StaffInput {
  /** The person as staff, or null when they are not allowed to act. */
  actor: Actor | null;
  command: ParsedStaffCommand;
  /** A case button names its case. */
  caseId?: string;
  /** Where it was said (topic, thread, card), when the surface knows. */
  place?: string;
  /** The case card it came from (a press of a card button), so a case found again can edit its card. */
  cardId?: string;
  /** Text that may name the case after a restart: the replied-to card, the topic or thread name. */
  contextText?: string;
}

/** The answer for the person who acted; `null` when the desk's own event already says it (or for chatter). */
export interface StaffAnswer {
  ok: boolean;
  text: string;
}

/** What the input handler shares with the staff desk that runs it. */
export interface StaffInputContext {
  desk: HandoffDesk;
  links: ChannelLinkRepo;
  via: StaffVia;
  clock: () => Date;
  /** Posts a line in a case's place, as the desk's own posts are. */
  post(place: string, text: string): Promise<void>;
  /** Keeps a case file just read, so the next card edit shows it. */
  rememberFile(caseId: string, file: CaseFile): void;
}

/** How many characters of an approval id a supervisor must type at least. */
const APPROVAL_PREFIX_MIN = 6;

/** Handles staff input (see `StaffDesk.handle`). */
export function createStaffInputHandler(
  context: StaffInputContext,
): (input: StaffInput) => Promise<StaffAnswer | null> {
  const { desk, links, via, clock } = context;

  /** An approval id as typed: the whole id, or the start of exactly one pending approval's id. */
  async function approvalIdOf(ref: string): Promise<{ id: string } | StaffAnswer> {
    const pending = await desk.pendingApprovals();
    if (pending.some((approval) => approval.id === ref)) return { id: ref };
    const matches = pending.filter((approval) => approval.id.startsWith(ref));
    if (matches.length === 1 && ref.length >= APPROVAL_PREFIX_MIN) return { id: matches[0]?.id ?? ref };
    if (matches.length > 1) {
      return { ok: false, text: `Several pending approvals start with ${ref}: type more of the id.` };
    }
    // Not pending: the desk says whether it was decided already or never existed.
    return { id: ref };
  }

  async function decide(
    actor: Actor,
    command: Extract<StaffCommand, { kind: 'approve' | 'deny' }>,
    place: string | undefined,
  ): Promise<StaffAnswer | null> {
    if (actor.role !== 'supervisor') return { ok: false, text: NOT_SUPERVISOR };
    const found = await approvalIdOf(command.approval);
    if (!('id' in found)) return found;
    const result = await desk.decideApproval(found.id, actor, {
      approved: command.kind === 'approve',
      comment: command.comment,
    });
    if (!result.ok) {
      return result.code === 'not_found'
        ? { ok: false, text: `There is no approval ${command.approval}.` }
        : refused(result);
    }
    const approval = result.value;
    // The decision is posted in the case's place; said elsewhere, the supervisor is told here too.
    const casePlace = (await links.placeOfCase(via, approval.handoff_id))?.place;
    if (place && place === casePlace) return null;
    return {
      ok: true,
      text: `💰 ${approval.status === 'approved' ? 'Approved' : 'Denied'}: ${approval.amount} ${approval.currency} for case ${approval.handoff_id}.`,
    };
  }

  async function act(
    caseId: string,
    actor: Actor,
    command: StaffCommand,
    place: string | undefined,
  ): Promise<StaffAnswer | null> {
    switch (command.kind) {
      case 'claim':
        return quiet(await desk.claim(caseId, actor));
      case 'release':
        return quiet(await desk.release(caseId, actor));
      case 'note': {
        const result = await desk.note(caseId, actor, command.text);
        return result.ok ? { ok: true, text: '📝 Note saved (never shown to the buyer).' } : refused(result);
      }
      case 'handback':
        return quiet(
          await desk.handBack(caseId, actor, {
            ...(command.note ? { outcome_note: command.note } : {}),
            ...(command.remedy ? { remedy: command.remedy } : {}),
            ...(command.amount !== undefined ? { amount: command.amount } : {}),
          }),
        );
      case 'resolve':
        return quiet(
          await desk.resolve(caseId, actor, {
            outcome_note: command.note ?? `Resolved by ${actor.name} on ${actor.via}.`,
            ...(command.remedy ? { remedy: command.remedy } : {}),
            ...(command.amount !== undefined ? { amount: command.amount } : {}),
          }),
        );
      case 'approval':
        return quiet(
          await desk.requestApproval(caseId, actor, { amount: command.amount, reason: command.reason }),
        );
      case 'case': {
        const file = await desk.caseFile(caseId);
        if (!file) return { ok: false, text: 'This case does not exist any more.' };
        context.rememberFile(caseId, file);
        const text = caseCardText(file.record, file);
        if (place) {
          await context.post(place, text);
          return null;
        }
        return { ok: true, text };
      }
      case 'reply': {
        if (!command.text && command.attachments.length === 0) return null;
        const result = await desk.reply(caseId, actor, command.text, command.attachments);
        return result.ok ? null : { ok: false, text: `Not sent to the buyer: ${failureText(result)}` };
      }
      case 'help':
      case 'approve':
      case 'deny':
        // Answered before a case is needed (handle).
        return null;
    }
  }

  return async (input) => {
    const { actor, command: parsed } = input;
    let caseId =
      input.caseId ?? (input.place ? (await links.caseAtPlace(via, input.place))?.case_id : undefined);
    const found = caseId ? null : caseIdFromText(input.contextText);
    if (found) caseId = found;
    const chatter = parsed.ok && parsed.command.kind === 'reply' && !caseId;
    // Group chatter outside any case is none of our business, whoever writes it.
    if (chatter) return null;
    if (!actor) return { ok: false, text: NOT_STAFF };
    desk.setPresence(actor, true);
    if (!parsed.ok) return { ok: false, text: parsed.message };
    const { command } = parsed;
    if (command.kind === 'help') return { ok: true, text: STAFF_HELP };
    // An approval names itself: a supervisor decides it from anywhere on the surface.
    if (command.kind === 'approve' || command.kind === 'deny') return decide(actor, command, input.place);
    if (!caseId)
      return { ok: false, text: 'Use this in a case’s topic or thread, or as a reply to its case card.' };
    // A place seen for the first time (a case from before links were kept) is linked for the desk's later
    // posts; a case or place that has its link already keeps it.
    if (input.place) await links.linkCasePlace(via, caseId, input.place, input.cardId ?? null, clock());
    const place = input.place ?? (await links.placeOfCase(via, caseId))?.place;
    return act(caseId, actor, command, place);
  };
}

function quiet(result: { ok: true } | DeskFailure): StaffAnswer | null {
  return result.ok ? null : refused(result);
}

function refused(failure: DeskFailure): StaffAnswer {
  return { ok: false, text: failureText(failure) };
}

/** What an agent is told when the desk refuses. */
export function failureText(failure: DeskFailure): string {
  const holder = failure.holder ? `${failure.holder.name} (${failure.holder.via})` : null;
  switch (failure.code) {
    case 'not_found':
      return 'This case does not exist any more.';
    case 'already_claimed':
      return `${holder ?? 'Someone else'} already has this case.`;
    case 'not_holder':
      return holder
        ? `${holder} holds this case; only they can do that.`
        : 'Claim the case first (/claim or the Claim button).';
    case 'bad_status':
      return `Not possible now: the case is ${failure.status ? asWords(failure.status) : 'closed'}.`;
    case 'forbidden':
      return 'Your role does not allow that.';
    case 'approval_required':
      return 'That amount is above your limit: ask a supervisor first with /approval AMOUNT REASON.';
    case 'already_decided':
      return 'Someone else decided this first.';
    case 'delivery_failed':
      return 'Saved, but not delivered to the buyer yet; calmdesk keeps retrying.';
  }
}
