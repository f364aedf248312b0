import type { Problem } from '../../nlu/types.ts';
import type { PolicyFacts, RemedyFacts } from './types.ts';

// The wording of a case: acknowledgements, remedies, promises and the rules behind them. Our own
// wording, short, warm, concrete; never copied from eval data.

export function money(amount: number, currency: string): string {
  const n = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  if (currency === 'CNY') return `¥${n}`;
  if (currency === 'USD') return `$${n}`;
  return `${n} ${currency}`;
}

export function hoursText(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)}分钟内`;
  if (hours % 24 === 0 && hours >= 48) return `${hours / 24}天内`;
  return `${hours}小时内`;
}

function payerText(payer: RemedyFacts['payer']): string {
  return payer === 'buyer' ? '寄回的运费由您承担' : '来回运费都由我们承担';
}

export const PROBLEM_WORDS: Record<Problem, string> = {
  health: '身体不适',
  damaged: '破损',
  wrong_item: '发错货',
  missing: '少发',
  quality: '质量问题',
  delivery: '物流',
  changed_mind: '不想要了',
  ordered_wrong: '拍错了',
};

export function ackLines(problem: Problem | null, item: string, level: 0 | 1 | 2): string[] {
  const it = item || '商品';
  switch (problem) {
    case 'damaged':
      return [
        [`收到的${it}是坏的，确实很扫兴。`, `${it}到手就有破损，换谁都会失望。`],
        [`满心期待拆开包裹，${it}却是坏的，真的太让人失望了。`, `${it}一到手就坏了，这种心情我特别理解。`],
        [
          `好好的${it}到您手里却是坏的，您这么生气完全可以理解，换作是我也会很恼火。`,
          `等了几天收到一个坏的${it}，难怪您这么气，这确实不应该发生。`,
        ],
      ][level]!;
    case 'wrong_item':
      return [
        [`收到的和您下单的${it}对不上，确实挺耽误事的。`, `包裹里不是您要的${it}，这肯定让人着急。`],
        [`等来的却不是自己要的${it}，换谁都会不开心。`, `拆开发现不是您买的${it}，这种落差我能理解。`],
        [
          `满心等着${it}，结果收到的不对，您生气是完全有道理的。`,
          `东西发得不对，还让您白等一场，您这么恼火我完全理解。`,
        ],
      ][level]!;
    case 'missing':
      return [
        [`包裹里少了东西，确实让人不放心。`, `收到的件数和下单的对不上，这肯定让人着急。`],
        [`付了全款却少收了东西，换谁心里都不舒服。`, `开箱发现少了${it}，真的挺闹心的。`],
        [`付了钱却没收全，您生气完全可以理解。`, `少发这种事让您这么窝火，我非常理解。`],
      ][level]!;
    case 'quality':
      return [
        [`${it}用起来有问题，确实很影响心情。`, `刚买的${it}就出毛病，这确实让人失望。`],
        [`新买的${it}就不好用，换谁都会失望。`, `${it}这样的质量让您闹心了，我很理解。`],
        [`花了钱买到不好用的${it}，您这么生气完全有道理。`, `${it}出了问题还要来回折腾，难怪您这么恼火。`],
      ][level]!;
    case 'delivery':
      return [
        [`一直等包裹确实让人着急。`, `包裹迟迟不到，心里肯定不踏实。`],
        [`等了这么久还没收到，换谁都会着急。`, `包裹一直没动静，真的挺让人心烦的。`],
        [`等了这么久东西还没到，您着急上火完全可以理解。`, `一直收不到货，您生气是完全有道理的。`],
      ][level]!;
    case 'changed_mind':
    case 'ordered_wrong':
      return [
        [`明白，${it}不太合适的话，我来帮您看看怎么处理最方便。`, `了解，买到不合适的东西确实挺纠结的。`],
        [`理解您的心情，买到不合适的东西确实闹心。`, `能感觉到您有点着急，我们一起看看怎么处理。`],
        [
          `能感觉到您现在很不痛快，我们先把事情理清楚，一定给您一个说法。`,
          `您的心情我理解，先别急，我来一步步帮您处理。`,
        ],
      ][level]!;
    default:
      return [
        [`了解您的情况了。`, `明白，遇到这种事确实闹心。`],
        [`遇到这种情况确实让人心烦，我很理解。`, `能感觉到您挺着急的，我在的。`],
        [`您这么生气完全可以理解。`, `让您这么不愉快，您的心情我完全理解。`],
      ][level]!;
  }
}

export function remedyLabel(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  switch (r.remedy) {
    case 'refund_only':
      return `全额退款 ${m}`;
    case 'return_refund':
      return `退货退款：寄回后退您 ${m}`;
    case 'exchange':
      return `换货：给您换一件新的`;
    case 'reship':
      return r.missing ? `补发：把少发的寄给您` : `补发：再给您寄一件新的`;
    case 'partial_refund':
      return r.percent ? `部分退款：退您 ${m}（${r.percent}%），商品留着用` : `退还少发部分的货款 ${m}`;
    case 'coupon':
      return `送您一张 ${m} 优惠券`;
    case 'intercept':
      return `拦截包裹，退回后全额退款 ${m}`;
    case 'cancel_order':
      return r.amount > 0 ? `取消订单，全额退款 ${m}` : `取消订单`;
  }
}

export function summary(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  const when = hoursText(r.hours);
  switch (r.remedy) {
    case 'refund_only':
      return `确认一下：订单全额退款 ${m}，${when}原路退回，不需要寄回任何东西。`;
    case 'cancel_order':
      return r.amount > 0
        ? `确认一下：取消这笔订单，货款 ${m} ${when}原路退回。`
        : `确认一下：为您取消这笔还没付款的订单，不产生任何费用。`;
    case 'intercept':
      return `确认一下：我们联系快递拦截包裹，包裹退回后全额退款 ${m}，${when}办好拦截。`;
    case 'return_refund':
      return `确认一下：退货退款 ${m}，退货地址和运单${when}发给您，我们收到退货后24小时内退款；${payerText(r.payer)}。`;
    case 'exchange':
      return `确认一下：给您换一件新的${r.item || '商品'}，${when}发出；原来那件用我们发的运单寄回，${payerText(r.payer)}。`;
    case 'reship':
      return r.missing
        ? `确认一下：把少发的商品给您补寄过去，${when}发出，运费我们出。`
        : `确认一下：给您补发${r.item || '一件新的'}，${when}发出，原来的不用寄回，运费我们出。`;
    case 'partial_refund':
      return r.missing
        ? `确认一下：退还少发部分的货款 ${m}，${when}原路退回。`
        : `确认一下：退您 ${m}，${when}原路退回，商品您留着，不用寄回。`;
    case 'coupon':
      return `确认一下：送您一张 ${m} 的无门槛优惠券，${when}发到您的账户，下次下单直接可用。`;
  }
}

export function promise(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  const when = hoursText(r.hours);
  switch (r.remedy) {
    case 'refund_only':
    case 'partial_refund':
      return `退款 ${m} 将在${when}原路退回`;
    case 'cancel_order':
      return r.amount > 0 ? `订单已取消，${m} 将在${when}原路退回` : `订单已经取消，不会产生任何费用`;
    case 'intercept':
      return `包裹将在${when}拦截，退回后全额退款 ${m}`;
    case 'return_refund':
      return `退货运单将在${when}发给您，收到退货后退款 ${m}`;
    case 'exchange':
      return `换货的${r.item || '商品'}将在${when}发出`;
    case 'reship':
      return r.missing ? `少发的商品将在${when}补寄发出` : `补发的${r.item || '商品'}将在${when}发出`;
    case 'coupon':
      return `${m} 优惠券将在${when}发到您的账户`;
  }
}

export function rule(id: string, f: PolicyFacts): string | null {
  switch (id) {
    case 'not_shipped.refund_at_once':
      // Unpaid: the confirmation says it all, there is nothing to refund.
      return f.unpaid ? null : '订单还没发货，可以直接为您取消并全额退款。';
    case 'in_transit.wait_or_intercept':
      return '包裹已经在路上了，退款需要先把包裹拦截退回。';
    case 'delivered.shop_fault.damaged':
      return '运输中损坏属于我们的责任，处理过程中的运费都由我们承担。';
    case 'delivered.shop_fault.wrong_item':
      return '发错货是我们的失误，换货和寄回的运费都由我们承担。';
    case 'delivered.shop_fault.missing':
      return '少发是我们的责任，补发或退差价都不需要您承担任何费用。';
    case 'delivered.shop_fault.quality':
      return '质量问题由我们负责，需要寄回时运费也由我们承担。';
    case 'no_reason_return.within_window':
      return `签收${f.no_reason_days}天内、商品不影响二次销售（${f.resaleable}），都可以无理由退换，寄回运费由您承担。`;
    case 'no_reason_return.not_resaleable':
      return `七天无理由退货要求商品不影响二次销售（${f.resaleable}）；已经穿过、洗过或用过的，就没办法无理由退了。`;
    case 'no_reason_return.excluded_category':
      return `${f.category ?? '这类商品'}不支持七天无理由退货，这是这类商品的售后规则。`;
    case 'past_window.shop_fault':
      return `虽然已经过了${f.no_reason_days}天的无理由期，但商品本身有问题，我们依然负责到底。`;
    case 'past_window.beyond_limit':
      return `商品签收已经${f.days_since_delivery ?? ''}天了，超出了我能直接处理的期限。`;
    case 'delivered.not_received':
      return '物流显示已签收但您没有收到，这需要同事联系快递核实。';
    case 'past_window.buyer_reason':
      return `商品签收已经超过${f.no_reason_days}天，不在无理由退货的期限内了。`;
    default:
      return null;
  }
}

const POLICY_SHIPPING =
  '退回运费看原因：质量问题、破损、发错或少发是我们的责任，运费由我们承担；不喜欢、拍错这类个人原因，寄回运费由您承担。';

export function policy(topic: string, f: PolicyFacts): string {
  switch (topic) {
    case 'shipping':
      return POLICY_SHIPPING;
    case 'window':
      return `签收后${f.no_reason_days}天内可以申请无理由退货，商品需要不影响二次销售：${f.resaleable}。商品有质量问题的话不受这个限制。`;
    case 'excluded':
      return `这几类不支持七天无理由退货：${f.excluded.join('、')}。不过商品有质量问题、破损或发错的，照样可以找我处理。`;
    case 'refund_time':
      return `退款确认后会在${hoursText(f.refund_hours)}原路退回，银行卡到账可能还要多等1–3个工作日。`;
    case 'how_to':
      return '直接在这里告诉我订单号和遇到的问题就行，我会按店铺规则马上给您办理，不用另外填表。';
    default:
      return `简单说：签收${f.no_reason_days}天内可以无理由退货（${f.resaleable}）；${POLICY_SHIPPING}`;
  }
}
