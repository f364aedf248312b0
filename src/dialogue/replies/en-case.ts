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

export function within(hours: number): string {
  if (hours < 1) return `within ${Math.round(hours * 60)} minutes`;
  if (hours % 24 === 0 && hours >= 48) return `within ${hours / 24} days`;
  return `within ${hours} hour${hours === 1 ? '' : 's'}`;
}

function payerText(payer: RemedyFacts['payer']): string {
  return payer === 'buyer' ? 'return shipping is on you' : 'we cover all the shipping';
}

export function the(item: string): string {
  return item ? `the ${item}` : 'your item';
}

export const PROBLEM_WORDS: Record<Problem, string> = {
  health: 'the reaction',
  damaged: 'the damage',
  wrong_item: 'what you received',
  missing: 'what arrived',
  quality: 'the fault',
  delivery: 'the parcel',
  changed_mind: 'the item',
  ordered_wrong: 'the item',
};

export function ackLines(problem: Problem | null, item: string, level: 0 | 1 | 2): string[] {
  const it = the(item);
  switch (problem) {
    case 'damaged':
      return [
        [
          `Sorry to hear ${it} arrived damaged — that's a real letdown.`,
          `${cap(it)} turning up broken is disappointing.`,
        ],
        [
          `You were looking forward to ${it} and it arrived broken — that's genuinely upsetting.`,
          `Opening the box to find ${it} damaged is so frustrating, I understand.`,
        ],
        [
          `I completely understand why you're angry: ${it} should never have reached you broken.`,
          `Waiting days for ${it} only to find it damaged — anyone would be furious.`,
        ],
      ][level]!;
    case 'wrong_item':
      return [
        [
          `So what arrived isn't what you ordered — that's a hassle.`,
          `Getting the wrong item is annoying, I get it.`,
        ],
        [
          `Waiting for ${it} and getting something else is really disappointing.`,
          `That's frustrating — you didn't get what you paid for.`,
        ],
        [
          `You have every right to be angry: you waited and got the wrong thing.`,
          `I understand the anger — a wrong item after all that waiting isn't acceptable.`,
        ],
      ][level]!;
    case 'missing':
      return [
        [`Something's missing from the parcel — let's sort that out.`, `The parcel came short, I see.`],
        [
          `Paying in full and receiving less is really frustrating.`,
          `Finding something missing when you open the box is upsetting, I understand.`,
        ],
        [
          `You paid for everything and didn't get it all — your anger is completely fair.`,
          `I understand how annoying a short delivery is.`,
        ],
      ][level]!;
    case 'quality':
      return [
        [`${cap(it)} not working properly is disappointing.`, `A new purchase with a fault is no fun.`],
        [
          `Something brand new failing on you is genuinely frustrating.`,
          `I understand — ${it} should simply work.`,
        ],
        [
          `You paid good money and ${it} doesn't work — your anger is completely understandable.`,
          `It's maddening when something new fails, I hear you.`,
        ],
      ][level]!;
    case 'delivery':
      return [
        [`Waiting on a parcel is never fun.`, `I understand you want to know where it is.`],
        [
          `It's been a long wait, and that's frustrating.`,
          `Not knowing where your parcel is can be stressful.`,
        ],
        [
          `You've waited long enough — I understand why you're upset.`,
          `Your frustration about the wait is completely fair.`,
        ],
      ][level]!;
    case 'changed_mind':
    case 'ordered_wrong':
      return [
        [`No problem — if it's not right for you, let's find the easiest way.`, `Understood, it happens.`],
        [
          `I understand — it's annoying when something isn't what you wanted.`,
          `I hear you, let's work it out together.`,
        ],
        [
          `I can tell you're upset. Let's take it step by step and get this settled.`,
          `I understand how you feel — let me help you sort it out.`,
        ],
      ][level]!;
    default:
      return [
        [`Thanks for telling me.`, `I see, that's annoying.`],
        [`That sounds frustrating, I understand.`, `I can tell this has been a hassle.`],
        [`I completely understand why you're upset.`, `I can hear how frustrating this has been.`],
      ][level]!;
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function remedyLabel(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  switch (r.remedy) {
    case 'refund_only':
      return `Full refund of ${m}`;
    case 'return_refund':
      return `Return it for a refund of ${m}`;
    case 'exchange':
      return `Exchange it for a new one`;
    case 'reship':
      return r.missing ? `We send the missing part` : `We send a new one`;
    case 'partial_refund':
      return r.percent ? `Keep it with a ${m} refund (${r.percent}%)` : `Refund ${m} for the missing part`;
    case 'coupon':
      return `A ${m} coupon`;
    case 'intercept':
      return `Intercept the parcel, full refund of ${m} once it's back`;
    case 'cancel_order':
      return r.amount > 0 ? `Cancel the order, full refund of ${m}` : `Cancel the order`;
  }
}

export function summary(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  const when = within(r.hours);
  const it = the(r.item);
  switch (r.remedy) {
    case 'refund_only':
      return `To confirm: a full refund of ${m} to your original payment method ${when}; nothing to send back.`;
    case 'cancel_order':
      return r.amount > 0
        ? `To confirm: we cancel the order and refund ${m} ${when}.`
        : `To confirm: we cancel the unpaid order; nothing is charged.`;
    case 'intercept':
      return `To confirm: we ask the carrier to stop the parcel ${when} and refund ${m} once it's back with us.`;
    case 'return_refund':
      return `To confirm: you return ${it} for a refund of ${m}. We send the return label ${when} and refund within 24 hours of receiving it; ${payerText(r.payer)}.`;
    case 'exchange':
      return `To confirm: we ship you a new one ${when} and you send ${it} back with our label; ${payerText(r.payer)}.`;
    case 'reship':
      return r.missing
        ? `To confirm: we send the missing part ${when}, shipping on us.`
        : `To confirm: we send you a replacement ${when}; no need to return anything, shipping is on us.`;
    case 'partial_refund':
      return r.missing
        ? `To confirm: we refund ${m} for the missing part ${when}.`
        : `To confirm: you keep ${it} and we refund ${m} ${when}.`;
    case 'coupon':
      return `To confirm: a ${m} coupon lands in your account ${when}, usable on your next order.`;
  }
}

export function promise(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  const when = within(r.hours);
  switch (r.remedy) {
    case 'refund_only':
    case 'partial_refund':
      return `your refund of ${m} will be back on your original payment method ${when}`;
    case 'cancel_order':
      return r.amount > 0
        ? `the order is cancelled and ${m} will be refunded ${when}`
        : `the order is cancelled; nothing is charged`;
    case 'intercept':
      return `the parcel will be intercepted ${when} and ${m} refunded once it's back`;
    case 'return_refund':
      return `the return label will reach you ${when}, and ${m} is refunded once the return arrives`;
    case 'exchange':
      return `your exchange will ship ${when}`;
    case 'reship':
      return r.missing ? `the missing part will ship ${when}` : `your replacement will ship ${when}`;
    case 'coupon':
      return `a ${m} coupon will be in your account ${when}`;
  }
}

export function rule(id: string, f: PolicyFacts): string | null {
  switch (id) {
    case 'not_shipped.refund_at_once':
      // Unpaid: the confirmation says it all, there is nothing to refund.
      return f.unpaid
        ? null
        : `The order hasn't shipped yet, so it can be cancelled and refunded in full right away.`;
    case 'in_transit.wait_or_intercept':
      return `The parcel is already on its way, so a refund means stopping it and having it sent back first.`;
    case 'delivered.shop_fault.damaged':
      return `Damage in transit is our responsibility, so any shipping is on us.`;
    case 'delivered.shop_fault.wrong_item':
      return `Sending the wrong item is our mistake, so we pay all the shipping.`;
    case 'delivered.shop_fault.missing':
      return `A short delivery is on us, so none of this costs you anything.`;
    case 'delivered.shop_fault.quality':
      return `Quality faults are our responsibility, including any return shipping.`;
    case 'no_reason_return.within_window':
      return `Within ${f.no_reason_days} days of delivery you can return anything that can be resold (${f.resaleable}); return shipping is on you.`;
    case 'no_reason_return.not_resaleable':
      return `A no-reason return needs the item to be resaleable (${f.resaleable}), so worn, washed or used items can't go back that way.`;
    case 'no_reason_return.excluded_category':
      return `${cap(f.category ?? 'this kind of item')} can't be returned without a reason — that's the rule for this category.`;
    case 'past_window.shop_fault':
      return `It's past the ${f.no_reason_days}-day return window, but a fault with the item is still ours to fix.`;
    case 'past_window.beyond_limit':
      return `It's been ${f.days_since_delivery ?? 'many'} days since delivery, longer than I can settle on my own.`;
    case 'delivered.not_received':
      return "The tracking says delivered but you didn't get it, so a colleague needs to check with the carrier.";
    case 'past_window.buyer_reason':
      return `It's been more than ${f.no_reason_days} days since delivery, so the no-reason return window has closed.`;
    default:
      return null;
  }
}

const POLICY_SHIPPING =
  'Return shipping depends on the reason: if it is our fault (damaged, faulty, wrong or missing items) we pay it; if you changed your mind or ordered the wrong thing, it is on you.';

export function policy(topic: string, f: PolicyFacts): string {
  switch (topic) {
    case 'shipping':
      return POLICY_SHIPPING;
    case 'window':
      return `You can return items without a reason within ${f.no_reason_days} days of delivery, as long as they can be resold: ${f.resaleable}. Faulty items are covered beyond that.`;
    case 'excluded':
      return `These can't be returned without a reason: ${f.excluded.join(', ')}. Damaged, faulty or wrong items are still covered.`;
    case 'refund_time':
      return `Once confirmed, a refund goes back to your original payment method ${within(f.refund_hours)}; banks sometimes take 1–3 more working days.`;
    case 'how_to':
      return `Just tell me here your order number and what happened — I'll handle it under the shop's rules, no forms needed.`;
    default:
      return `In short: no-reason returns within ${f.no_reason_days} days of delivery (${f.resaleable}). ${POLICY_SHIPPING}`;
  }
}
