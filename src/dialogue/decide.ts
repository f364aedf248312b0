import type { ReplyOption } from '../core/messages.ts';
import { chineseScript } from '../nlu/script.ts';
import type { Intent, Remedy } from '../nlu/types.ts';
import { advance, route } from './advance.ts';
import {
  answerPolicy,
  answerStatus,
  answerThanks,
  greet,
  looksLikePolicyQuestion,
  notUnderstood,
  repeatQuestion,
  thankAndAskRating,
} from './answers.ts';
import {
  angerLevel,
  CONSENT_CONFIDENCE,
  newContext,
  photoAttached,
  pick,
  say,
  type TurnContext,
} from './context.ts';
import { escalate, handOver, whileHeld } from './escalation.ts';
import {
  absorb,
  askOrder,
  askProblem,
  askWhichOrder,
  correctOrder,
  hearAnger,
  reopenFor,
  wishOf,
} from './listen.ts';
import { compensation } from './offer.ts';
import { answerPending } from './pending.ts';
import type { AngerLevel } from './replies/types.ts';
import { clearQuestion, freshState, readState, resetOffer } from './state.ts';
import { asksWhether, isBareQuestion, matchOption, replyLanguage, saysWrongOrder } from './text.ts';
import type { DecideInput, Decision } from './types.ts';

/*
 * The top of the dialogue. One buyer message goes through: read the state → a person holds it? →
 * take in what the message says (order, problem, wish) → escalation triggers → "?" → the answer to the
 * pending question → not understood → route by intent → build the Decision. The steps live in
 * listen.ts (gathering), offer.ts, settle.ts, answers.ts, escalation.ts and advance.ts (the dispute's
 * next step); pending.ts handles answers to the bot's last question.
 */

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

/**
 * Decides the bot's next move for one buyer message. Pure: no I/O, no clock, no randomness; the same
 * input always gives the same decision. Steps: listen → acknowledge → apologize → offer → confirm →
 * follow up, with a handoff to a person whenever the policy's escalation rules say so.
 */
export function decide(input: DecideInput): Decision {
  const a = input.analysis;
  const text = input.message.text.trim();
  const stored = readState(input.state, a.language === 'en' ? 'en' : 'zh');
  const lang = replyLanguage(a.language, text, a.entities, stored?.language ?? null);
  const s = stored ?? freshState(lang);
  s.turn += 1;
  s.language = lang;
  // A message without Chinese (an order number, "ok") keeps the script the buyer has been writing.
  const script = chineseScript(text);
  if (script) s.script = script;
  s.nudged = false;
  const c = newContext(input, s, lang);

  if (s.step === 'handoff') {
    whileHeld(c);
    return finish(c);
  }

  s.anger = [...s.anger, a.anger].slice(-10);
  if (photoAttached(c) || a.entities.some((e) => e.type === 'photo')) s.photo = true;

  let orderChanged = false;
  if (c.order && c.order.id !== s.order_id) {
    if (s.order_id) resetOffer(s);
    s.order_id = c.order.id;
    orderChanged = true;
  }
  if (!orderChanged && s.order_id && saysWrongOrder(text)) {
    correctOrder(c);
    return finish(c);
  }

  const { newProblem } = absorb(c);
  if (escalate(c)) return finish(c);

  if (isBareQuestion(text)) {
    repeatQuestion(c);
    return finish(c);
  }

  if (asksForOrders(text) && c.recent.length > 0) {
    // "我的订单" / "my orders": show them, so the buyer can pick the one they mean.
    askWhichOrder(c);
    return finish(c);
  }

  const wasPending = s.pending;
  if (wasPending && answerPending(c, matchOption(text, s.options))) {
    c.s.not_understood = 0;
    return finish(c);
  }
  // A buyer who answers the rating question with something else has moved on: stop waiting for a score.
  if (wasPending === 'satisfaction') clearQuestion(c.s);

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

/** "我的订单", "查一下我的订單", "my orders", "show me my orders": a request to see the buyer's orders. */
function asksForOrders(text: string): boolean {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s?？!！。.,，]+$/u, '');
  return (
    /^(请|麻烦)?(帮我)?(查一下|看看|看一下|显示|列出)?(我的|我)?(所有|全部|最近的?)?(订单|訂單)(列表|记录|記錄)?(呢|吗|嗎)?$/u.test(
      t,
    ) || /^(show|list|see|check)?\s*(me\s*)?(all\s*)?(my|my recent)\s+orders$/.test(t)
  );
}

/** Confident enough, or the message carries something usable (an order id, a problem, a wish). */
function understood(c: TurnContext): boolean {
  const { a } = c;
  if (a.intent === 'out_of_scope') return false;
  const usable = a.entities.length > 0 || a.slots.problem !== undefined || a.slots.wants !== undefined;
  if ((a.intent === 'affirm' || a.intent === 'deny') && a.confidence < CONSENT_CONFIDENCE) return usable;
  if (a.confidence >= c.policy.escalation.min_confidence) return true;
  return usable;
}

function byIntent(c: TurnContext, newProblem: boolean): void {
  const { a } = c;
  const settled = c.s.step === 'follow_up' || c.s.step === 'closed';
  if (a.intent === 'compensation_demand') {
    if (settled) reopenFor(c);
    compensation(c);
    return;
  }
  const carriesWish = a.slots.wants !== undefined && WISH_CARRIERS.includes(a.intent);
  // "能退吗" about one named order is a case, answered by that order's rule; in general, a policy answer.
  const aboutOrder =
    a.intent === 'policy_question' &&
    c.order !== null &&
    (c.s.problem !== undefined || c.s.wants !== undefined);
  const opensCase =
    a.intent === 'policy_question'
      ? aboutOrder
      : CASE_INTENTS.includes(a.intent) || newProblem || carriesWish;
  if (opensCase) {
    if (settled && !newProblem && a.intent === 'complaint') {
      // Upset about a settled case: hear it, then say where it stands.
      say(c, pick(c, c.b.ack(null, '', Math.max(1, angerLevel(c)) as AngerLevel), 'ack'));
      answerStatus(c);
      return;
    }
    if (settled && !newProblem && asksAboutOutcome(c)) {
      answerStatus(c);
      return;
    }
    if (settled) reopenFor(c);
    else hearAnger(c);
    advance(c);
    return;
  }
  switch (a.intent) {
    case 'case_status':
      answerStatus(c);
      return;
    case 'policy_question':
      answerPolicy(c);
      return;
    case 'change_order':
      // The request itself is no reason to apologize: keep the handoff reply short.
      say(c, pick(c, c.b.changeOrder, 'change'));
      handOver(c, ['outside_policy'], 'change_order.agent');
      return;
    case 'greeting':
      greet(c);
      return;
    case 'thanks':
      answerThanks(c);
      return;
    case 'affirm':
    case 'deny':
    case 'provide_info':
      answerShort(c, settled);
      return;
    default:
      notUnderstood(c);
  }
}

/** Remedies that send money back: "退款了吗？" after any of them asks about that money. */
const MONEY_REMEDIES: readonly Remedy[] = [
  'refund_only',
  'return_refund',
  'partial_refund',
  'intercept',
  'cancel_order',
];

/**
 * After a settled case, asking for its remedy again ("取消了吗？" after the cancellation, "did you
 * refund it?" after a refund) asks how it went: a status question, not a new case.
 */
function asksAboutOutcome(c: TurnContext): boolean {
  const outcome = c.s.outcome;
  if (!outcome || outcome.remedy === null || outcome.order_id !== (c.s.order_id ?? null)) return false;
  const wish = wishOf(c.a);
  if (wish === outcome.remedy) return true;
  return wish === 'refund_only' && MONEY_REMEDIES.includes(outcome.remedy) && asksWhether(c.text);
}

/** "好" / "不用了" / "订单号是…" outside a question: continue the case, or close politely. */
function answerShort(c: TurnContext, settled: boolean): void {
  const { a, s } = c;
  const closing = s.outcome !== undefined && !s.rated && a.intent === 'deny';
  if (settled) {
    if (closing) thankAndAskRating(c);
    else say(c, pick(c, c.b.anythingElse, 'else'));
    return;
  }
  if (s.problem || s.wants) {
    if (photoAttached(c)) say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
    advance(c);
    return;
  }
  if (photoAttached(c)) {
    say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
    if (c.order) askProblem(c);
    else askOrder(c);
    return;
  }
  if (c.order && a.intent === 'provide_info') {
    advance(c);
    return;
  }
  if (closing) thankAndAskRating(c);
  else say(c, pick(c, c.b.anythingElse, 'else'));
}

/** Turns the context into the Decision: paragraphs joined into one reply, with the buttons asked for. */
function finish(c: TurnContext): Decision {
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
