import type { HandoffReason } from '../policy/schema.ts';
import { angerLevel, pick, say, type TurnContext } from './context.ts';
import type { AngerLevel } from './replies/types.ts';
import { clearQuestion } from './state.ts';
import { handoffSummary } from './summary.ts';
import { itemName } from './text.ts';
import type { Priority } from './types.ts';

/*
 * Every way a conversation goes to a person, with the thresholds of policy `escalation`. Triggers that
 * hand over at once, whatever the dialogue was doing (`escalate`): health or safety, threats, a request
 * for a person, sustained or rising anger. Triggers met along the way are tested here (`highValue`,
 * `refusedTooOften`, `notUnderstoodTooOften`) and hand over where they are met: a high-value order or a
 * case outside the policy (advance.ts), compensation beyond the bot's authority and too many refused
 * offers (offer.ts), no photo (pending.ts), messages not understood (answers.ts), a request to change the
 * order (decide.ts). The priority of each reason comes from policy `escalation.priorities`.
 */

const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };

function priorityOf(c: TurnContext, reasons: HandoffReason[], needsApproval: boolean): Priority {
  let best: Priority = 'normal';
  for (const r of reasons) {
    const p = c.policy.escalation.priorities[r];
    if (PRIORITY_RANK[p] > PRIORITY_RANK[best]) best = p;
  }
  // A supervisor has to approve: never leave that at the bottom of the queue.
  if (needsApproval && best === 'normal') best = 'high';
  return best;
}

/** Reasons that are about the buyer's feelings: the handoff reply acknowledges them first. */
const FEELINGS: readonly HandoffReason[] = ['threat', 'anger_sustained', 'anger_rising'];
/** Reasons whose reply goes straight to the point: no sympathy sentence before it. */
const STRAIGHT: readonly HandoffReason[] = ['human_requested', 'not_understood', 'health_safety'];

/**
 * Hands the conversation to a person: tells the buyer (after one acknowledgement, of the problem if
 * that was not done yet, or of the anger behind a threat), writes the agent's summary and moves the
 * case to step 'handoff'. `reasons[0]` is the main reason, the one the buyer's reply speaks about.
 * `told`: the buyer already heard that a person takes over.
 */
export function handOver(
  c: TurnContext,
  reasons: HandoffReason[],
  rule: string | null,
  extra: { needsApproval?: boolean; demanded?: number | null; told?: boolean } = {},
): void {
  const s = c.s;
  const needsApproval = extra.needsApproval === true;
  const priority = priorityOf(c, reasons, needsApproval);
  const main = reasons[0]!;
  // One acknowledgement per reply, as warm as the buyer is angry; the handoff sentence itself has none.
  if (!STRAIGHT.includes(main) && !c.acknowledgedNow) {
    const feelings = FEELINGS.includes(main);
    const level = feelings ? (Math.max(1, angerLevel(c)) as AngerLevel) : angerLevel(c);
    const problem = s.problem === 'health' ? null : (s.problem ?? null);
    const item = itemName(c.order, c.lang);
    let ack: string[] | null = null;
    if (!s.acknowledged && (s.problem || c.a.anger >= 0.35 || feelings)) ack = c.b.ack(problem, item, level);
    // The problem was acknowledged before; now it is the anger that needs hearing.
    else if (feelings) ack = c.b.ack(null, item, level);
    if (ack) {
      say(c, pick(c, ack, 'ack'));
      s.acknowledged = true;
      c.acknowledgedNow = true;
    }
  }
  if (!extra.told) say(c, pick(c, c.b.handoff(main), 'handoff'));
  if (reasons.includes('health_safety')) say(c, c.b.healthAdvice);
  const summary = handoffSummary(s, c.order, reasons, c.lang, { demanded: extra.demanded ?? null, rule });
  c.handoff = { reasons, priority, summary, ...(needsApproval ? { needs_approval: true } : {}) };
  s.step = 'handoff';
  clearQuestion(s);
  s.handoff = { reasons, priority };
  s.policy_rule = rule ?? s.policy_rule;
  c.rule = rule ?? `escalation.${main}`;
}

/** The order is worth enough that a person handles any dispute about it. */
export function highValue(c: TurnContext): boolean {
  return c.order !== null && c.order.amount >= c.policy.escalation.high_value_amount;
}

/** The buyer has turned down the bot's offers as often as the policy lets the bot try. */
export function refusedTooOften(c: TurnContext): boolean {
  return c.s.refusals >= c.policy.escalation.refusals;
}

/** The bot failed to understand the buyer as often as the policy lets it try. */
export function notUnderstoodTooOften(c: TurnContext): boolean {
  return c.s.not_understood >= c.policy.escalation.not_understood_turns;
}

/** Anger at or above the threshold for the last N turns. */
function angerSustained(c: TurnContext): boolean {
  const n = c.policy.escalation.anger_sustained_turns;
  const last = c.s.anger.slice(-n);
  return last.length >= n && last.every((a) => a >= c.policy.escalation.anger_threshold);
}

/** Anger rising turn after turn, by a clear margin, up to a level worth a person's attention. */
function angerRising(c: TurnContext): boolean {
  const e = c.policy.escalation;
  const last = c.s.anger.slice(-e.anger_rising_turns);
  if (last.length < e.anger_rising_turns) return false;
  for (let i = 1; i < last.length; i++) if (last[i]! <= last[i - 1]!) return false;
  return (
    last[last.length - 1]! - last[0]! >= e.anger_rising_delta && last[last.length - 1]! >= e.anger_rising_min
  );
}

/** The triggers that hand over at once, whatever the dialogue was doing. True when it handed over. */
export function escalate(c: TurnContext): boolean {
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

/** A person holds (or will soon hold) the conversation: short holding replies; new danger raises the case. */
export function whileHeld(c: TurnContext): void {
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
