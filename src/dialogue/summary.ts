import type { Problem, Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import type { Lang } from './replies/types.ts';
import type { CaseState } from './state.ts';

const PROBLEM: Record<Lang, Record<Problem, string>> = {
  zh: {
    health: '健康/安全问题',
    damaged: '商品破损',
    wrong_item: '发错货',
    missing: '少发漏发',
    quality: '质量问题',
    delivery: '物流问题',
    changed_mind: '不想要了',
    ordered_wrong: '拍错了',
  },
  en: {
    health: 'health or safety',
    damaged: 'damaged item',
    wrong_item: 'wrong item',
    missing: 'missing item',
    quality: 'quality problem',
    delivery: 'delivery problem',
    changed_mind: 'changed mind',
    ordered_wrong: 'ordered the wrong thing',
  },
};

const REMEDY: Record<Lang, Record<Remedy, string>> = {
  zh: {
    refund_only: '仅退款',
    return_refund: '退货退款',
    exchange: '换货',
    reship: '补发',
    partial_refund: '部分退款',
    coupon: '优惠券',
    intercept: '拦截退款',
    cancel_order: '取消订单',
  },
  en: {
    refund_only: 'refund only',
    return_refund: 'return and refund',
    exchange: 'exchange',
    reship: 'reship',
    partial_refund: 'partial refund',
    coupon: 'coupon',
    intercept: 'intercept',
    cancel_order: 'cancel order',
  },
};

/** A remedy's short name for agents and summaries. */
export function remedyName(remedy: Remedy, lang: Lang): string {
  return REMEDY[lang][remedy];
}

/**
 * The one-or-two-sentence summary an agent reads first: problem, wanted outcome, order, what was
 * offered and refused, and why the bot handed over.
 */
export function handoffSummary(
  s: CaseState,
  order: Order | null,
  reasons: string[],
  lang: Lang,
  extra: { demanded?: number | null; rule?: string | null },
): string {
  const zh = lang === 'zh';
  const sep = zh ? '；' : '; ';
  const parts: string[] = [];
  parts.push(
    zh
      ? `问题：${s.problem ? PROBLEM.zh[s.problem] : '未说明'}`
      : `Problem: ${s.problem ? PROBLEM.en[s.problem] : 'not stated'}`,
  );
  if (s.wants) parts.push(zh ? `诉求：${REMEDY.zh[s.wants]}` : `wants: ${REMEDY.en[s.wants]}`);
  if (extra.demanded) parts.push(zh ? `索赔 ${extra.demanded}` : `demands ${extra.demanded}`);
  if (order) {
    parts.push(
      zh
        ? `订单 ${order.id}（${order.state}，${order.amount} ${order.currency}，${order.category}）`
        : `order ${order.id} (${order.state}, ${order.amount} ${order.currency}, ${order.category})`,
    );
  } else {
    parts.push(zh ? '订单未确认' : 'order not identified');
  }
  if (s.allowed_remedies.length > 0) {
    const offered = s.allowed_remedies.map((r) => REMEDY[lang][r]).join(zh ? '、' : ', ');
    parts.push(zh ? `已提供：${offered}` : `offered: ${offered}`);
  }
  if (s.refused.length > 0) {
    const refused = s.refused.map((r) => REMEDY[lang][r]).join(zh ? '、' : ', ');
    parts.push(zh ? `已拒绝：${refused}` : `refused: ${refused}`);
  }
  if (extra.rule) parts.push(zh ? `规则：${extra.rule}` : `rule: ${extra.rule}`);
  parts.push(zh ? `转人工原因：${reasons.join(', ')}` : `handed over for: ${reasons.join(', ')}`);
  return parts.join(sep) + (zh ? '。' : '.');
}
