import type { Remedy } from '../nlu/types.ts';
import { ask, pick, remedyFacts, say, type TurnContext } from './context.ts';
import type { ReplyBook } from './replies/types.ts';
import { type CaseState, clearQuestion, type StateOption } from './state.ts';
import type { Decision, PromiseDraft } from './types.ts';

/*
 * How a case ends: the buyer confirms a remedy (case outcome, a promise with a deadline, the action
 * the pipeline carries out on the order), the shop promises to ship, or the buyer chooses to wait.
 * Then the bot asks how satisfied the buyer is.
 */

/**
 * Records a promise to the buyer in all three places it lives: the decision's promises (the follow-up
 * job checks them), a `promise_made` event, and the case's own list (for status questions). Shared
 * with `resume`, where the promise is the agent's (`by: 'agent'`).
 */
export function recordPromise(
  s: CaseState,
  out: { events: Decision['events']; promises: PromiseDraft[] },
  now: Date,
  p: { kind: string; text: string; hours: number; remedy?: Remedy; by?: 'agent'; amount?: number },
): void {
  const orderId = s.order_id;
  const id = `pr-${orderId ?? 'none'}-${s.case_no}-${s.turn}-${p.kind}${p.by === 'agent' ? '-agent' : ''}`;
  const due = new Date(now.getTime() + p.hours * 3_600_000).toISOString();
  const remedy = p.remedy ? { remedy: p.remedy } : {};
  const promise = (): PromiseDraft => ({
    id,
    kind: p.kind,
    text: p.text,
    due_at: due,
    ...remedy,
    ...(orderId ? { order_id: orderId } : {}),
  });
  out.promises.push(promise());
  out.events.push({
    type: 'promise_made',
    data: { id, kind: p.kind, text: p.text, due_at: due, ...remedy, order_id: orderId ?? null },
  });
  s.promises = [...s.promises, { ...promise(), ...(p.amount !== undefined ? { amount: p.amount } : {}) }];
}

/** The buyer confirmed the chosen remedy: the case is settled by the bot and followed up. */
export function settle(c: TurnContext): void {
  const s = c.s;
  const remedy = s.chosen;
  if (!remedy) return;
  const f = remedyFacts(c, remedy);
  const text = c.b.promise(f);
  const orderId = s.order_id;
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
  // Done at once (an unpaid order cancelled): the promise is due now, so the follow-up job checks it at once.
  recordPromise(s, c, c.now, { kind: remedy, text, hours: f.hours, remedy, amount: f.amount });
  if (orderId) c.actions.push({ type: 'apply_remedy', order_id: orderId, remedy, amount: f.amount });
  s.outcome = { remedy, order_id: orderId ?? null, at: c.now.toISOString(), by: 'bot' };
  say(c, pick(c, c.b.settled(text, f.hours === 0), 'settled'));
  clearQuestion(s);
  s.last_question = null;
  s.step = 'follow_up';
}

/** The order has not shipped: the shop promises to ship within policy `promise_hours.ship`. */
export function promiseShipping(c: TurnContext): void {
  const s = c.s;
  const hours = c.policy.promise_hours.ship;
  say(c, pick(c, c.b.urgeShipping(hours), 'urge'));
  const text = c.lang === 'zh' ? `订单将在${hours}小时内发货` : `your order will ship within ${hours} hours`;
  recordPromise(s, c, c.now, { kind: 'ship', text, hours });
  clearQuestion(s);
  s.step = 'follow_up';
}

/** The buyer waits for a late parcel rather than have it intercepted: the case closes. */
export function buyerWaits(c: TurnContext): void {
  const s = c.s;
  say(c, pick(c, c.b.waitOk, 'wait_ok'));
  c.events.push({
    type: 'case_outcome',
    data: { outcome: 'buyer_waits', order_id: s.order_id ?? null, by: 'bot' },
  });
  c.rule = s.policy_rule;
  clearQuestion(s);
  s.step = 'closed';
}

/** The 1–5 buttons of the satisfaction question. */
export function satisfactionOptions(b: ReplyBook): StateOption[] {
  return [1, 2, 3, 4, 5].map((n) => ({
    label: b.satisfactionOption(n),
    value: String(n),
    key: `score:${n}`,
  }));
}

/** Asks how satisfied the buyer is with the outcome (1–5). */
export function askSatisfaction(c: TurnContext): void {
  ask(c, 'satisfaction', pick(c, c.b.askSatisfaction, 'sat'), satisfactionOptions(c.b));
}

/** Records the buyer's 1–5 satisfaction score, thanks them and closes the case. */
export function rateSatisfaction(c: TurnContext, score: number): void {
  const s = c.s;
  c.events.push({ type: 'satisfaction_rated', data: { score } });
  say(c, pick(c, c.b.satisfactionThanks(score), 'sat_thanks'));
  s.rated = true;
  clearQuestion(s);
  s.last_question = null;
  s.step = 'closed';
}
