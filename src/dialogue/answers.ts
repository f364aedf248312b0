import { askAgain, pick, policyFacts, say, type TurnContext, trackingOf } from './context.ts';
import { handOver, notUnderstoodTooOften } from './escalation.ts';
import { promiseDone } from './follow-up.ts';
import { askOrder } from './listen.ts';
import type { PolicyTopic } from './replies/types.ts';
import { askSatisfaction } from './settle.ts';
import { hasHan } from './text.ts';

/*
 * Answers that are not a step of a dispute: where the case stands, what the policy says, greetings and
 * thanks, "?" and messages the bot did not understand or that are not its business.
 */

/** Promises that send money back (a done one may still be on its way through the bank). */
const MONEY_KINDS = ['refund_only', 'return_refund', 'intercept', 'cancel_order', 'partial_refund'];

/** Where the case stands: the latest promise (done, overdue or open), else the order's state. */
export function answerStatus(c: TurnContext): void {
  const s = c.s;
  c.rule = 'case.status';
  const mine = s.promises.filter((p) => !c.order || !p.order_id || p.order_id === c.order.id);
  const latest = mine[mine.length - 1];
  if (latest) {
    const due = c.b.due(new Date(latest.due_at), c.policy.timezone);
    const order = c.order && c.order.id === latest.order_id ? c.order : null;
    if (promiseDone({ kind: latest.kind, remedy: latest.remedy ?? null }, order, null)) {
      const money = latest.amount !== undefined ? latest.amount > 0 : MONEY_KINDS.includes(latest.kind);
      say(c, pick(c, c.b.statusDone(latest.text, money), 'status'));
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
  say(c, c.b.orderState(c.order.state, trackingOf(c)));
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

/** A question about a rule of the policy, by its words alone (for when the classifier missed it). */
export function looksLikePolicyQuestion(text: string): boolean {
  const asks = /[?？]|吗|呢|怎么|如何|多久|几天|谁|\b(who|what|how|when|can|do|does|is)\b/i.test(text);
  return asks && policyTopic(text) !== 'general';
}

/** Answers a general policy question, then goes back to the pending question if there is one. */
export function answerPolicy(c: TurnContext): void {
  const topic = policyTopic(c.text);
  c.rule = `policy.${topic}`;
  say(c, c.b.policy(topic, policyFacts(c, null)));
  if (!askAgain(c, [], 'policy')) say(c, pick(c, c.b.anythingElse, 'else'));
}

/**
 * A message the bot did not understand: says so (or that it is off topic, or in a language the bot
 * does not speak) and repeats its question; hands over after policy `escalation.not_understood_turns`.
 */
export function notUnderstood(c: TurnContext): void {
  const s = c.s;
  s.not_understood += 1;
  if (notUnderstoodTooOften(c)) {
    handOver(c, ['not_understood'], null);
    return;
  }
  if (otherScript(c.text)) {
    say(c, c.b.otherLanguage);
    return;
  }
  // Most often a buyer balking at the photo request: say why it helps, then ask again.
  if (s.pending === 'photo' && askAgain(c, c.b.photoWhy, 'photo_why')) return;
  // A question is pending: that question again, and only that one (its own buttons included).
  if (askAgain(c, c.b.notUnderstoodPending, 'nu')) return;
  const inCase = s.problem !== undefined || s.wants !== undefined;
  const offTopic = c.a.intent === 'out_of_scope' && c.a.confidence >= 0.6 && !inCase;
  say(c, pick(c, offTopic ? c.b.outOfScope : c.b.notUnderstood, 'nu'));
}

/** Letters of a language the bot does not speak: accented Latin, Cyrillic, kana, Hangul, Arabic, Thai. */
function otherScript(text: string): boolean {
  if (hasHan(text) && !/[\u3040-\u30ff]/.test(text)) return false;
  return /[À-ÖØ-öø-ɏ\u0400-\u04ff\u3040-\u30ff\uac00-\ud7af\u0600-\u06ff\u0e00-\u0e7f]/.test(text);
}

/** A bare "?": the pending question again, or an invitation to ask. */
export function repeatQuestion(c: TurnContext): void {
  if (!askAgain(c, c.b.repeatPrefix, 'repeat')) say(c, pick(c, c.b.question, 'question'));
}

/** A greeting: "still here" and the pending question, or a greeting back. */
export function greet(c: TurnContext): void {
  if (!askAgain(c, c.b.here, 'here')) say(c, pick(c, c.b.greet, 'greet'));
}

/** Thanks the buyer and asks how satisfied they are with the outcome. */
export function thankAndAskRating(c: TurnContext): void {
  say(c, pick(c, c.b.thanks, 'thanks'));
  askSatisfaction(c);
}

/** The buyer thanks the bot: back to the pending question, or the satisfaction question after an outcome. */
export function answerThanks(c: TurnContext): void {
  const s = c.s;
  if (askAgain(c, c.b.thanksPending, 'thanks')) return;
  if (s.outcome && !s.rated) {
    thankAndAskRating(c);
    return;
  }
  say(c, pick(c, c.b.thanks, 'thanks'));
  // Thanks before any case was opened is a goodbye.
  if (s.step === 'listen' && !s.problem && !s.wants) s.step = 'closed';
}
