import type { ReplyOption } from '../core/messages.ts';
import type { Analysis, Intent, Problem, Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import { evaluatePolicy, excludedCategory, type PolicyVerdict } from '../policy/evaluate.ts';
import { type HandoffReason, type Policy, PolicySchema } from '../policy/schema.ts';
import { promiseDone } from './follow-up.ts';
import { en } from './replies/en.ts';
import type {
  AngerLevel,
  Lang,
  PolicyFacts,
  PolicyTopic,
  ProblemChoice,
  RemedyFacts,
  ReplyBook,
} from './replies/types.ts';
import { zh } from './replies/zh.ts';
import { type CaseState, freshState, type Pending, readState, type StateOption } from './state.ts';
import { handoffSummary } from './summary.ts';
import {
  compensationMultiplier,
  hasHan,
  isBareQuestion,
  itemName,
  matchOption,
  namedRemedy,
  replyLanguage,
  satisfactionScore,
  saysNoPhoto,
  saysWrongOrder,
} from './text.ts';
import type { DecideInput, Decision, HandoffRequest, Priority, PromiseDraft, RemedyAction } from './types.ts';

/** The reply books, by language. */
export const BOOKS: Record<Lang, ReplyBook> = { zh, en };

const PROBLEM_OF_INTENT: Partial<Record<Intent, Problem>> = {
  health_safety: 'health',
  damaged_item: 'damaged',
  wrong_item: 'wrong_item',
  missing_item: 'missing',
  quality_issue: 'quality',
  delivery_problem: 'delivery',
};
const WANTS_OF_INTENT: Partial<Record<Intent, Remedy>> = {
  refund_request: 'refund_only',
  return_request: 'return_refund',
  exchange_request: 'exchange',
  cancel_order: 'cancel_order',
};
/** Intents that open or carry an after-sales case. */
const CASE_INTENTS: readonly Intent[] = [
  'damaged_item',
  'wrong_item',
  'missing_item',
  'quality_issue',
  'delivery_problem',
  'refund_request',
  'return_request',
  'exchange_request',
  'cancel_order',
  'complaint',
];
/** Intents that say no more than the slots they carry ("好，退货吧" as affirm with wants return_refund). */
const WISH_CARRIERS: readonly Intent[] = ['affirm', 'deny', 'provide_info'];
const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };
const PROBLEM_CHOICES: ProblemChoice[] = [
  'damaged',
  'wrong_item',
  'missing',
  'quality',
  'ordered_wrong',
  'changed_mind',
];

interface Ctx {
  input: DecideInput;
  a: Analysis;
  policy: Policy;
  now: Date;
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

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** One of several phrasings, chosen from the turn: varied, but the same input always gives the same reply. */
function pick(c: Ctx, list: string[], salt: string): string {
  if (list.length === 0) return '';
  return list[hash(`${c.s.case_no}:${c.s.turn}:${salt}`) % list.length]!;
}

function say(c: Ctx, ...sentences: (string | null | undefined)[]): void {
  if (c.paragraphs.length === 0) c.paragraphs.push([]);
  const current = c.paragraphs[c.paragraphs.length - 1]!;
  for (const s of sentences) if (s) current.push(s);
}

/** Says an explanation once per case: the buyer heard the rule, repeating it sounds like a wall. */
function explain(c: Ctx, key: string, sentence: string | null): void {
  if (!sentence || c.s.explained.includes(key)) return;
  c.s.explained.push(key);
  say(c, sentence);
}

function paragraph(c: Ctx): void {
  c.paragraphs.push([]);
}

function ask(c: Ctx, pending: Pending | null, question: string, options: StateOption[] = []): void {
  say(c, question);
  c.s.pending = pending;
  c.s.options = options;
  c.options = options;
  c.s.last_question = question;
}

function angerLevel(c: Ctx): AngerLevel {
  if (c.a.anger >= c.policy.escalation.anger_threshold) return 2;
  if (c.a.anger >= 0.35) return 1;
  return 0;
}

function facts(c: Ctx, verdict: PolicyVerdict | null): PolicyFacts {
  const excluded = c.order ? excludedCategory(c.policy, c.order, c.s.condition) : null;
  return {
    no_reason_days: c.policy.return_window.no_reason_days,
    resaleable: c.policy.return_window.resaleable[c.lang],
    excluded: c.policy.excluded_categories.map((e) => e.label[c.lang]),
    category: excluded ? excluded.label[c.lang] : null,
    refund_hours: c.policy.promise_hours.refund_only,
    days_since_delivery: verdict?.days_since_delivery ?? null,
    payer: verdict?.shipping_payer ?? c.s.shipping_payer,
  };
}

function remedyFacts(c: Ctx, remedy: Remedy): RemedyFacts {
  return {
    remedy,
    amount: c.s.amounts[remedy] ?? 0,
    percent: remedy === 'partial_refund' ? c.s.partial_percent : null,
    currency: c.order?.currency ?? c.policy.currency,
    item: itemName(c.order, c.lang),
    hours: c.policy.promise_hours[remedy],
    payer: c.s.shipping_payer,
    missing: c.s.problem === 'missing',
  };
}

/** Forgets the offer in progress (the order or the problem changed), keeping what the buyer told. */
function resetOffer(s: CaseState): void {
  s.pending = null;
  s.options = [];
  s.allowed_remedies = [];
  s.amounts = {};
  s.partial_percent = null;
  s.policy_rule = null;
  s.shipping_payer = null;
  s.asked_to_wait = false;
  delete s.chosen;
}

/** Reopens a settled case for what this message brings up (the new case starts from this message). */
function reopenKeeping(c: Ctx): void {
  reopen(c);
  const { a } = c;
  const problem = a.slots.problem ?? PROBLEM_OF_INTENT[a.intent];
  if (problem) c.s.problem = problem;
  const wants = a.slots.wants ?? WANTS_OF_INTENT[a.intent];
  if (wants) c.s.wants = wants;
  if (a.slots.condition) c.s.condition = a.slots.condition;
  if (c.input.message.attachments.some((x) => x.kind === 'photo')) c.s.photo = true;
}

function reopen(c: Ctx): void {
  const old = c.s;
  const keep: Partial<CaseState> = {
    turn: old.turn,
    case_no: old.case_no + 1,
    anger: old.anger,
    promises: old.promises,
  };
  if (old.order_id !== undefined) keep.order_id = old.order_id;
  c.s = freshState(c.lang, keep);
  c.events.push({ type: 'case_outcome', data: { outcome: 'reopened', case_no: c.s.case_no } });
}

// ---------------------------------------------------------------------------------------------------
// Escalation

function priorityOf(c: Ctx, reasons: HandoffReason[], needsApproval: boolean): Priority {
  let best: Priority = 'normal';
  for (const r of reasons) {
    const p = c.policy.escalation.priorities[r];
    if (PRIORITY_RANK[p] > PRIORITY_RANK[best]) best = p;
  }
  // A supervisor has to approve: never leave that at the bottom of the queue.
  if (needsApproval && best === 'normal') best = 'high';
  return best;
}

function handOver(
  c: Ctx,
  reasons: HandoffReason[],
  rule: string | null,
  extra: { needsApproval?: boolean; demanded?: number | null } = {},
): void {
  const s = c.s;
  const needsApproval = extra.needsApproval === true;
  const priority = priorityOf(c, reasons, needsApproval);
  const main = reasons[0]!;
  if (
    main !== 'human_requested' &&
    main !== 'not_understood' &&
    main !== 'health_safety' &&
    !s.acknowledged &&
    (s.problem || c.a.anger >= 0.35)
  ) {
    say(
      c,
      pick(
        c,
        c.b.ack(
          s.problem === 'health' ? null : (s.problem ?? null),
          itemName(c.order, c.lang),
          angerLevel(c),
        ),
        'ack',
      ),
    );
    s.acknowledged = true;
  }
  say(c, pick(c, c.b.handoff(main), 'handoff'));
  if (reasons.includes('health_safety')) say(c, c.b.healthAdvice);
  const summary = handoffSummary(s, c.order, reasons, c.lang, { demanded: extra.demanded ?? null, rule });
  c.handoff = { reasons, priority, summary, ...(needsApproval ? { needs_approval: true } : {}) };
  s.step = 'handoff';
  s.pending = null;
  s.options = [];
  s.handoff = { reasons, priority };
  s.policy_rule = rule ?? s.policy_rule;
  c.rule = rule ?? `escalation.${main}`;
}

/** Anger at or above the threshold for the last N turns. */
function angerSustained(c: Ctx): boolean {
  const n = c.policy.escalation.anger_sustained_turns;
  const last = c.s.anger.slice(-n);
  return last.length >= n && last.every((a) => a >= c.policy.escalation.anger_threshold);
}

/** Anger rising turn after turn, by a clear margin, up to a level worth a person's attention. */
function angerRising(c: Ctx): boolean {
  const e = c.policy.escalation;
  const last = c.s.anger.slice(-e.anger_rising_turns);
  if (last.length < e.anger_rising_turns) return false;
  for (let i = 1; i < last.length; i++) if (last[i]! <= last[i - 1]!) return false;
  return (
    last[last.length - 1]! - last[0]! >= e.anger_rising_delta && last[last.length - 1]! >= e.anger_rising_min
  );
}

/** The triggers that hand over at once, whatever the dialogue was doing. True when it handed over. */
function escalate(c: Ctx): boolean {
  const { a } = c;
  const reasons: HandoffReason[] = [];
  if (
    a.intent === 'health_safety' ||
    a.slots.problem === 'health' ||
    a.escalation_reasons.includes('health_safety')
  ) {
    reasons.push('health_safety');
  }
  if (a.threats.length > 0) reasons.push('threat');
  if (a.intent === 'human_agent' || a.escalation_reasons.includes('human_requested'))
    reasons.push('human_requested');
  if (angerSustained(c)) reasons.push('anger_sustained');
  else if (angerRising(c)) reasons.push('anger_rising');
  if (reasons.length === 0) return false;
  if (reasons.includes('health_safety')) c.s.problem = 'health';
  handOver(c, reasons, null);
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Listening: what the buyer told, and what is still missing

function absorb(c: Ctx): { newProblem: boolean } {
  const { a, s } = c;
  let newProblem = false;
  let problem = a.slots.problem ?? PROBLEM_OF_INTENT[a.intent];
  // "钱还没到" is about a refund in progress, not a lost parcel.
  if (a.intent === 'case_status' && problem === 'delivery') problem = undefined;
  if (problem && problem !== s.problem) {
    if (s.problem && (s.pending === 'choose' || s.pending === 'confirm' || s.step === 'offer')) resetOffer(s);
    if (s.problem) s.acknowledged = false;
    s.problem = problem;
    newProblem = true;
  }
  const wants = a.slots.wants ?? WANTS_OF_INTENT[a.intent];
  // An answer to the bot's question ("吊牌都在") is not a new wish unless it clearly says one.
  const answering =
    s.pending === 'condition' || s.pending === 'photo' || s.pending === 'order' || s.pending === 'problem';
  const clearWish = WANTS_OF_INTENT[a.intent] !== undefined && a.confidence >= 0.6;
  // "退款怎么还没到" names a refund but asks where it is: a status question, not a new wish.
  if (wants && a.intent !== 'case_status' && (!answering || clearWish)) s.wants = wants;
  if (a.slots.condition) s.condition = a.slots.condition;
  const quantity = a.entities.find((e) => e.type === 'quantity');
  if (quantity && (s.problem === 'missing' || problem === 'missing')) {
    const n = Number.parseInt(quantity.value, 10);
    if (Number.isFinite(n) && n > 0 && n < 1000) s.missing_quantity = n;
  }
  return { newProblem };
}

function acknowledge(c: Ctx, responsibility: 'shop' | 'buyer' | null): void {
  const s = c.s;
  if (s.acknowledged) return;
  const level = angerLevel(c);
  // Nothing went wrong and nobody is upset (a refund before shipping): no sympathy needed, just help.
  if (!s.problem && level === 0) return;
  // "还没发货" on an order that has not shipped is the state of things, not a grievance to console.
  const notShipped = c.order?.state === 'paid' || c.order?.state === 'unpaid';
  if (s.problem === 'delivery' && notShipped && s.wants && level < 2) return;
  say(c, pick(c, c.b.ack(s.problem ?? null, itemName(c.order, c.lang), level), 'ack'));
  const resp = responsibility ?? (s.problem ? c.policy.responsibility[s.problem] : null);
  say(c, pick(c, c.b.apology(resp, level), 'apology'));
  s.acknowledged = true;
  c.acknowledgedNow = true;
}

function orderOptions(c: Ctx, exclude?: string): StateOption[] {
  return c.recent
    .filter((o) => o.id !== exclude)
    .slice(0, 5)
    .map((o) => ({
      label: c.b.orderOption(o.id, itemName(o, c.lang), c.b.money(o.amount, o.currency)),
      value: o.id,
      key: `order:${o.id}`,
    }));
}

function askOrder(c: Ctx, exclude?: string): void {
  if (c.notFound) say(c, pick(c, c.b.orderNotFound(c.notFound), 'not_found'));
  const options = orderOptions(c, exclude);
  if (options.length > 0) ask(c, 'order', pick(c, c.b.askOrderPick, 'ask_order'), options);
  else ask(c, 'order', pick(c, c.b.askOrderNumber, 'ask_order'));
}

function askProblem(c: Ctx): void {
  const options = PROBLEM_CHOICES.map((p, i) => ({
    label: c.b.problemOption[p],
    value: String(i + 1),
    key: `problem:${p}`,
  }));
  ask(c, 'problem', pick(c, c.b.askProblem(itemName(c.order, c.lang)), 'ask_problem'), options);
}

// ---------------------------------------------------------------------------------------------------
// Offering, confirming, settling

function offer(c: Ctx, verdict: PolicyVerdict, prefix?: string): void {
  const s = c.s;
  const allowed = verdict.remedies;
  s.amounts = verdict.amounts;
  s.partial_percent = verdict.partial_percent;
  s.shipping_payer = verdict.shipping_payer;
  s.policy_rule = verdict.rule;
  c.rule = verdict.rule;
  if (allowed.length === 0) {
    say(c, prefix);
    explain(c, verdict.rule, c.b.rule(verdict.rule, facts(c, verdict)));
    say(c, pick(c, c.b.noRemedy, 'no_remedy'));
    s.allowed_remedies = [];
    s.pending = null;
    s.options = [];
    s.step = 'listen';
    return;
  }
  const fresh = allowed.filter((r) => !s.refused.includes(r));
  const list = fresh.length > 0 ? fresh : allowed;
  s.allowed_remedies = list;
  say(c, prefix);
  if (!prefix) {
    const ruleSentence = c.b.rule(verdict.rule, facts(c, verdict));
    explain(c, verdict.rule, ruleSentence);
    // The rule sentence already says why, except for refund-only, which needs its own reason.
    if (verdict.wants_refused && s.wants && (s.wants === 'refund_only' || !ruleSentence)) {
      explain(c, `wants:${s.wants}`, c.b.wantsRefused(s.wants, verdict.responsibility === 'shop'));
    }
  }
  // Not shipped: refund at once, the first allowed (the buyer's wish when allowed) is the remedy.
  const single =
    list.length === 1 ||
    verdict.rule === 'not_shipped.refund_at_once' ||
    (s.wants !== undefined && list[0] === s.wants);
  c.offered = single ? [list[0]!] : list;
  c.events.push({
    type: 'remedy_offered',
    data: { remedies: c.offered, policy_rule: verdict.rule, allowed_remedies: list },
  });
  if (single) {
    summarize(c, list[0]!);
    return;
  }
  paragraph(c);
  say(c, pick(c, c.b.offerIntro, 'offer'));
  for (const [i, r] of list.entries()) {
    paragraph(c);
    say(c, `${i + 1}. ${c.b.remedyLabel(remedyFacts(c, r))}`);
  }
  paragraph(c);
  const options = list.map((r, i) => ({
    label: c.b.remedyLabel(remedyFacts(c, r)),
    value: String(i + 1),
    key: `remedy:${r}`,
  }));
  ask(c, 'choose', c.b.chooseHint(list.length), options);
  // Asked again ("?", "在吗"), the whole list is the question, not only the hint.
  s.last_question = [
    pick(c, c.b.offerIntro, 'offer'),
    ...list.map((r, i) => `${i + 1}. ${c.b.remedyLabel(remedyFacts(c, r))}`),
    c.b.chooseHint(list.length),
  ].join('\n');
  s.step = 'offer';
}

function summarize(c: Ctx, remedy: Remedy): void {
  const s = c.s;
  s.chosen = remedy;
  paragraph(c);
  say(c, c.b.summary(remedyFacts(c, remedy)));
  const options = [
    { label: c.b.confirmOption.yes, value: c.b.confirmOption.yes, key: 'yes' },
    { label: c.b.confirmOption.no, value: c.b.confirmOption.no, key: 'no' },
  ];
  ask(c, 'confirm', pick(c, c.b.confirmAsk, 'confirm'), options);
  s.step = 'confirm';
}

function settle(c: Ctx): void {
  const s = c.s;
  const remedy = s.chosen;
  if (!remedy) return;
  const f = remedyFacts(c, remedy);
  const text = c.b.promise(f);
  const due = new Date(c.now.getTime() + f.hours * 3_600_000).toISOString();
  const orderId = s.order_id;
  const id = `pr-${orderId ?? 'none'}-${s.case_no}-${s.turn}-${remedy}`;
  c.rule = s.policy_rule;
  c.events.push({
    type: 'case_outcome',
    data: {
      outcome: 'settled',
      remedy,
      order_id: orderId ?? null,
      amount: f.amount,
      currency: f.currency,
      shipping_payer: s.shipping_payer,
      policy_rule: s.policy_rule,
      by: 'bot',
    },
  });
  const promise: PromiseDraft = {
    id,
    kind: remedy,
    text,
    due_at: due,
    remedy,
    ...(orderId ? { order_id: orderId } : {}),
  };
  c.promises.push(promise);
  c.events.push({
    type: 'promise_made',
    data: { id, kind: remedy, text, due_at: due, remedy, order_id: orderId ?? null },
  });
  if (orderId) c.actions.push({ type: 'apply_remedy', order_id: orderId, remedy, amount: f.amount });
  s.promises = [
    ...s.promises,
    { id, kind: remedy, text, due_at: due, remedy, ...(orderId ? { order_id: orderId } : {}) },
  ];
  s.outcome = { remedy, order_id: orderId ?? null, at: c.now.toISOString(), by: 'bot' };
  say(c, pick(c, c.b.settled(text), 'settled'));
  s.pending = null;
  s.options = [];
  s.last_question = null;
  s.step = 'follow_up';
}

function refuse(c: Ctx, remedies: Remedy[], explanation: string | null): void {
  const s = c.s;
  s.refusals += 1;
  for (const r of remedies) if (!s.refused.includes(r)) s.refused.push(r);
  c.events.push({
    type: 'remedy_refused',
    data: { remedies, policy_rule: s.policy_rule, refusals: s.refusals },
  });
  if (s.refusals >= c.policy.escalation.refusals) {
    handOver(c, ['remedies_refused'], s.policy_rule);
    return;
  }
  delete s.chosen;
  say(c, explanation);
  const verdict = evaluate(c);
  const remaining = verdict.remedies.filter((r) => !s.refused.includes(r));
  const prefix =
    remaining.length > 0 ? pick(c, c.b.refusedOthers, 'refused') : pick(c, c.b.refusedRetry, 'refused');
  offer(c, { ...verdict, remedies: remaining.length > 0 ? remaining : verdict.remedies }, prefix);
  // After "none of these", the same list again is a real choice: never collapse it to a confirmation.
}

function evaluate(c: Ctx): PolicyVerdict {
  const s = c.s;
  return evaluatePolicy(c.policy, {
    problem: s.problem,
    wants: s.wants,
    order: c.order,
    condition: s.condition,
    missing_quantity: s.missing_quantity,
    now: c.now,
  });
}

/** Moves a dispute forward: gather what is missing, acknowledge, apologize, offer. */
function advance(c: Ctx): void {
  const s = c.s;
  if (s.step === 'follow_up' || s.step === 'closed') s.step = 'listen';
  if (!c.order) {
    if (s.problem) acknowledge(c, null);
    askOrder(c);
    s.step = 'listen';
    return;
  }
  const dispute = (s.problem !== undefined && s.problem !== 'delivery') || s.wants !== undefined;
  if (dispute && c.order.amount >= c.policy.escalation.high_value_amount) {
    handOver(c, ['high_value_order'], 'escalation.high_value_order');
    return;
  }
  const verdict = evaluate(c);
  c.rule = verdict.rule;
  s.policy_rule = verdict.rule;
  if (verdict.missing === 'problem') {
    if (!s.problem && !s.wants && c.order.state !== 'delivered') {
      say(c, c.b.orderState(c.order.state, c.order.tracking_status?.[c.lang] ?? null));
    }
    askProblem(c);
    s.step = 'listen';
    return;
  }
  if (verdict.rule === 'order.closed') {
    say(c, pick(c, c.b.orderClosed(c.order.state === 'cancelled' ? 'cancelled' : 'refunded'), 'closed'));
    s.pending = null;
    s.options = [];
    s.step = 'closed';
    return;
  }
  acknowledge(c, verdict.responsibility);
  if (verdict.evidence_needed === 'photo' && !s.photo) {
    ask(c, 'photo', pick(c, c.b.askPhoto(s.problem ?? 'damaged', itemName(c.order, c.lang)), 'photo'));
    s.step = 'listen';
    return;
  }
  if (verdict.missing === 'condition') {
    if (s.wants === 'refund_only') explain(c, 'wants:refund_only', c.b.wantsRefused('refund_only', false));
    const options = [
      {
        label: c.b.conditionOption.resaleable,
        value: c.b.conditionOption.resaleable,
        key: 'condition:resaleable',
      },
      { label: c.b.conditionOption.used, value: c.b.conditionOption.used, key: 'condition:used' },
    ];
    const question = c.b.askCondition(itemName(c.order, c.lang), c.policy.return_window.resaleable[c.lang]);
    ask(c, 'condition', pick(c, question, 'condition'), options);
    s.step = 'listen';
    return;
  }
  if (verdict.needs_human) {
    explain(c, verdict.rule, c.b.rule(verdict.rule, facts(c, verdict)));
    const beyond = verdict.rule === 'authority.exceeded';
    const amount = c.order.amount;
    handOver(c, [beyond ? 'compensation_beyond_authority' : 'outside_policy'], verdict.rule, {
      needsApproval: beyond && amount > c.policy.authority.agent_limit,
    });
    return;
  }
  const tracking = c.order.tracking_status?.[c.lang] ?? null;
  switch (verdict.rule) {
    case 'not_shipped.urge_shipping': {
      const hours = c.policy.promise_hours.ship;
      say(c, pick(c, c.b.urgeShipping(hours), 'urge'));
      promiseOnly(
        c,
        'ship',
        c.lang === 'zh' ? `订单将在${hours}小时内发货` : `your order will ship within ${hours} hours`,
        hours,
      );
      return;
    }
    case 'in_transit.tracking':
      say(c, pick(c, c.b.tracking(tracking), 'tracking'));
      s.pending = null;
      s.options = [];
      s.step = 'listen';
      return;
    case 'in_transit.wait_or_intercept':
      if (!s.asked_to_wait && s.wants !== 'intercept') {
        s.asked_to_wait = true;
        s.policy_rule = verdict.rule;
        s.amounts = verdict.amounts;
        s.allowed_remedies = verdict.remedies;
        c.offered = verdict.remedies;
        c.events.push({
          type: 'remedy_offered',
          data: { remedies: verdict.remedies, policy_rule: verdict.rule, allowed_remedies: verdict.remedies },
        });
        const options = [
          { label: c.b.waitOption.wait, value: '1', key: 'wait' },
          { label: c.b.waitOption.intercept, value: '2', key: 'remedy:intercept' },
        ];
        ask(c, 'wait_or_intercept', pick(c, c.b.waitOrIntercept(tracking), 'wait'), options);
        s.step = 'offer';
        return;
      }
      break;
    default:
      break;
  }
  offer(c, verdict);
}

/** A promise that is not a remedy (the warehouse ships within N hours). */
function promiseOnly(c: Ctx, kind: string, text: string, hours: number): void {
  const s = c.s;
  const due = new Date(c.now.getTime() + hours * 3_600_000).toISOString();
  const id = `pr-${s.order_id ?? 'none'}-${s.case_no}-${s.turn}-${kind}`;
  const orderId = s.order_id;
  c.promises.push({ id, kind, text, due_at: due, ...(orderId ? { order_id: orderId } : {}) });
  c.events.push({ type: 'promise_made', data: { id, kind, text, due_at: due, order_id: orderId ?? null } });
  s.promises = [...s.promises, { id, kind, text, due_at: due, ...(orderId ? { order_id: orderId } : {}) }];
  s.pending = null;
  s.options = [];
  s.step = 'follow_up';
}

// ---------------------------------------------------------------------------------------------------
// Answers that are not disputes: status, policy, compensation, small talk

function status(c: Ctx): void {
  const s = c.s;
  c.rule = 'case.status';
  const mine = s.promises.filter((p) => !c.order || !p.order_id || p.order_id === c.order.id);
  const latest = mine[mine.length - 1];
  if (latest) {
    const due = c.b.due(new Date(latest.due_at), c.policy.timezone);
    const order = c.order && c.order.id === latest.order_id ? c.order : null;
    if (promiseDone({ kind: latest.kind, remedy: latest.remedy ?? null }, order, null)) {
      say(c, pick(c, c.b.statusDone(latest.text), 'status'));
    } else if (c.now.getTime() > Date.parse(latest.due_at)) {
      say(c, pick(c, c.b.statusOverdue(latest.text, due), 'status'));
    } else {
      say(c, pick(c, c.b.statusOpen(latest.text, due), 'status'));
    }
    return;
  }
  if (!c.order) {
    askOrder(c);
    return;
  }
  if (c.order.state === 'refunded' || c.order.state === 'cancelled') {
    say(c, pick(c, c.b.orderClosed(c.order.state), 'status'));
    return;
  }
  say(c, c.b.orderState(c.order.state, c.order.tracking_status?.[c.lang] ?? null));
  say(c, pick(c, c.b.statusNone, 'status'));
}

function policyTopic(text: string): PolicyTopic {
  if (/运费|邮费|快递费|谁出|谁付|shipping|postage|who pays/i.test(text)) return 'shipping';
  if (
    /(退款|钱).*(多久|几天|多长时间|什么时候|到账)|refund.*(how long|take|when)|how long.*refund/i.test(text)
  ) {
    return 'refund_time';
  }
  if (
    /哪些.*(不|能)|不支持|不能退|不可以退|家具|定制|生鲜|化妆品|虚拟|exclud|can'?t be returned|cannot be returned|which (items|products)|furniture|custom/i.test(
      text,
    )
  ) {
    return 'excluded';
  }
  if (
    /几天|多久|多长时间|期限|七天|7天|无理由|how long|how many days|window|\bdays\b|period|deadline/i.test(
      text,
    )
  ) {
    return 'window';
  }
  if (/怎么|如何|流程|步骤|how (do|can) i|how to|process|apply/i.test(text)) return 'how_to';
  return 'general';
}

function looksLikePolicyQuestion(text: string): boolean {
  const asks = /[?？]|吗|呢|怎么|如何|多久|几天|谁|\b(who|what|how|when|can|do|does|is)\b/i.test(text);
  return asks && policyTopic(text) !== 'general';
}

function answerPolicy(c: Ctx): void {
  const topic = policyTopic(c.text);
  c.rule = `policy.${topic}`;
  say(c, c.b.policy(topic, facts(c, null)));
  if (c.s.pending && c.s.last_question) say(c, c.s.last_question);
  else say(c, pick(c, c.b.anythingElse, 'else'));
}

function compensation(c: Ctx): void {
  const s = c.s;
  const amountEntity = c.a.entities.find((e) => e.type === 'amount');
  const multiplier = compensationMultiplier(c.text);
  let demanded: number | null = null;
  if (amountEntity && Number.isFinite(Number(amountEntity.value))) demanded = Number(amountEntity.value);
  else if (multiplier && c.order) demanded = multiplier * c.order.amount;
  const authority = c.policy.authority;
  if (demanded !== null && demanded > 0 && demanded <= authority.max_coupon && c.order) {
    // Small enough for the bot: a coupon of that value, confirmed like any remedy.
    acknowledge(c, 'shop');
    s.amounts = { ...s.amounts, coupon: demanded };
    s.policy_rule = 'authority.within_limit';
    s.allowed_remedies = ['coupon'];
    c.rule = 'authority.within_limit';
    c.offered = ['coupon'];
    c.events.push({
      type: 'remedy_offered',
      data: { remedies: ['coupon'], policy_rule: 'authority.within_limit', allowed_remedies: ['coupon'] },
    });
    summarize(c, 'coupon');
    return;
  }
  const reasons: HandoffReason[] = ['compensation_beyond_authority'];
  if (c.order && c.order.amount >= c.policy.escalation.high_value_amount) reasons.push('high_value_order');
  handOver(c, reasons, 'authority.exceeded', {
    needsApproval: demanded !== null && demanded > authority.agent_limit,
    demanded,
  });
}

function notUnderstood(c: Ctx): void {
  const s = c.s;
  s.not_understood += 1;
  if (s.not_understood >= c.policy.escalation.not_understood_turns) {
    handOver(c, ['not_understood'], null);
    return;
  }
  if (otherScript(c.text)) {
    say(c, c.b.otherLanguage);
    return;
  }
  if (s.pending === 'photo') {
    // Most often a buyer balking at the photo request: say why it helps, then ask again.
    say(c, pick(c, c.b.photoWhy, 'photo_why'), s.last_question);
    return;
  }
  const inCase = s.pending !== null || s.problem !== undefined || s.wants !== undefined;
  const offTopic = c.a.intent === 'out_of_scope' && c.a.confidence >= 0.6 && !inCase;
  say(c, pick(c, offTopic ? c.b.outOfScope : c.b.notUnderstood, 'nu'));
  if (s.pending && s.last_question) say(c, s.last_question);
}

/** Letters of a language the bot does not speak: accented Latin, Cyrillic, kana, Hangul, Arabic, Thai. */
function otherScript(text: string): boolean {
  if (hasHan(text) && !/[\u3040-\u30ff]/.test(text)) return false;
  return /[À-ÖØ-öø-ɏ\u0400-\u04ff\u3040-\u30ff\uac00-\ud7af\u0600-\u06ff\u0e00-\u0e7f]/.test(text);
}

function repeatQuestion(c: Ctx): void {
  const s = c.s;
  if (s.pending && s.last_question) {
    say(c, pick(c, c.b.repeatPrefix, 'repeat'), s.last_question);
    c.options = s.options;
  } else {
    say(c, pick(c, c.b.question, 'question'));
  }
}

function askSatisfaction(c: Ctx): void {
  const options = [1, 2, 3, 4, 5].map((n) => ({
    label: c.b.satisfactionOption(n),
    value: String(n),
    key: `score:${n}`,
  }));
  ask(c, 'satisfaction', pick(c, c.b.askSatisfaction, 'sat'), options);
}

// ---------------------------------------------------------------------------------------------------
// The pending question's answer

/** Handles an answer to the question the bot asked last. True when the message was that answer. */
function answerPending(c: Ctx, choice: StateOption | null): boolean {
  const { s, a } = c;
  switch (s.pending) {
    case 'order': {
      if (choice?.key.startsWith('order:')) {
        const id = choice.key.slice('order:'.length);
        const picked = c.recent.find((o) => o.id === id);
        if (picked) {
          if (s.order_id && s.order_id !== picked.id) resetOffer(s);
          c.order = picked;
          s.order_id = picked.id;
          c.notFound = null;
        }
      }
      if (!c.order) return false;
      s.pending = null;
      s.options = [];
      route(c);
      return true;
    }
    case 'problem': {
      if (choice?.key.startsWith('problem:')) {
        s.problem = choice.key.slice('problem:'.length) as Problem;
        s.acknowledged = false;
      }
      if (!s.problem) return false;
      s.pending = null;
      advance(c);
      return true;
    }
    case 'condition': {
      if (choice?.key.startsWith('condition:'))
        s.condition = choice.key.slice('condition:'.length) as 'resaleable' | 'used';
      else if (!s.condition && a.intent === 'affirm') s.condition = 'resaleable';
      else if (!s.condition && a.intent === 'deny') s.condition = 'used';
      if (!s.condition) return false;
      s.pending = null;
      advance(c);
      return true;
    }
    case 'photo': {
      if (s.photo) {
        say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
        s.pending = null;
        advance(c);
        return true;
      }
      if (saysNoPhoto(c.text)) {
        say(c, pick(c, c.b.noPhoto, 'no_photo'));
        handOver(c, ['outside_policy'], 'evidence.missing_photo');
        return true;
      }
      return false;
    }
    case 'wait_or_intercept': {
      const insists =
        choice?.key === 'remedy:intercept' ||
        a.intent === 'deny' ||
        a.intent === 'refund_request' ||
        a.intent === 'cancel_order' ||
        a.slots.wants === 'intercept' ||
        a.slots.wants === 'refund_only';
      if (choice?.key === 'wait' || (!insists && (a.intent === 'affirm' || a.intent === 'thanks'))) {
        say(c, pick(c, c.b.waitOk, 'wait_ok'));
        c.events.push({
          type: 'case_outcome',
          data: { outcome: 'buyer_waits', order_id: s.order_id ?? null, by: 'bot' },
        });
        c.rule = s.policy_rule;
        s.pending = null;
        s.options = [];
        s.step = 'closed';
        return true;
      }
      if (insists) {
        s.wants = 'intercept';
        s.pending = null;
        advance(c);
        return true;
      }
      return false;
    }
    case 'choose': {
      const offered = s.allowed_remedies;
      let remedy: Remedy | null = choice?.key.startsWith('remedy:') ? (choice.key.slice(7) as Remedy) : null;
      if (!remedy && a.slots.wants && offered.includes(a.slots.wants)) remedy = a.slots.wants;
      if (!remedy) remedy = namedRemedy(c.text, offered);
      if (remedy && offered.includes(remedy)) {
        c.rule = s.policy_rule;
        summarize(c, remedy);
        return true;
      }
      if (a.intent === 'deny') {
        refuse(c, offered, null);
        return true;
      }
      const wants = a.slots.wants ?? WANTS_OF_INTENT[a.intent];
      if (wants && !offered.includes(wants)) {
        s.wants = wants;
        const shopFault = s.shipping_payer === 'shop';
        refuse(c, [], c.b.wantsRefused(wants, shopFault));
        return true;
      }
      return false;
    }
    case 'confirm': {
      if (choice?.key === 'yes') {
        settle(c);
        return true;
      }
      // "好，那换货吧" agrees to something else than the summary: the named remedy wins over the "好".
      const other =
        (a.slots.wants && s.allowed_remedies.includes(a.slots.wants) ? a.slots.wants : null) ??
        namedRemedy(
          c.text,
          s.allowed_remedies.filter((r) => r !== s.chosen),
        );
      if (other && other !== s.chosen && choice?.key !== 'no') {
        c.rule = s.policy_rule;
        summarize(c, other);
        return true;
      }
      if (!choice && a.intent === 'affirm') {
        settle(c);
        return true;
      }
      if (choice?.key === 'no' || a.intent === 'deny') {
        refuse(c, s.chosen ? [s.chosen] : [], null);
        return true;
      }
      return false;
    }
    case 'satisfaction': {
      const score =
        satisfactionScore(c.text) ?? (choice?.key.startsWith('score:') ? Number(choice.key.slice(6)) : null);
      if (score === null) return false;
      c.events.push({ type: 'satisfaction_rated', data: { score } });
      say(c, pick(c, c.b.satisfactionThanks(score), 'sat_thanks'));
      s.rated = true;
      s.pending = null;
      s.options = [];
      s.last_question = null;
      s.step = 'closed';
      return true;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Routing by intent

/**
 * After the order became known: continue whatever the buyer came for. The bot asks for an order only
 * for a dispute (problem or wish known, or a photo sent) or a status question.
 */
function route(c: Ctx): void {
  const s = c.s;
  if (s.problem || s.wants || s.photo) advance(c);
  else status(c);
}

function understood(c: Ctx): boolean {
  const { a } = c;
  if (a.intent === 'out_of_scope') return false;
  if (a.confidence >= c.policy.escalation.min_confidence) return true;
  return a.entities.length > 0 || a.slots.problem !== undefined || a.slots.wants !== undefined;
}

function byIntent(c: Ctx, newProblem: boolean): void {
  const { a, s } = c;
  const settled = s.step === 'follow_up' || s.step === 'closed';
  if (a.intent === 'compensation_demand') {
    if (settled) reopenKeeping(c);
    compensation(c);
    return;
  }
  const carriesWish = a.slots.wants !== undefined && WISH_CARRIERS.includes(a.intent);
  // "能退吗" about one named order is a case, answered by that order's rule; in general, a policy answer.
  const aboutOrder =
    a.intent === 'policy_question' && c.order !== null && (s.problem !== undefined || s.wants !== undefined);
  const opensCase =
    a.intent === 'policy_question'
      ? aboutOrder
      : CASE_INTENTS.includes(a.intent) || newProblem || carriesWish;
  if (opensCase) {
    if (settled && !newProblem && a.intent === 'complaint') {
      // Upset about a settled case: hear it, then say where it stands.
      say(c, pick(c, c.b.ack(null, '', Math.max(1, angerLevel(c)) as AngerLevel), 'ack'));
      status(c);
      return;
    }
    if (settled) reopenKeeping(c);
    advance(c);
    return;
  }
  switch (a.intent) {
    case 'case_status':
      status(c);
      return;
    case 'policy_question':
      answerPolicy(c);
      return;
    case 'change_order':
      say(c, pick(c, c.b.changeOrder, 'change'));
      handOver(c, ['outside_policy'], 'change_order.agent');
      // The request itself is no reason to apologize: keep the handoff reply short.
      return;
    case 'greeting':
      if (s.pending && s.last_question) {
        say(c, pick(c, c.b.here, 'here'), s.last_question);
        c.options = s.options;
      } else say(c, pick(c, c.b.greet, 'greet'));
      return;
    case 'thanks':
      if (s.pending && s.last_question) {
        say(c, pick(c, c.b.thanksPending, 'thanks'), s.last_question);
        c.options = s.options;
      } else if (s.outcome && !s.rated) {
        say(c, pick(c, c.b.thanks, 'thanks'));
        askSatisfaction(c);
      } else {
        say(c, pick(c, c.b.thanks, 'thanks'));
        if (s.step === 'listen' && !s.problem && !s.wants) s.step = 'closed';
      }
      return;
    case 'affirm':
    case 'deny':
    case 'provide_info': {
      const photo = c.input.message.attachments.some((x) => x.kind === 'photo');
      if (settled) {
        if (s.outcome && !s.rated && a.intent === 'deny') {
          say(c, pick(c, c.b.thanks, 'thanks'));
          askSatisfaction(c);
        } else say(c, pick(c, c.b.anythingElse, 'else'));
        return;
      }
      if (s.problem || s.wants) {
        if (photo) say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
        advance(c);
        return;
      }
      if (photo) {
        say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
        if (c.order) askProblem(c);
        else askOrder(c);
        return;
      }
      if (c.order && a.intent === 'provide_info') {
        advance(c);
        return;
      }
      if (s.outcome && !s.rated && a.intent === 'deny') {
        say(c, pick(c, c.b.thanks, 'thanks'));
        askSatisfaction(c);
        return;
      }
      say(c, pick(c, c.b.anythingElse, 'else'));
      return;
    }
    default:
      notUnderstood(c);
  }
}

// ---------------------------------------------------------------------------------------------------

/**
 * Decides the bot's next move for one buyer message. Pure: no I/O, no clock, no randomness; the same
 * input always gives the same decision. Steps: listen → acknowledge → apologize → offer → confirm →
 * follow up, with a handoff to a person whenever the policy's escalation rules say so.
 */
export function decide(input: DecideInput): Decision {
  const policy = asPolicy(input.policy);
  const a = input.analysis;
  const text = input.message.text.trim();
  const stored = readState(input.state, a.language === 'en' ? 'en' : 'zh');
  const lang = replyLanguage(a.language, text, a.entities, stored?.language ?? null);
  const s = stored ?? freshState(lang);
  s.turn += 1;
  s.language = lang;
  s.nudged = false;

  const lookup = input.order.lookup;
  const found = lookup?.status === 'found' ? lookup.order : null;
  const c: Ctx = {
    input,
    a,
    policy,
    now: input.now,
    text,
    s,
    lang,
    b: BOOKS[lang],
    order: found,
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

  if (s.step === 'handoff') {
    whileHeld(c);
    return finish(c);
  }

  s.anger = [...s.anger, a.anger].slice(-10);
  if (
    input.message.attachments.some((x) => x.kind === 'photo') ||
    a.entities.some((e) => e.type === 'photo')
  ) {
    s.photo = true;
  }

  let orderChanged = false;
  if (found && found.id !== s.order_id) {
    if (s.order_id) resetOffer(c.s);
    s.order_id = found.id;
    orderChanged = true;
  }

  if (!orderChanged && s.order_id && saysWrongOrder(text)) {
    const previous = s.order_id;
    delete s.order_id;
    c.order = null;
    resetOffer(s);
    say(c, pick(c, c.b.wrongOrder, 'wrong_order'));
    c.paragraphs.push([]);
    const options = orderOptions(c, previous);
    if (options.length > 0) ask(c, 'order', pick(c, c.b.askOrderPick, 'ask_order'), options);
    else ask(c, 'order', pick(c, c.b.askOrderNumber, 'ask_order'));
    c.s.step = 'listen';
    return finish(c);
  }

  const { newProblem } = absorb(c);
  if (escalate(c)) return finish(c);

  if (isBareQuestion(text)) {
    repeatQuestion(c);
    return finish(c);
  }

  const choice = matchOption(text, s.options);
  const wasPending = s.pending;
  if (wasPending && answerPending(c, choice)) {
    c.s.not_understood = 0;
    return finish(c);
  }
  if (wasPending === 'satisfaction') {
    c.s.pending = null;
    c.s.options = [];
  }

  if (!understood(c) && !(orderChanged || input.message.attachments.length > 0)) {
    // The classifier missed, but the words name a rule of the policy: answer that rather than shrug.
    if (looksLikePolicyQuestion(text)) answerPolicy(c);
    else notUnderstood(c);
    return finish(c);
  }
  c.s.not_understood = 0;

  if (
    orderChanged &&
    !CASE_INTENTS.includes(a.intent) &&
    !newProblem &&
    a.intent !== 'case_status' &&
    a.intent !== 'compensation_demand'
  ) {
    route(c);
    return finish(c);
  }
  byIntent(c, newProblem);
  return finish(c);
}

/** A person holds (or will soon hold) the conversation: short holding replies; new danger raises the case. */
function whileHeld(c: Ctx): void {
  const { a, s } = c;
  const known = s.handoff?.reasons ?? [];
  const added: HandoffReason[] = [];
  if ((a.intent === 'health_safety' || a.slots.problem === 'health') && !known.includes('health_safety')) {
    added.push('health_safety');
  }
  if (a.threats.length > 0 && !known.includes('threat')) added.push('threat');
  if (added.length > 0) {
    const reasons = [...new Set([...added, ...(known as HandoffReason[])])];
    if (added.includes('health_safety')) s.problem = 'health';
    handOver(c, reasons, s.policy_rule);
    return;
  }
  say(c, pick(c, c.b.holding, 'holding'));
}

function finish(c: Ctx): Decision {
  const sep = c.lang === 'zh' ? '' : ' ';
  const text = c.paragraphs
    .map((p) => p.join(sep).trim())
    .filter((p) => p.length > 0)
    .join('\n');
  const replies: Decision['replies'] = [];
  if (text) {
    const options: ReplyOption[] = c.options.map((o) => ({ label: o.label, value: o.value }));
    replies.push(options.length > 0 ? { text, options } : { text });
  }
  const decision: Decision = {
    state: c.s,
    replies,
    events: c.events,
    handoff: c.handoff,
    promises: c.promises,
    trace: { intent: c.a.intent, step: c.s.step, remedies_offered: c.offered, policy_rule: c.rule },
  };
  if (c.actions.length > 0) decision.actions = c.actions;
  return decision;
}
