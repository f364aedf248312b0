import { z } from 'zod';
import { PROBLEMS, REMEDIES } from '../nlu/types.ts';

/** Who is responsible for a problem, and who pays a return's shipping. */
export const PartySchema = z.enum(['shop', 'buyer']);
export type Party = z.infer<typeof PartySchema>;

const RemedySchema = z.enum(REMEDIES);
const RemedyListSchema = z.array(RemedySchema);
const TextSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const Hours = z
  .number()
  .positive()
  .max(24 * 60);
const Amount = z.number().nonnegative();

const PROBLEM_KEYS = Object.fromEntries(PROBLEMS.map((p) => [p, true])) as Record<
  (typeof PROBLEMS)[number],
  true
>;

/** One entry per problem, every problem required: a policy that forgets one fails at load. */
function perProblem<T extends z.ZodType>(value: T) {
  return z
    .object(Object.fromEntries(Object.keys(PROBLEM_KEYS).map((p) => [p, value])))
    .strict() as z.ZodObject<Record<(typeof PROBLEMS)[number], T>>;
}

const PRIORITY = z.enum(['urgent', 'high', 'normal']);

/** Stable snake_case handoff reason codes (the handoff desk and reports count them). */
export const HANDOFF_REASONS = [
  'health_safety',
  'threat',
  'compensation_beyond_authority',
  'outside_policy',
  'anger_sustained',
  'anger_rising',
  'human_requested',
  'not_understood',
  'remedies_refused',
  'high_value_order',
] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** The shop policy file (policy/default.yaml documents every field). */
export const PolicySchema = z
  .object({
    version: z.literal(1),
    currency: z.string().min(3).max(3),
    timezone: z.string().min(1).default('Asia/Shanghai'),
    return_window: z
      .object({
        no_reason_days: z.number().int().min(0).max(365),
        shop_fault_days: z.number().int().min(0).max(3650),
        resaleable: TextSchema,
      })
      .strict(),
    excluded_categories: z.array(
      z
        .object({
          category: z.string().min(1),
          when: z.enum(['always', 'opened']).default('always'),
          label: TextSchema,
        })
        .strict(),
    ),
    responsibility: perProblem(PartySchema),
    return_shipping: z.object({ shop: PartySchema, buyer: PartySchema }).strict(),
    evidence: perProblem(z.enum(['photo', 'none'])),
    remedies: z
      .object({
        not_shipped: RemedyListSchema.min(1),
        in_transit: RemedyListSchema,
        delivered: z
          .object({
            damaged: RemedyListSchema,
            wrong_item: RemedyListSchema,
            missing: RemedyListSchema,
            quality: RemedyListSchema,
            changed_mind: RemedyListSchema,
            ordered_wrong: RemedyListSchema,
          })
          .strict(),
        not_resaleable: RemedyListSchema,
        excluded_category: RemedyListSchema,
        past_window_shop_fault: RemedyListSchema,
      })
      .strict(),
    authority: z
      .object({
        max_refund: Amount,
        max_coupon: Amount,
        coupon_amount: Amount,
        partial_refund_percent: z.partialRecord(z.enum(PROBLEMS), z.number().min(0).max(100)),
        max_partial_refund_percent: z.number().min(0).max(100),
        agent_limit: Amount,
      })
      .strict()
      .refine((a) => a.coupon_amount <= a.max_coupon, {
        message: 'coupon_amount must not exceed max_coupon',
        path: ['coupon_amount'],
      })
      .refine(
        (a) => Object.values(a.partial_refund_percent).every((p) => p <= a.max_partial_refund_percent),
        {
          message: 'every partial_refund_percent must be at most max_partial_refund_percent',
          path: ['partial_refund_percent'],
        },
      ),
    promise_hours: z
      .object({
        refund_only: Hours,
        cancel_order: Hours,
        intercept: Hours,
        return_refund: Hours,
        exchange: Hours,
        reship: Hours,
        partial_refund: Hours,
        coupon: Hours,
        ship: Hours,
      })
      .strict(),
    escalation: z
      .object({
        anger_threshold: z.number().min(0).max(1),
        anger_sustained_turns: z.number().int().min(1).max(20),
        anger_rising_turns: z.number().int().min(2).max(20),
        anger_rising_delta: z.number().min(0).max(1),
        anger_rising_min: z.number().min(0).max(1),
        not_understood_turns: z.number().int().min(1).max(20),
        refusals: z.number().int().min(1).max(20),
        min_confidence: z.number().min(0).max(1),
        high_value_amount: Amount,
        priorities: z
          .object(Object.fromEntries(HANDOFF_REASONS.map((r) => [r, PRIORITY])))
          .strict() as z.ZodObject<Record<HandoffReason, typeof PRIORITY>>,
      })
      .strict(),
    follow_up: z
      .object({
        idle_nudge_minutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60),
      })
      .strict(),
  })
  .strict();

/** A validated shop policy. */
export type Policy = z.infer<typeof PolicySchema>;
