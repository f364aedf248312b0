import { z } from 'zod';
import { PROBLEMS, REMEDIES } from '../nlu/types.ts';
import type { DialogueState } from './types.ts';

/** The current version of the dialogue state snapshot. */
export const STATE_VERSION = 1;

const STEPS = [
  'listen',
  'acknowledge',
  'apologize',
  'offer',
  'confirm',
  'follow_up',
  'closed',
  'handoff',
] as const;

/** What the bot asked last and waits an answer for. */
export const PENDING = [
  'order',
  'problem',
  'photo',
  'condition',
  'wait_or_intercept',
  'choose',
  'confirm',
  'satisfaction',
] as const;
export type Pending = (typeof PENDING)[number];

/** A button the bot offered: `key` says what tapping it means (`remedy:reship`, `order:CD10005`, `yes`). */
const OptionSchema = z.object({ label: z.string(), value: z.string(), key: z.string() });
export type StateOption = z.infer<typeof OptionSchema>;

const PromiseNoteSchema = z.object({
  id: z.string(),
  kind: z.string(),
  text: z.string(),
  due_at: z.string(),
  order_id: z.string().exactOptional(),
  remedy: z.enum(REMEDIES).exactOptional(),
  /** Money the promise sends back (0: none, e.g. an unpaid order cancelled); absent in older notes. */
  amount: z.number().exactOptional(),
});
export type PromiseNote = z.infer<typeof PromiseNoteSchema>;

/**
 * The dialogue's state (version 1). Field names the agent's case file reads (`problem`, `wants`,
 * `policy_rule`, `allowed_remedies`) are part of the contract with src/handoff.
 */
export const CaseStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  step: z.enum(STEPS),
  order_id: z.string().exactOptional(),
  /** Buyer turns seen; seeds the choice of phrasing. */
  turn: z.number().int().min(0),
  /** Increases when a closed case is reopened. */
  case_no: z.number().int().min(1),
  language: z.enum(['zh', 'en']),
  /** The Chinese script the buyer writes; replies follow it (the reply books are Simplified). */
  script: z.enum(['traditional', 'simplified']).exactOptional(),
  problem: z.enum(PROBLEMS).exactOptional(),
  wants: z.enum(REMEDIES).exactOptional(),
  condition: z.enum(['resaleable', 'used']).exactOptional(),
  missing_quantity: z.number().int().positive().exactOptional(),
  photo: z.boolean(),
  acknowledged: z.boolean(),
  pending: z.enum(PENDING).nullable(),
  options: z.array(OptionSchema),
  allowed_remedies: z.array(z.enum(REMEDIES)),
  amounts: z.partialRecord(z.enum(REMEDIES), z.number()),
  partial_percent: z.number().nullable(),
  shipping_payer: z.enum(['shop', 'buyer']).nullable(),
  policy_rule: z.string().nullable(),
  chosen: z.enum(REMEDIES).exactOptional(),
  refused: z.array(z.enum(REMEDIES)),
  refusals: z.number().int().min(0),
  not_understood: z.number().int().min(0),
  /** Anger of the latest buyer turns, oldest first. */
  anger: z.array(z.number()),
  /** The in-transit "please wait" was said once. */
  asked_to_wait: z.boolean(),
  promises: z.array(PromiseNoteSchema),
  outcome: z
    .object({
      remedy: z.enum(REMEDIES).nullable(),
      order_id: z.string().nullable(),
      at: z.string(),
      by: z.string(),
    })
    .exactOptional(),
  handoff: z.object({ reasons: z.array(z.string()), priority: z.string() }).exactOptional(),
  rated: z.boolean(),
  /** Set by the follow-up job when it nudged a silent buyer; cleared by the buyer's next message. */
  nudged: z.boolean(),
  /** Explanations already given in this case (rule ids, `wants:refund_only`): said once, not on every turn. */
  explained: z.array(z.string()),
  /** The last question, to repeat on "?". */
  last_question: z.string().nullable(),
});
export type CaseState = z.infer<typeof CaseStateSchema>;

/** A fresh case, keeping what outlives a case (order, language, turn counter). */
export function freshState(language: 'zh' | 'en', keep: Partial<CaseState> = {}): CaseState {
  const state: CaseState = {
    version: STATE_VERSION,
    step: 'listen',
    turn: keep.turn ?? 0,
    case_no: keep.case_no ?? 1,
    language,
    ...(keep.script ? { script: keep.script } : {}),
    photo: false,
    acknowledged: false,
    pending: null,
    options: [],
    allowed_remedies: [],
    amounts: {},
    partial_percent: null,
    shipping_payer: null,
    policy_rule: null,
    refused: [],
    refusals: 0,
    not_understood: 0,
    anger: keep.anger ?? [],
    asked_to_wait: false,
    promises: keep.promises ?? [],
    rated: false,
    nudged: false,
    explained: [],
    last_question: null,
  };
  if (keep.order_id !== undefined) state.order_id = keep.order_id;
  return state;
}

/**
 * Reads a stored snapshot. Anything unreadable (an older version, a hand-edited row) starts a fresh
 * case that keeps the order and the step 'handoff' if a person holds it: losing the state must never
 * silently take a conversation away from an agent.
 */
export function readState(raw: DialogueState | null, fallbackLanguage: 'zh' | 'en'): CaseState | null {
  if (raw === null) return null;
  const parsed = CaseStateSchema.safeParse(raw);
  if (parsed.success) return structuredClone(parsed.data);
  const keep: Partial<CaseState> = {};
  if (typeof raw.order_id === 'string') keep.order_id = raw.order_id;
  const language = raw.language === 'en' || raw.language === 'zh' ? raw.language : fallbackLanguage;
  const state = freshState(language, keep);
  if (raw.step === 'handoff') state.step = 'handoff';
  return state;
}

/** The bot no longer waits for an answer: no pending question, no buttons. */
export function clearQuestion(s: CaseState): void {
  s.pending = null;
  s.options = [];
}

/** Forgets the offer in progress (the order or the problem changed), keeping what the buyer told. */
export function resetOffer(s: CaseState): void {
  clearQuestion(s);
  s.allowed_remedies = [];
  s.amounts = {};
  s.partial_percent = null;
  s.policy_rule = null;
  s.shipping_payer = null;
  s.asked_to_wait = false;
  delete s.chosen;
}
