import type { Analysis, Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import { excludedCategory, type PolicyVerdict } from '../policy/evaluate.ts';
import { type Policy, PolicySchema } from '../policy/schema.ts';
import { BOOKS } from './replies/index.ts';
import type { AngerLevel, Lang, PolicyFacts, RemedyFacts, ReplyBook } from './replies/types.ts';
import type { CaseState, Pending, StateOption } from './state.ts';
import { hash, itemName } from './text.ts';
import type { DecideInput, Decision, HandoffRequest, PromiseDraft, RemedyAction } from './types.ts';

/**
 * One buyer message being decided: the input, the case state being changed, and the decision being
 * built (reply paragraphs, buttons, events, promises, actions, handoff, trace). Every step of the
 * dialogue takes it as `c` and writes into it; `finish` in decide.ts turns it into a `Decision`.
 */
export interface TurnContext {
  input: DecideInput;
  a: Analysis;
  policy: Policy;
  now: Date;
  /** The buyer's text, trimmed. */
  text: string;
  s: CaseState;
  lang: Lang;
  b: ReplyBook;
  order: Order | null;
  recent: Order[];
  /** The order id the buyer named and the shop does not know. */
  notFound: string | null;
  paragraphs: string[][];
  options: StateOption[];
  events: Decision['events'];
  promises: PromiseDraft[];
  actions: RemedyAction[];
  handoff: HandoffRequest | null;
  offered: Remedy[];
  rule: string | null;
  /** The buyer's problem was acknowledged in this very reply. */
  acknowledgedNow: boolean;
}

/**
 * The confidence a typed yes or no needs to count as one. Gibberish tends to land on these short
 * acts with middling confidence, and a yes may move money: below this it is "not understood".
 */
export const CONSENT_CONFIDENCE = 0.7;

/** A new context for one message; `s` is the case state as it stands before this message. */
export function newContext(input: DecideInput, s: CaseState, lang: Lang): TurnContext {
  const lookup = input.order.lookup;
  return {
    input,
    a: input.analysis,
    policy: asPolicy(input.policy),
    now: input.now,
    text: input.message.text.trim(),
    s,
    lang,
    b: BOOKS[lang],
    order: lookup?.status === 'found' ? lookup.order : null,
    recent: input.order.recent,
    notFound: input.order.asked_id && lookup?.status !== 'found' ? input.order.asked_id : null,
    paragraphs: [],
    options: [],
    events: [],
    promises: [],
    actions: [],
    handoff: null,
    offered: [],
    rule: null,
    acknowledgedNow: false,
  };
}

const policyCache = new WeakMap<object, Policy>();

/** The policy handed in through the loosely typed contract, validated once per object. */
function asPolicy(raw: unknown): Policy {
  if (raw !== null && typeof raw === 'object') {
    const cached = policyCache.get(raw);
    if (cached) return cached;
    const policy = PolicySchema.parse(raw);
    policyCache.set(raw, policy);
    return policy;
  }
  return PolicySchema.parse(raw);
}

/** One of several phrasings, chosen from the turn: varied, but the same input always gives the same reply. */
export function pick(c: TurnContext, list: string[], salt: string): string {
  if (list.length === 0) return '';
  return list[hash(`${c.s.case_no}:${c.s.turn}:${salt}`) % list.length]!;
}

/** Adds sentences to the current paragraph of the reply (empty ones are skipped). */
export function say(c: TurnContext, ...sentences: (string | null | undefined)[]): void {
  if (c.paragraphs.length === 0) c.paragraphs.push([]);
  const current = c.paragraphs[c.paragraphs.length - 1]!;
  for (const s of sentences) if (s) current.push(s);
}

/** Starts a new paragraph (a new line) of the reply. */
export function paragraph(c: TurnContext): void {
  c.paragraphs.push([]);
}

/**
 * Says an explanation once per case: the buyer heard the rule, repeating it sounds like a wall. True
 * when it was said now.
 */
export function explain(c: TurnContext, key: string, sentence: string | null): boolean {
  if (!sentence || c.s.explained.includes(key)) return false;
  c.s.explained.push(key);
  say(c, sentence);
  return true;
}

/** Asks a question and waits for its answer (`pending`), with buttons when there are choices. */
export function ask(
  c: TurnContext,
  pending: Pending | null,
  question: string,
  options: StateOption[] = [],
): void {
  say(c, question);
  c.s.pending = pending;
  c.s.options = options;
  c.options = options;
  c.s.last_question = question;
}

/**
 * Says a short prefix ("still here", "thanks") and repeats the question the bot waits an answer for,
 * with its buttons. False (and nothing said) when no question is pending.
 */
export function askAgain(c: TurnContext, prefixes: string[], salt: string): boolean {
  const s = c.s;
  if (!s.pending || !s.last_question) return false;
  say(c, pick(c, prefixes, salt), s.last_question);
  c.options = s.options;
  return true;
}

/** The buyer's anger as the replies see it. */
export function angerLevel(c: TurnContext): AngerLevel {
  if (c.a.anger >= c.policy.escalation.anger_threshold) return 2;
  if (c.a.anger >= 0.35) return 1;
  return 0;
}

/** The message carries a photo. */
export function photoAttached(c: TurnContext): boolean {
  return c.input.message.attachments.some((x) => x.kind === 'photo');
}

/** The carrier's latest word on the order, in the reply's language. */
export function trackingOf(c: TurnContext): string | null {
  return c.order?.tracking_status?.[c.lang] ?? null;
}

/** What a rule sentence or a policy answer may quote. */
export function policyFacts(c: TurnContext, verdict: PolicyVerdict | null): PolicyFacts {
  const excluded = c.order ? excludedCategory(c.policy, c.order, c.s.condition) : null;
  return {
    no_reason_days: c.policy.return_window.no_reason_days,
    resaleable: c.policy.return_window.resaleable[c.lang],
    excluded: c.policy.excluded_categories.map((e) => e.label[c.lang]),
    category: excluded ? excluded.label[c.lang] : null,
    refund_hours: c.policy.promise_hours.refund_only,
    days_since_delivery: verdict?.days_since_delivery ?? null,
    payer: verdict?.shipping_payer ?? c.s.shipping_payer,
    unpaid: c.order?.state === 'unpaid',
  };
}

/** Cancelling an unpaid order takes nothing but the click: it is done now, not "within 24 hours". */
export function doneAtOnce(c: TurnContext, remedy: Remedy): boolean {
  return remedy === 'cancel_order' && c.order?.state === 'unpaid';
}

/** What a remedy's wording needs, from the case's amounts and the order. */
export function remedyFacts(c: TurnContext, remedy: Remedy): RemedyFacts {
  return {
    remedy,
    amount: c.s.amounts[remedy] ?? 0,
    percent: remedy === 'partial_refund' ? c.s.partial_percent : null,
    currency: c.order?.currency ?? c.policy.currency,
    item: itemName(c.order, c.lang),
    hours: doneAtOnce(c, remedy) ? 0 : c.policy.promise_hours[remedy],
    payer: c.s.shipping_payer,
    missing: c.s.problem === 'missing',
  };
}
