import { PROBLEM_OF_INTENT, REMEDY_OF_INTENT } from '../nlu/slots.ts';
import type { Analysis, Intent, Problem, Remedy } from '../nlu/types.ts';
import type { Party } from '../policy/schema.ts';
import { angerLevel, ask, paragraph, photoAttached, pick, say, type TurnContext } from './context.ts';
import { orderNeed, ordersToOffer } from './order-choice.ts';
import type { ProblemChoice } from './replies/types.ts';
import { type CaseState, freshState, resetOffer, type StateOption } from './state.ts';
import { itemName } from './text.ts';

/*
 * Listening: taking in what the buyer told (problem, wish, condition, quantity), acknowledging it, and
 * asking for what is still missing — the order, the problem, a photo, the item's condition — one
 * question at a time, with buttons where the answers are few.
 */

const PROBLEM_CHOICES: ProblemChoice[] = [
  'damaged',
  'wrong_item',
  'missing',
  'quality',
  'ordered_wrong',
  'changed_mind',
];

/** The problem the message names: its slot, else the one its intent implies. */
export function problemOf(a: Analysis): Problem | undefined {
  return a.slots.problem ?? PROBLEM_OF_INTENT[a.intent];
}

/** The remedy the message asks for: its slot, else the one its intent implies. */
export function wishOf(a: Analysis): Remedy | undefined {
  return a.slots.wants ?? REMEDY_OF_INTENT[a.intent];
}

/** The intent itself is a wish ("我要退款"), not only a slot in another intent. */
export function isWishIntent(intent: Intent): boolean {
  return REMEDY_OF_INTENT[intent] !== undefined;
}

/** Takes in what the message tells about the case. `newProblem`: the buyer named another problem. */
export function absorb(c: TurnContext): { newProblem: boolean } {
  const { a, s } = c;
  let newProblem = false;
  let problem = problemOf(a);
  // "钱还没到" is about a refund in progress, not a lost parcel.
  if (a.intent === 'case_status' && problem === 'delivery') problem = undefined;
  if (problem && problem !== s.problem) {
    if (s.problem && (s.pending === 'choose' || s.pending === 'confirm' || s.step === 'offer')) resetOffer(s);
    if (s.problem) s.acknowledged = false;
    s.problem = problem;
    newProblem = true;
  }
  const wants = wishOf(a);
  // An answer to the bot's question ("吊牌都在") is not a new wish unless it clearly says one.
  const answering =
    s.pending === 'condition' || s.pending === 'photo' || s.pending === 'order' || s.pending === 'problem';
  const clearWish = isWishIntent(a.intent) && a.confidence >= 0.6;
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

/**
 * Reopens a settled case for what this message brings up: a new case (case_no + 1) that keeps the
 * order, the anger history and the promises, and starts from this message's problem and wish.
 */
export function reopenFor(c: TurnContext): void {
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
  const problem = problemOf(c.a);
  if (problem) c.s.problem = problem;
  const wants = wishOf(c.a);
  if (wants) c.s.wants = wants;
  if (c.a.slots.condition) c.s.condition = c.a.slots.condition;
  if (photoAttached(c)) c.s.photo = true;
}

/** Acknowledges the buyer's problem and apologizes, once per problem, warmer as anger rises. */
export function acknowledge(c: TurnContext, responsibility: Party | null): void {
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

/**
 * The buyer is upset again about a case acknowledged before (a complaint, or real anger): one sentence
 * for the feeling, as warm as the anger, before the case goes on. Never a second one in the same reply.
 */
export function hearAnger(c: TurnContext): void {
  const level = angerLevel(c);
  if (!c.s.acknowledged || c.acknowledgedNow || level === 0) return;
  if (c.a.intent !== 'complaint' && level < 2) return;
  say(c, pick(c, c.b.ack(null, itemName(c.order, c.lang), level), 'ack'));
  c.acknowledgedNow = true;
}

/** Asks which order, saying first when the id the buyer gave is unknown. */
export function askOrder(c: TurnContext): void {
  if (c.notFound) say(c, pick(c, c.b.orderNotFound(c.notFound), 'not_found'));
  askWhichOrder(c, undefined, c.notFound !== null);
}

/**
 * Asks which order: as buttons, the recent orders that fit the case (but `exclude`), else for the
 * order number.
 */
export function askWhichOrder(c: TurnContext, exclude?: string, recheck = false): void {
  const need = orderNeed(c.s.problem, c.s.wants, c.a.intent);
  const options: StateOption[] = ordersToOffer(c.recent, need, exclude, 5, c.text).map((o) => ({
    label: c.b.orderOption(o.id, itemName(o, c.lang), c.b.money(o.amount, o.currency)),
    value: o.id,
    key: `order:${o.id}`,
  }));
  if (options.length > 0) ask(c, 'order', pick(c, c.b.askOrderPick, 'ask_order'), options);
  else ask(c, 'order', pick(c, recheck ? c.b.askOrderRecheck : c.b.askOrderNumber, 'ask_order'));
}

/** The buyer says the bot picked the wrong order: forget it and the offer on it, ask again. */
export function correctOrder(c: TurnContext): void {
  const s = c.s;
  const previous = s.order_id;
  delete s.order_id;
  c.order = null;
  resetOffer(s);
  say(c, pick(c, c.b.wrongOrder, 'wrong_order'));
  paragraph(c);
  askWhichOrder(c, previous);
  s.step = 'listen';
}

/** Asks what went wrong, with the common problems as buttons. */
export function askProblem(c: TurnContext): void {
  const options = PROBLEM_CHOICES.map((p, i) => ({
    label: c.b.problemOption[p],
    value: String(i + 1),
    key: `problem:${p}`,
  }));
  ask(c, 'problem', pick(c, c.b.askProblem(itemName(c.order, c.lang)), 'ask_problem'), options);
}

/** Asks for a photo of the problem (the policy wants evidence before an offer). */
export function askPhoto(c: TurnContext): void {
  const question = c.b.askPhoto(c.s.problem ?? 'damaged', itemName(c.order, c.lang));
  ask(c, 'photo', pick(c, question, 'photo'));
}

/** Asks whether the item is still resaleable (the no-reason return depends on it). */
export function askCondition(c: TurnContext): void {
  const { b } = c;
  const options = [
    { label: b.conditionOption.resaleable, value: b.conditionOption.resaleable, key: 'condition:resaleable' },
    { label: b.conditionOption.used, value: b.conditionOption.used, key: 'condition:used' },
  ];
  const question = b.askCondition(itemName(c.order, c.lang), c.policy.return_window.resaleable[c.lang]);
  ask(c, 'condition', pick(c, question, 'condition'), options);
}
