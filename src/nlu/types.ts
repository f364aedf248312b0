/**
 * The NLU contract: what `analyze()` returns for one buyer message. The names are the taxonomy of
 * ../shared/INTENTS.md and are used by tests and evaluations outside this repo: keep them stable.
 */
export const INTENTS = [
  'health_safety',
  'damaged_item',
  'wrong_item',
  'missing_item',
  'quality_issue',
  'delivery_problem',
  'refund_request',
  'return_request',
  'exchange_request',
  'cancel_order',
  'change_order',
  'case_status',
  'compensation_demand',
  'policy_question',
  'complaint',
  'human_agent',
  'greeting',
  'thanks',
  'affirm',
  'deny',
  'provide_info',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

export type Language = 'zh' | 'en' | 'mixed';

/** What went wrong, as a slot that survives choosing one intent ("杯子碎了，我要退款" → problem damaged). */
export const PROBLEMS = [
  'health',
  'damaged',
  'wrong_item',
  'missing',
  'quality',
  'delivery',
  'changed_mind',
  'ordered_wrong',
] as const;
export type Problem = (typeof PROBLEMS)[number];

/** Remedy codes (DESIGN.md contract). */
export const REMEDIES = [
  'refund_only',
  'return_refund',
  'exchange',
  'reship',
  'partial_refund',
  'coupon',
  'intercept',
  'cancel_order',
] as const;
export type Remedy = (typeof REMEDIES)[number];

export const THREATS = [
  'bad_review',
  'platform_complaint',
  'regulator',
  'exposure',
  'lawyer',
  'police',
  'chargeback',
] as const;
export type Threat = (typeof THREATS)[number];

export type EntityType =
  | 'order_id'
  | 'tracking_number'
  | 'amount'
  | 'quantity'
  | 'date'
  | 'phone'
  | 'email'
  | 'photo';

/** An entity with its span in the original text ([start, end) in UTF-16 code units). */
export interface Entity {
  type: EntityType;
  /** Normalised value: order ids upper-cased without spaces, amounts as a decimal string, dates ISO. */
  value: string;
  /** The text as the buyer wrote it (empty for attachments). */
  raw: string;
  start: number;
  end: number;
  /** For amounts: CNY | USD. */
  currency?: string;
}

/** Resale condition cues for a no-reason return ("吊牌还在" → resaleable, "洗过了" → used). */
export type ItemCondition = 'resaleable' | 'used';

export type EscalationReason =
  | 'health_safety'
  | 'threat'
  | 'anger'
  | 'human_requested'
  | 'compensation_demand';

export interface Analysis {
  intent: Intent;
  /** Calibrated probability of `intent`, 0..1. */
  confidence: number;
  /** The top intents with their probabilities, best first (at most 3). */
  ranking: { intent: Intent; confidence: number }[];
  language: Language;
  entities: Entity[];
  /** 0..1 */
  anger: number;
  threats: Threat[];
  slots: { problem?: Problem; wants?: Remedy; condition?: ItemCondition };
  escalate: boolean;
  escalation_reasons: EscalationReason[];
  /** True when the text was longer than the analysed cap and only its start was analysed. */
  truncated: boolean;
}
