import { z } from 'zod';
import { type Attachment, AttachmentSchema } from '../core/messages.ts';
import { REMEDIES } from '../nlu/types.ts';

/**
 * The staff commands of the Telegram staff group and the Discord staff channel: what they are, how a typed
 * `/command` or a structured one (a slash command, a button) becomes one, and the slash commands a
 * platform registers. Platform-neutral.
 */

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
/** A checked staff command (see `StaffCommandSchema`). */
export type StaffCommand = z.infer<typeof StaffCommandSchema>;

/** Parsing a typed command ends in a command, or in a usage hint for the agent. */
export type ParsedStaffCommand = { ok: true; command: StaffCommand } | { ok: false; message: string };

/** The usage text `/help` shows, and every usage hint ends with. */
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
      const value = amountOf(amount);
      if (value === undefined || reason.length === 0) {
        return { ok: false, message: 'Write the amount and why: /approval AMOUNT REASON' };
      }
      return validate({ kind: 'approval', amount: value, reason: reason.join(' ') });
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

/** `120`, `¥120`, `$9.50`: the amount, or undefined when the word is not one. */
function amountOf(word: string | undefined): number | undefined {
  const value = word ? /^[¥$￥]?(\d+(?:\.\d{1,2})?)$/.exec(word)?.[1] : undefined;
  return value ? Number(value) : undefined;
}

/** `[REMEDY] [AMOUNT] [NOTE…]`, each part optional, in this order. */
function outcomeArgs(args: string): { remedy?: string; amount?: number; note?: string } {
  const words = args.split(/\s+/).filter(Boolean);
  const result: { remedy?: string; amount?: number; note?: string } = {};
  if (words[0] && (REMEDIES as readonly string[]).includes(words[0].toLowerCase())) {
    result.remedy = words.shift()?.toLowerCase() as string;
  }
  const amount = amountOf(words[0]);
  if (amount !== undefined) {
    result.amount = amount;
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

/** Every staff command as a slash command, in the order a platform lists them. */
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
