import type { Intent } from './types.ts';

/**
 * INTENTS.md precedence applied to the engine's one-vs-rest scores. Each label's SVM score is read as
 * a detector ("does this message report a missing item?"); among the labels whose detector fires
 * (score ≥ `theta`), the first group of the precedence list wins, and inside a group the higher score.
 * So "物流太慢了，杯子还碎了" is damaged_item even when the delivery words dominate, and "refund
 * please, this is terrible service" is refund_request rather than complaint. A threat making it a
 * complaint (rule 2) is handled by the threat rules before this.
 */
export const PRECEDENCE_GROUPS: readonly (readonly Intent[])[] = [
  ['health_safety'],
  ['human_agent'],
  ['compensation_demand'],
  ['damaged_item', 'wrong_item', 'missing_item', 'quality_issue', 'delivery_problem'],
  [
    'case_status',
    'cancel_order',
    'change_order',
    'exchange_request',
    'return_request',
    'refund_request',
    'policy_question',
  ],
  ['complaint'],
  ['greeting', 'thanks', 'affirm', 'deny', 'provide_info', 'out_of_scope'],
];

const RANK = new Map<string, number>();
PRECEDENCE_GROUPS.forEach((group, rank) => {
  for (const intent of group) RANK.set(intent, rank);
});

/** Precedence group of an intent (0 first); labels outside the taxonomy rank last. */
export function precedenceRank(intent: string): number {
  return RANK.get(intent) ?? PRECEDENCE_GROUPS.length;
}

/**
 * A detector whose label the whole message gives less probability than this does not fire, whatever
 * its score: "好 已经取消" is an ok (0.99), not a cancellation (0.006) that merely comes earlier.
 */
export const PRECEDENCE_MIN_PROBABILITY = 0.05;

/**
 * Index of the label chosen among `scores` (see above); `theta` = Infinity turns precedence off.
 * With `probabilities`, a label under PRECEDENCE_MIN_PROBABILITY never fires.
 */
export function choosePrecedence(
  labels: readonly string[],
  scores: Float64Array,
  theta: number,
  probabilities?: Float64Array,
): number {
  let best = 0;
  for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
  if (!Number.isFinite(theta)) return best;
  let chosen = -1;
  let chosenRank = Number.POSITIVE_INFINITY;
  for (let c = 0; c < scores.length; c++) {
    if (scores[c]! < theta) continue;
    if (probabilities && probabilities[c]! < PRECEDENCE_MIN_PROBABILITY) continue;
    const rank = precedenceRank(labels[c]!);
    if (rank < chosenRank || (rank === chosenRank && scores[c]! > scores[chosen]!)) {
      chosen = c;
      chosenRank = rank;
    }
  }
  return chosen >= 0 ? chosen : best;
}
