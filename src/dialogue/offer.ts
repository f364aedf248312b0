import type { Remedy } from '../nlu/types.ts';
import { evaluatePolicy, type PolicyVerdict } from '../policy/evaluate.ts';
import type { HandoffReason } from '../policy/schema.ts';
import { ask, explain, paragraph, pick, policyFacts, remedyFacts, say, type TurnContext } from './context.ts';
import { handOver, highValue, refusedTooOften } from './escalation.ts';
import { acknowledge } from './listen.ts';
import { clearQuestion } from './state.ts';
import { compensationMultiplier } from './text.ts';

/*
 * Offering: the remedies the policy allows for this case (evaluatePolicy), said once with the rule
 * behind them, as numbered options or, when only one fits, straight as a summary to confirm. Also what
 * happens when the buyer refuses, and a compensation demand the bot may grant as a coupon.
 */

/** The policy's verdict on the case as it stands. */
export function evaluate(c: TurnContext): PolicyVerdict {
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

/** Records the remedies put in front of the buyer (the trace and a `remedy_offered` event). */
export function recordOffer(c: TurnContext, offered: Remedy[], rule: string, allowed: Remedy[]): void {
  c.offered = offered;
  c.events.push({
    type: 'remedy_offered',
    data: { remedies: offered, policy_rule: rule, allowed_remedies: allowed },
  });
}

/**
 * Offers the verdict's remedies (those the buyer has not refused yet, if any are left). `prefix`
 * replaces the rule sentence when the offer follows a refusal; it leads into the list, so the list's
 * own introduction is left out unless `intro` says otherwise.
 */
export function offer(
  c: TurnContext,
  verdict: PolicyVerdict,
  prefix?: string,
  intro: boolean = prefix === undefined,
): void {
  const s = c.s;
  const allowed = verdict.remedies;
  s.amounts = verdict.amounts;
  s.partial_percent = verdict.partial_percent;
  s.shipping_payer = verdict.shipping_payer;
  s.policy_rule = verdict.rule;
  c.rule = verdict.rule;
  if (allowed.length === 0) {
    say(c, prefix);
    explain(c, verdict.rule, c.b.rule(verdict.rule, policyFacts(c, verdict)));
    say(c, pick(c, c.b.noRemedy, 'no_remedy'));
    s.allowed_remedies = [];
    clearQuestion(s);
    s.step = 'listen';
    return;
  }
  const fresh = allowed.filter((r) => !s.refused.includes(r));
  const list = fresh.length > 0 ? fresh : allowed;
  s.allowed_remedies = list;
  say(c, prefix);
  // "These are the ways I can arrange" already leads into the list: no second introduction.
  let listIntroduced = false;
  if (!prefix) {
    const ruleSentence = c.b.rule(verdict.rule, policyFacts(c, verdict));
    explain(c, verdict.rule, ruleSentence);
    // The rule sentence already says why, except for refund-only, which needs its own reason.
    if (verdict.wants_refused && s.wants && (s.wants === 'refund_only' || !ruleSentence)) {
      const shopFault = verdict.responsibility === 'shop';
      const returnPossible = verdict.remedies.includes('return_refund');
      const said = explain(c, `wants:${s.wants}`, c.b.wantsRefused(s.wants, shopFault, returnPossible));
      listIntroduced = said && shopFault;
    }
  }
  // Not shipped: refund at once, the first allowed (the buyer's wish when allowed) is the remedy.
  const single =
    list.length === 1 ||
    verdict.rule === 'not_shipped.refund_at_once' ||
    (s.wants !== undefined && list[0] === s.wants);
  recordOffer(c, single ? [list[0]!] : list, verdict.rule, list);
  if (single) {
    summarize(c, list[0]!);
    return;
  }
  const introduction = pick(c, c.b.offerIntro, 'offer');
  const lines = list.map((r, i) => `${i + 1}. ${c.b.remedyLabel(remedyFacts(c, r))}`);
  if (intro && !listIntroduced) {
    paragraph(c);
    say(c, introduction);
  }
  for (const line of lines) {
    paragraph(c);
    say(c, line);
  }
  paragraph(c);
  const options = list.map((r, i) => ({
    label: c.b.remedyLabel(remedyFacts(c, r)),
    value: String(i + 1),
    key: `remedy:${r}`,
  }));
  ask(c, 'choose', c.b.chooseHint(list.length), options);
  // Asked again ("?", "在吗"), the whole list is the question, not only the hint.
  s.last_question = [introduction, ...lines, c.b.chooseHint(list.length)].join('\n');
  s.step = 'offer';
}

/** "Which one?" and the list on offer again, as numbered lines with their buttons. */
export function askWhichRemedy(c: TurnContext): void {
  const s = c.s;
  say(c, pick(c, c.b.whichOne, 'which'));
  s.options.forEach((o, i) => {
    paragraph(c);
    say(c, `${i + 1}. ${o.label}`);
  });
  paragraph(c);
  say(c, c.b.chooseHint(s.options.length));
  c.options = s.options;
}

/** Sums up the chosen remedy and asks the buyer to confirm it. */
export function summarize(c: TurnContext, remedy: Remedy): void {
  const s = c.s;
  s.chosen = remedy;
  paragraph(c);
  const summary = c.b.summary(remedyFacts(c, remedy));
  say(c, summary);
  const options = [
    { label: c.b.confirmOption.yes, value: c.b.confirmOption.yes, key: 'yes' },
    { label: c.b.confirmOption.no, value: c.b.confirmOption.no, key: 'no' },
  ];
  const question = pick(c, c.b.confirmAsk, 'confirm');
  ask(c, 'confirm', question, options);
  // Asked again, "可以吗？" alone does not say what: the summary is part of the question.
  s.last_question = [summary, question].join(c.lang === 'zh' ? '' : ' ');
  s.step = 'confirm';
}

/**
 * The buyer turned down `remedies` (or asked for one not on offer, `explanation` saying why not):
 * offer what is left, or hand over after policy `escalation.refusals` refusals.
 */
export function refuse(c: TurnContext, remedies: Remedy[], explanation: string | null): void {
  const s = c.s;
  s.refusals += 1;
  for (const r of remedies) if (!s.refused.includes(r)) s.refused.push(r);
  c.events.push({
    type: 'remedy_refused',
    data: { remedies, policy_rule: s.policy_rule, refusals: s.refusals },
  });
  if (refusedTooOften(c)) {
    handOver(c, ['remedies_refused'], s.policy_rule);
    return;
  }
  delete s.chosen;
  say(c, explanation);
  const verdict = evaluate(c);
  const remaining = verdict.remedies.filter((r) => !s.refused.includes(r));
  if (remaining.length === 0 && verdict.remedies.length === 1) {
    // The one remedy the rules allow, turned down: offering it again at once would be pushing.
    say(c, pick(c, c.b.onlyOption, 'only'));
    clearQuestion(s);
    s.step = 'listen';
    return;
  }
  // Others left after turning some down: "换个方式。" and the list's own introduction. Else the same
  // list again, led into by "也可以从下面再选一次：".
  const others = remaining.length > 0 && remedies.length > 0;
  const prefix = pick(c, others ? c.b.refusedOthers : c.b.refusedRetry, 'refused');
  offer(c, { ...verdict, remedies: remaining.length > 0 ? remaining : verdict.remedies }, prefix, others);
  // After "none of these", the same list again is a real choice: never collapse it to a confirmation.
}

/**
 * A compensation demand ("假一赔三", "I want 200"): within policy `authority.max_coupon` the bot offers
 * a coupon of that value; beyond it, a person decides (a supervisor beyond `authority.agent_limit`).
 */
export function compensation(c: TurnContext): void {
  const s = c.s;
  const amountEntity = c.a.entities.find((e) => e.type === 'amount');
  const multiplier = compensationMultiplier(c.text);
  let demanded: number | null = null;
  if (amountEntity && Number.isFinite(Number(amountEntity.value))) demanded = Number(amountEntity.value);
  else if (multiplier && c.order) demanded = multiplier * c.order.amount;
  const authority = c.policy.authority;
  if (demanded !== null && demanded > 0 && demanded <= authority.max_coupon && c.order) {
    acknowledge(c, 'shop');
    s.amounts = { ...s.amounts, coupon: demanded };
    s.policy_rule = 'authority.within_limit';
    s.allowed_remedies = ['coupon'];
    c.rule = 'authority.within_limit';
    recordOffer(c, ['coupon'], 'authority.within_limit', ['coupon']);
    summarize(c, 'coupon');
    return;
  }
  const reasons: HandoffReason[] = ['compensation_beyond_authority'];
  if (highValue(c)) reasons.push('high_value_order');
  handOver(c, reasons, 'authority.exceeded', {
    needsApproval: demanded !== null && demanded > authority.agent_limit,
    demanded,
  });
}
