import type { Problem, Remedy } from '../nlu/types.ts';
import { advance, route } from './advance.ts';
import { CONSENT_CONFIDENCE, pick, say, type TurnContext } from './context.ts';
import { handOver } from './escalation.ts';
import { wishOf } from './listen.ts';
import { askWhichRemedy, evaluate, offer, refuse, summarize } from './offer.ts';
import { buyerWaits, rateSatisfaction, settle } from './settle.ts';
import { clearQuestion, resetOffer, type StateOption } from './state.ts';
import { namedRemedy, satisfactionScore, saysNoPhoto, saysWillWait, saysWontWait } from './text.ts';

/**
 * Handles an answer to the question the bot asked last (`s.pending`): a tapped or typed button
 * (`choice`), or words that answer it. True when the message was that answer; false lets the message
 * be routed by its intent instead.
 */
export function answerPending(c: TurnContext, choice: StateOption | null): boolean {
  switch (c.s.pending) {
    case 'order':
      return answerOrder(c, choice);
    case 'problem':
      return answerProblem(c, choice);
    case 'condition':
      return answerCondition(c, choice);
    case 'photo':
      return answerPhoto(c);
    case 'wait_or_intercept':
      return answerWaitOrIntercept(c, choice);
    case 'choose':
      return answerChoice(c, choice);
    case 'confirm':
      return answerConfirm(c, choice);
    case 'satisfaction':
      return answerSatisfaction(c, choice);
    default:
      return false;
  }
}

function answerOrder(c: TurnContext, choice: StateOption | null): boolean {
  const s = c.s;
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
  clearQuestion(s);
  route(c);
  return true;
}

function answerProblem(c: TurnContext, choice: StateOption | null): boolean {
  const s = c.s;
  if (choice?.key.startsWith('problem:')) {
    s.problem = choice.key.slice('problem:'.length) as Problem;
    s.acknowledged = false;
  }
  if (!s.problem) return false;
  s.pending = null;
  advance(c);
  return true;
}

function answerCondition(c: TurnContext, choice: StateOption | null): boolean {
  const { s, a } = c;
  if (choice?.key.startsWith('condition:'))
    s.condition = choice.key.slice('condition:'.length) as 'resaleable' | 'used';
  else if (!s.condition && a.intent === 'affirm') s.condition = 'resaleable';
  else if (!s.condition && a.intent === 'deny') s.condition = 'used';
  if (!s.condition) return false;
  s.pending = null;
  advance(c);
  return true;
}

function answerPhoto(c: TurnContext): boolean {
  const s = c.s;
  if (s.photo) {
    say(c, pick(c, c.b.photoThanks, 'photo_thanks'));
    s.pending = null;
    advance(c);
    return true;
  }
  if (saysNoPhoto(c.text)) {
    say(c, pick(c, c.b.noPhoto, 'no_photo'));
    handOver(c, ['outside_policy'], 'evidence.missing_photo', { told: true });
    return true;
  }
  return false;
}

function answerWaitOrIntercept(c: TurnContext, choice: StateOption | null): boolean {
  const { s, a } = c;
  const insists =
    choice?.key === 'remedy:intercept' ||
    saysWontWait(c.text) ||
    namedRemedy(c.text, ['intercept']) !== null ||
    a.intent === 'refund_request' ||
    a.intent === 'cancel_order' ||
    a.slots.wants === 'intercept' ||
    a.slots.wants === 'refund_only' ||
    a.slots.wants === 'cancel_order';
  if (choice?.key === 'wait' || (!insists && saysWillWait(c.text))) {
    buyerWaits(c);
    return true;
  }
  if (insists) {
    s.wants = 'intercept';
    s.pending = null;
    advance(c);
    return true;
  }
  // "好" / "ok" / "不用了" to an either-or question says neither: ask which one, with the two buttons.
  if (a.intent === 'affirm' || a.intent === 'deny' || a.intent === 'thanks') {
    say(c, pick(c, c.b.waitWhich, 'wait_which'));
    c.options = s.options;
    return true;
  }
  return false;
}

function answerChoice(c: TurnContext, choice: StateOption | null): boolean {
  const { s, a } = c;
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
  const wants = wishOf(a);
  if (wants && !offered.includes(wants)) {
    const key = `wants:${wants}`;
    s.wants = wants;
    // Heard why once and still asks for it: that turns the list down.
    if (s.explained.includes(key)) {
      refuse(c, [], null);
      return true;
    }
    // First time: why not, then the same list; asking is not refusing.
    s.explained.push(key);
    const shopFault = s.shipping_payer === 'shop';
    const why = c.b.wantsRefused(wants, shopFault, offered.includes('return_refund'));
    offer(c, { ...evaluate(c), remedies: offered }, why, !shopFault);
    return true;
  }
  // "好" / "ok" to a list says none of it: which one?
  if (a.intent === 'affirm' && s.options.length > 0) {
    askWhichRemedy(c);
    return true;
  }
  return false;
}

function answerConfirm(c: TurnContext, choice: StateOption | null): boolean {
  const { s, a } = c;
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
  // Money moves on this yes: a shaky one (gibberish the classifier leans "yes" on) is not consent.
  if (!choice && a.intent === 'affirm' && a.confidence >= CONSENT_CONFIDENCE) {
    settle(c);
    return true;
  }
  if (choice?.key === 'no' || a.intent === 'deny') {
    refuse(c, s.chosen ? [s.chosen] : [], null);
    return true;
  }
  return false;
}

function answerSatisfaction(c: TurnContext, choice: StateOption | null): boolean {
  const score =
    satisfactionScore(c.text) ?? (choice?.key.startsWith('score:') ? Number(choice.key.slice(6)) : null);
  if (score === null) return false;
  rateSatisfaction(c, score);
  return true;
}
