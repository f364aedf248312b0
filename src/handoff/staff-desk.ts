import { z } from 'zod';
import { KeyedLock } from '../core/keyed-lock.ts';
import type { Logger } from '../core/logger.ts';
import { type Attachment, AttachmentSchema } from '../core/messages.ts';
import { REMEDIES } from '../nlu/types.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import { createMemoryChannelLinks } from '../storage/memory/channel-links.ts';
import type { DeskEvent, HandoffDesk } from './desk.ts';
import {
  type Actor,
  type ApprovalRecord,
  type CaseFile,
  type DeskFailure,
  type HandoffRecord,
  isOpen,
} from './types.ts';

/**
 * The staff desk shared by the Telegram staff group and the Discord staff channel: who may act, the
 * case card, the staff commands, and what to post when the desk changes. Platform-neutral: each channel
 * file supplies a `StaffSurface` (post a card, post a line, show new buttons) and hands staff input to
 * `handle`; everything decided here is the same on both platforms and the same records as the web
 * console (the desk is the single source of truth; `subscribe` tells us what others did).
 */

/** The staff desks the platforms offer. */
export type StaffVia = 'telegram' | 'discord';

/** What a staff button does: the case card's (claim, release, handback, resolve) and an approval request's. */
export const STAFF_ACTIONS = ['claim', 'release', 'handback', 'resolve', 'approve', 'deny'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];
/** The buttons whose id is an approval, not a case. */
const APPROVAL_ACTIONS: readonly StaffAction[] = ['approve', 'deny'];

const NoteText = z.string().trim().min(1).max(4000);
const Outcome = {
  remedy: z.enum(REMEDIES).optional(),
  amount: z.number().nonnegative().max(1_000_000).optional(),
  note: z.string().trim().min(1).max(2000).optional(),
};
/** An approval's id as the desk made it, or the first characters of it (at least 6). */
const ApprovalRef = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);
const Decision = { approval: ApprovalRef, comment: z.string().trim().max(2000).default('') };

/** A staff command, whichever way it came in (typed `/command`, a button, a Discord slash command). */
export const StaffCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('claim') }),
  z.object({ kind: z.literal('release') }),
  z.object({ kind: z.literal('note'), text: NoteText }),
  z.object({ kind: z.literal('handback'), ...Outcome }),
  z.object({ kind: z.literal('resolve'), ...Outcome }),
  z.object({ kind: z.literal('case') }),
  z.object({ kind: z.literal('help') }),
  /** The holder asks a supervisor to approve a compensation above the agent limit. */
  z.object({
    kind: z.literal('approval'),
    amount: z.number().positive().max(1_000_000),
    reason: z.string().trim().min(1).max(2000),
  }),
  /** A supervisor decides an approval request. */
  z.object({ kind: z.literal('approve'), ...Decision }),
  z.object({ kind: z.literal('deny'), ...Decision }),
  /** Anything that is not a command: the agent talking to the buyer. */
  z.object({
    kind: z.literal('reply'),
    text: z.string().max(20_000),
    attachments: z.array(AttachmentSchema).default([]),
  }),
]);
export type StaffCommand = z.infer<typeof StaffCommandSchema>;

/** Parsing a typed command ends in a command, or in a usage hint for the agent. */
export type ParsedStaffCommand = { ok: true; command: StaffCommand } | { ok: false; message: string };

export const STAFF_HELP =
  'Case commands (in the case topic/thread, or as a reply to the case card):\n' +
  '/claim: take the case; your replies then go to the buyer\n' +
  '/note TEXT: a private note (never shown to the buyer)\n' +
  '/handback [REMEDY] [AMOUNT] [NOTE]: give the conversation back to the bot\n' +
  '/resolve [REMEDY] [AMOUNT] [NOTE]: close the case\n' +
  '/release: put the case back in the queue\n' +
  '/case: show the case card again\n' +
  '/approval AMOUNT REASON: ask a supervisor to approve a compensation above your limit\n' +
  'Supervisors, anywhere in the staff group/channel:\n' +
  '/approve APPROVAL_ID [COMMENT], /deny APPROVAL_ID [COMMENT]: decide a request (or use its buttons)\n' +
  `REMEDY is one of ${REMEDIES.join(', ')}.`;

/**
 * Reads a staff message: `/claim`, `/note …`, `/handback …`, `/resolve …`, `/release`, `/case`, `/help`,
 * `/approval AMOUNT REASON`, `/approve ID [COMMENT]`, `/deny ID [COMMENT]` (a Telegram `@botname` suffix
 * is ignored); anything else is a reply for the buyer.
 */
export function parseStaffCommand(text: string, attachments: readonly Attachment[] = []): ParsedStaffCommand {
  const trimmed = text.trim();
  const match = /^\/([A-Za-z_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (!match) return validate({ kind: 'reply', text: trimmed, attachments: [...attachments] });
  const name = (match[1] ?? '').toLowerCase();
  const args = (match[2] ?? '').trim();
  switch (name) {
    case 'claim':
    case 'release':
    case 'case':
    case 'help':
      return validate({ kind: name });
    case 'note':
      if (!args) return { ok: false, message: 'Write the note after the command: /note TEXT' };
      return validate({ kind: 'note', text: args });
    case 'handback':
    case 'resolve':
      return validate({ kind: name, ...outcomeArgs(args) });
    case 'approval': {
      const [amount, ...reason] = args.split(/\s+/).filter(Boolean);
      const value = amount ? /^[¥$￥]?(\d+(?:\.\d{1,2})?)$/.exec(amount)?.[1] : undefined;
      if (!value || reason.length === 0) {
        return { ok: false, message: 'Write the amount and why: /approval AMOUNT REASON' };
      }
      return validate({ kind: 'approval', amount: Number(value), reason: reason.join(' ') });
    }
    case 'approve':
    case 'deny': {
      const [approval, ...comment] = args.split(/\s+/).filter(Boolean);
      if (!approval) {
        return {
          ok: false,
          message: `Write the approval id after the command: /${name} APPROVAL_ID [COMMENT]`,
        };
      }
      return validate({ kind: name, approval, comment: comment.join(' ') });
    }
    default:
      return { ok: false, message: `Unknown command /${name}.\n\n${STAFF_HELP}` };
  }
}

/** `[REMEDY] [AMOUNT] [NOTE…]`, each part optional, in this order. */
function outcomeArgs(args: string): { remedy?: string; amount?: number; note?: string } {
  const words = args.split(/\s+/).filter(Boolean);
  const result: { remedy?: string; amount?: number; note?: string } = {};
  if (words[0] && (REMEDIES as readonly string[]).includes(words[0].toLowerCase())) {
    result.remedy = words.shift()?.toLowerCase() as string;
  }
  const amount = words[0] ? /^[¥$￥]?(\d+(?:\.\d{1,2})?)$/.exec(words[0]) : null;
  if (amount?.[1]) {
    result.amount = Number(amount[1]);
    words.shift();
  }
  if (words.length > 0) result.note = words.join(' ');
  return result;
}

/**
 * Builds a command from a structured source (a Discord slash command's options, a button's action).
 * Unknown or malformed input becomes a usage hint, never an exception.
 */
export function staffCommandFrom(name: string, options: Record<string, unknown> = {}): ParsedStaffCommand {
  const { text, ...rest } = options;
  const input = name === 'note' ? { kind: name, text } : { kind: name, ...rest };
  return validate(input);
}

function validate(input: unknown): ParsedStaffCommand {
  const parsed = StaffCommandSchema.safeParse(input);
  if (parsed.success) return { ok: true, command: parsed.data };
  return { ok: false, message: `That command is not complete.\n\n${STAFF_HELP}` };
}

/** The slash commands a platform registers (Discord); one per staff command, with typed options. */
export interface StaffSlashCommand {
  name: StaffCommand['kind'];
  description: string;
  options: {
    name: string;
    description: string;
    type: 'string' | 'number';
    required: boolean;
    choices?: string[];
  }[];
}

const OUTCOME_OPTIONS: StaffSlashCommand['options'] = [
  {
    name: 'remedy',
    description: 'What the buyer gets',
    type: 'string',
    required: false,
    choices: [...REMEDIES],
  },
  { name: 'amount', description: 'Compensation amount agreed', type: 'number', required: false },
  { name: 'note', description: 'What you agreed with the buyer', type: 'string', required: false },
];

const DECISION_OPTIONS: StaffSlashCommand['options'] = [
  { name: 'approval', description: 'The approval id from the request', type: 'string', required: true },
  { name: 'comment', description: 'Why (shown to the agent)', type: 'string', required: false },
];

export const STAFF_SLASH_COMMANDS: readonly StaffSlashCommand[] = [
  { name: 'claim', description: 'Take this case; your replies in the thread go to the buyer', options: [] },
  {
    name: 'note',
    description: 'Add a private note to this case',
    options: [
      { name: 'text', description: 'The note (never shown to the buyer)', type: 'string', required: true },
    ],
  },
  { name: 'handback', description: 'Give the conversation back to the bot', options: OUTCOME_OPTIONS },
  { name: 'resolve', description: 'Close this case', options: OUTCOME_OPTIONS },
  { name: 'release', description: 'Put this case back in the queue', options: [] },
  { name: 'case', description: 'Show the case card again', options: [] },
  {
    name: 'approval',
    description: 'Ask a supervisor to approve a compensation above your limit',
    options: [
      { name: 'amount', description: 'The compensation amount', type: 'number', required: true },
      { name: 'reason', description: 'Why the buyer should get it', type: 'string', required: true },
    ],
  },
  { name: 'approve', description: 'Approve a compensation request (supervisors)', options: DECISION_OPTIONS },
  { name: 'deny', description: 'Deny a compensation request (supervisors)', options: DECISION_OPTIONS },
];

// ---------------------------------------------------------------------------------------------------
// Who may act

/** Who acts on a Telegram staff group: agents' and supervisors' numeric user ids. */
export interface TelegramStaffIds {
  agents: readonly (number | string)[];
  supervisors?: readonly (number | string)[];
}

/**
 * A Telegram user acts as staff only when their numeric id is configured: as `supervisor` when it is
 * among the supervisors (who need not be listed as agents too), else as `agent`.
 */
export function telegramStaffActor(
  user: { id: number | string; name: string },
  ids: TelegramStaffIds,
): Actor | null {
  const id = String(user.id);
  const among = (list: readonly (number | string)[] | undefined) =>
    (list ?? []).some((allowed) => String(allowed) === id);
  const role = among(ids.supervisors) ? 'supervisor' : among(ids.agents) ? 'agent' : null;
  return role ? { id: `telegram:${id}`, name: user.name, role, via: 'telegram' } : null;
}

/** Who acts on a Discord staff channel: the agents' role and the supervisors' role. */
export interface DiscordStaffRoles {
  agentRoleId: string | undefined;
  supervisorRoleId?: string | undefined;
}

/** A Discord member acts as staff only with the staff role (`agent`) or the supervisor role (`supervisor`). */
export function discordStaffActor(
  user: { id: string; name: string; roleIds: readonly string[] },
  roles: DiscordStaffRoles,
): Actor | null {
  const has = (roleId: string | undefined) => Boolean(roleId && user.roleIds.includes(roleId));
  const role = has(roles.supervisorRoleId) ? 'supervisor' : has(roles.agentRoleId) ? 'agent' : null;
  return role ? { id: `discord:${user.id}`, name: user.name, role, via: 'discord' } : null;
}

export const NOT_STAFF = 'Only the shop’s support staff can act on cases here.';
export const NOT_SUPERVISOR =
  'Only a supervisor can approve or deny a compensation. You act as an agent here: ask a supervisor to decide it.';

// ---------------------------------------------------------------------------------------------------
// The case card

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

function words(code: string): string {
  return code.replaceAll('_', ' ');
}

/**
 * The case card: priority, reasons, order, problem, wanted outcome, evidence, status. Plain text (no
 * markup), so buyer names and order ids never need escaping on any platform.
 */
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
    `Problem: ${file?.problem ? words(file.problem) : file?.intent ? words(file.intent) : 'not clear yet'}`,
  );
  lines.push(`Wants: ${file?.wants ? words(file.wants) : 'not said yet'}`);
  lines.push(`Reasons: ${record.reasons.length > 0 ? record.reasons.map(words).join(', ') : 'none given'}`);
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

export function caseCard(record: HandoffRecord, file: CaseFile | null, titleLimit: number): CaseCard {
  return {
    title: caseTitle(record, titleLimit),
    text: caseCardText(record, file),
    buttons: staffButtons(record),
  };
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
      return `Not possible now: the case is ${failure.status ? words(failure.status) : 'closed'}.`;
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

// ---------------------------------------------------------------------------------------------------
// The controller both staff desks run

/** Where the desk opened a case: the surface's place for it, and the card message if it has one. */
export interface OpenedCase {
  place: string;
  cardId: string | null;
}

/**
 * What a platform offers the staff desk. A "place" is the surface's own id for where a case lives
 * (a forum topic, a thread, or the card message in a group without topics).
 */
export interface StaffSurface {
  readonly via: StaffVia;
  /** Longest title the platform accepts for a topic/thread. */
  readonly titleLimit: number;
  /** Opens the case's place and posts the card there. */
  openCase(record: HandoffRecord, card: CaseCard): Promise<OpenedCase>;
  /**
   * Posts a line (and files, and buttons under the line) in the case's place. Returns the ids of the
   * messages whose place the platform does not show by itself (replies to them must still find the case).
   */
  post(
    place: string,
    text: string,
    attachments?: readonly Attachment[],
    buttons?: readonly StaffButton[],
  ): Promise<string[]>;
  /** Shows the card's new status and buttons. */
  updateCard(place: string, cardId: string, card: CaseCard): Promise<void>;
}

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

export interface StaffDesk {
  /** Subscribes to the desk. */
  start(): void;
  /** Unsubscribes and waits for posts in flight. */
  stop(): Promise<void>;
  handle(input: StaffInput): Promise<StaffAnswer | null>;
  /** The case living at a place, if known. */
  caseAt(place: string): Promise<string | undefined>;
  /** Where a case lives on this surface, if it has been opened. */
  placeOf(caseId: string): Promise<string | undefined>;
  /** The place of a message this desk posted where the platform does not show it (see `StaffSurface.post`). */
  placeOfMessage(messageId: string): Promise<string | undefined>;
}

export interface StaffDeskOptions {
  desk: HandoffDesk;
  surface: StaffSurface;
  /**
   * Where the desk keeps each case's place and card, so a restart finds the old topic/thread instead of
   * opening a second one (the store's `channelLinks`). Default: in memory, forgotten on restart.
   */
  links?: ChannelLinkRepo;
  logger: Logger;
  clock?: () => Date;
}

/** How many characters of an approval id a supervisor must type at least. */
const APPROVAL_PREFIX_MIN = 6;

export function createStaffDesk(options: StaffDeskOptions): StaffDesk {
  const { desk, surface, logger } = options;
  const links = options.links ?? createMemoryChannelLinks();
  const clock = options.clock ?? (() => new Date());
  const via = surface.via;
  const files = new Map<string, CaseFile | null>();
  const lock = new KeyedLock();
  let unsubscribe: (() => void) | null = null;

  async function fileOf(record: HandoffRecord): Promise<CaseFile | null> {
    if (!files.has(record.id)) {
      const file = await desk.caseFile(record.id).catch((error: unknown) => {
        logger.warn({ err: error, caseId: record.id }, 'case file unavailable; posting the card without it');
        return null;
      });
      files.set(record.id, file);
    }
    return files.get(record.id) ?? null;
  }

  async function cardOf(record: HandoffRecord): Promise<CaseCard> {
    return caseCard(record, await fileOf(record), surface.titleLimit);
  }

  /** The case's place, opened now when the case is still open; null for a closed case never shown. */
  async function ensurePlace(
    record: HandoffRecord,
  ): Promise<{ place: string; cardId: string | null; opened: boolean } | null> {
    const known = await links.placeOfCase(via, record.id);
    if (known) return { place: known.place, cardId: known.card_id, opened: false };
    if (!isOpen(record.status)) return null;
    const opened = await surface.openCase(record, await cardOf(record));
    const { link } = await links.linkCasePlace(via, record.id, opened.place, opened.cardId, clock());
    if (link.place !== opened.place) {
      logger.warn({ caseId: record.id, place: opened.place, kept: link.place }, 'case already had a place');
    }
    return { place: link.place, cardId: link.card_id, opened: link.place === opened.place };
  }

  async function post(
    place: string,
    text: string,
    attachments?: readonly Attachment[],
    buttons?: readonly StaffButton[],
  ): Promise<void> {
    const ids = await surface.post(place, text, attachments, buttons);
    for (const id of ids) await links.linkStaffMessage(via, id, place, clock());
  }

  function approvalButtons(approval: ApprovalRecord): StaffButton[] {
    return [
      { action: 'approve', label: '✅ Approve', id: approval.id },
      { action: 'deny', label: '⛔ Deny', id: approval.id },
    ];
  }

  async function apply(event: DeskEvent): Promise<void> {
    const { record } = event;
    if (event.type === 'handoff_escalated' || event.type === 'handoff_requested') files.delete(record.id);
    const where = await ensurePlace(record);
    if (!where) return;
    const { place, cardId, opened } = where;
    const refreshCard = async () => {
      if (!opened && cardId) await surface.updateCard(place, cardId, await cardOf(record));
    };
    switch (event.type) {
      case 'handoff_requested':
        return;
      case 'handoff_escalated':
        await post(place, `⬆️ Now ${record.priority.toUpperCase()}: ${record.reasons.map(words).join(', ')}`);
        return refreshCard();
      case 'handoff_claimed':
        await post(place, `🙋 ${event.actor.name} (${event.actor.via}) claimed the case.`);
        return refreshCard();
      case 'handoff_released':
        await post(place, `↩️ ${event.actor.name} put the case back in the queue.`);
        return refreshCard();
      case 'handoff_returned':
        await post(
          place,
          `🤖 ${event.actor.name} handed the conversation back to the bot${record.outcome ? `: ${record.outcome}` : '.'}`,
        );
        return refreshCard();
      case 'handoff_resolved':
        await post(
          place,
          `✅ Resolved by ${event.actor.name}${record.outcome ? `: ${record.outcome}` : '.'}`,
        );
        return refreshCard();
      case 'handoff_expired':
        await post(place, '⌛ Expired: nobody claimed it in time.');
        return refreshCard();
      case 'buyer_message':
        return post(place, `👤 ${event.entry.name}: ${event.entry.text}`, event.entry.attachments);
      case 'agent_message':
        // The agent's own words are already in this place when they wrote them here.
        if (event.actor.via === via) return;
        return post(
          place,
          `🧑‍💼 ${event.actor.name} (${event.actor.via}): ${event.entry.text}`,
          event.entry.attachments,
        );
      case 'note_added':
        if (event.note.author.id.startsWith(`${via}:`)) return;
        return post(place, `📝 Note by ${event.note.author.name}: ${event.note.text}`);
      case 'approval_requested': {
        const { approval } = event;
        return post(
          place,
          `💰 ${approval.requested_by.name} asks a supervisor to approve ${approval.amount} ${approval.currency}: ${approval.reason}\n` +
            `Approval ${approval.id}: /approve ${approval.id} [COMMENT] or /deny ${approval.id} [COMMENT]`,
          [],
          approvalButtons(approval),
        );
      }
      case 'approval_decided':
        return post(
          place,
          `💰 ${event.approval.decided_by?.name ?? 'A supervisor'} ${event.approval.status} ${event.approval.amount} ${event.approval.currency}${event.approval.comment ? `: ${event.approval.comment}` : ''}`,
        );
    }
  }

  function onEvent(event: DeskEvent): void {
    // One case's posts stay in order (the card before the first line) while cases run in parallel.
    void lock.run(event.record.id, () =>
      apply(event).catch((error: unknown) => {
        logger.error({ err: error, caseId: event.record.id, event: event.type }, 'staff desk could not post');
      }),
    );
  }

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

  async function act(caseId: string, actor: Actor, command: StaffCommand, place: string | undefined) {
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
        files.set(caseId, file);
        const text = caseCardText(file.record, file);
        if (place) {
          await post(place, text);
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

  return {
    start() {
      unsubscribe ??= desk.subscribe(onEvent);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await lock.drain();
    },
    caseAt: async (place) => (await links.caseAtPlace(via, place))?.case_id,
    placeOf: async (caseId) => (await links.placeOfCase(via, caseId))?.place,
    placeOfMessage: async (messageId) => (await links.placeOfStaffMessage(via, messageId)) ?? undefined,
    async handle(input) {
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
    },
  };
}

function quiet(result: { ok: true } | DeskFailure): StaffAnswer | null {
  return result.ok ? null : refused(result);
}

function refused(failure: DeskFailure): StaffAnswer {
  return { ok: false, text: failureText(failure) };
}
