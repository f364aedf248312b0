import { answerStatus } from './answers.ts';
import { ask, explain, pick, policyFacts, say, type TurnContext, trackingOf } from './context.ts';
import { handOver, highValue } from './escalation.ts';
import { acknowledge, askCondition, askOrder, askPhoto, askProblem } from './listen.ts';
import { evaluate, offer, recordOffer } from './offer.ts';
import { promiseShipping } from './settle.ts';
import { clearQuestion } from './state.ts';
import { saysWontWait } from './text.ts';

/**
 * Moves a dispute forward by one step, in this order: the order (ask which), a high-value order (hand
 * over), the problem (ask), a closed order (say so), acknowledge and apologize, a photo and the item's
 * condition when the policy needs them (ask), a case outside the policy (hand over), then the rule's own
 * move (urge shipping, tracking, wait or intercept) or the offer of the policy's remedies.
 */
export function advance(c: TurnContext): void {
  const s = c.s;
  if (s.step === 'follow_up' || s.step === 'closed') s.step = 'listen';
  if (!c.order) {
    if (s.problem) acknowledge(c, null);
    askOrder(c);
    s.step = 'listen';
    return;
  }
  const dispute = (s.problem !== undefined && s.problem !== 'delivery') || s.wants !== undefined;
  if (dispute && highValue(c)) {
    handOver(c, ['high_value_order'], 'escalation.high_value_order');
    return;
  }
  const verdict = evaluate(c);
  c.rule = verdict.rule;
  s.policy_rule = verdict.rule;
  if (verdict.missing === 'problem') {
    if (!s.problem && !s.wants && c.order.state !== 'delivered') {
      say(c, c.b.orderState(c.order.state, trackingOf(c)));
    }
    askProblem(c);
    s.step = 'listen';
    return;
  }
  if (verdict.rule === 'order.closed') {
    say(c, pick(c, c.b.orderClosed(c.order.state === 'cancelled' ? 'cancelled' : 'refunded'), 'closed'));
    clearQuestion(s);
    s.step = 'closed';
    return;
  }
  acknowledge(c, verdict.responsibility);
  if (verdict.evidence_needed === 'photo' && !s.photo) {
    askPhoto(c);
    s.step = 'listen';
    return;
  }
  if (verdict.missing === 'condition') {
    if (s.wants === 'refund_only') {
      explain(c, 'wants:refund_only', c.b.wantsRefused('refund_only', false, true));
    }
    askCondition(c);
    s.step = 'listen';
    return;
  }
  if (verdict.needs_human) {
    explain(c, verdict.rule, c.b.rule(verdict.rule, policyFacts(c, verdict)));
    const beyond = verdict.rule === 'authority.exceeded';
    handOver(c, [beyond ? 'compensation_beyond_authority' : 'outside_policy'], verdict.rule, {
      needsApproval: beyond && c.order.amount > c.policy.authority.agent_limit,
    });
    return;
  }
  switch (verdict.rule) {
    case 'not_shipped.urge_shipping':
      promiseShipping(c);
      return;
    case 'in_transit.tracking':
      say(c, pick(c, c.b.tracking(trackingOf(c)), 'tracking'));
      clearQuestion(s);
      s.step = 'listen';
      return;
    case 'in_transit.wait_or_intercept':
      if (saysWontWait(c.text) && s.wants !== 'intercept') {
        // "不想等了，直接退款": the refund they ask for is the intercept; say that, not why refund-only is refused.
        s.wants = 'intercept';
        offer(c, evaluate(c));
        return;
      }
      // Asked once: a buyer who insists, or asks for the intercept by name, gets the offer itself.
      if (!s.asked_to_wait && s.wants !== 'intercept') {
        s.asked_to_wait = true;
        s.policy_rule = verdict.rule;
        s.amounts = verdict.amounts;
        s.allowed_remedies = verdict.remedies;
        recordOffer(c, verdict.remedies, verdict.rule, verdict.remedies);
        const options = [
          { label: c.b.waitOption.wait, value: '1', key: 'wait' },
          { label: c.b.waitOption.intercept, value: '2', key: 'remedy:intercept' },
        ];
        ask(c, 'wait_or_intercept', pick(c, c.b.waitOrIntercept(trackingOf(c)), 'wait'), options);
        s.step = 'offer';
        return;
      }
      break;
    default:
      break;
  }
  offer(c, verdict);
}

/**
 * After the order became known: continue whatever the buyer came for. The bot asks for an order only
 * for a dispute (problem or wish known, or a photo sent) or a status question.
 */
export function route(c: TurnContext): void {
  const s = c.s;
  if (s.problem || s.wants || s.photo) advance(c);
  else answerStatus(c);
}
