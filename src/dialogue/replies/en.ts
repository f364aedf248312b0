import type { Problem } from '../../nlu/types.ts';
import type { PolicyFacts, RemedyFacts, ReplyBook } from './types.ts';

// Our own wording for a shop's after-sales chat: short, warm, concrete. Never copied from eval data.

function money(amount: number, currency: string): string {
  const n = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  if (currency === 'CNY') return `¥${n}`;
  if (currency === 'USD') return `$${n}`;
  return `${n} ${currency}`;
}

function within(hours: number): string {
  if (hours < 1) return `within ${Math.round(hours * 60)} minutes`;
  if (hours % 24 === 0 && hours >= 48) return `within ${hours / 24} days`;
  return `within ${hours} hour${hours === 1 ? '' : 's'}`;
}

function payerText(payer: RemedyFacts['payer']): string {
  return payer === 'buyer' ? 'return shipping is on you' : 'we cover all the shipping';
}

function the(item: string): string {
  return item ? `the ${item}` : 'your item';
}

const PROBLEM_WORDS: Record<Problem, string> = {
  health: 'the reaction',
  damaged: 'the damage',
  wrong_item: 'what you received',
  missing: 'what arrived',
  quality: 'the fault',
  delivery: 'the parcel',
  changed_mind: 'the item',
  ordered_wrong: 'the item',
};

function ackLines(problem: Problem | null, item: string, level: 0 | 1 | 2): string[] {
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
        [`No problem — if ${it} isn't right for you, let's find the easiest way.`, `Understood, it happens.`],
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
        [
          `I completely understand why you're upset, and I'll take care of it.`,
          `I'm really sorry this has been so frustrating.`,
        ],
      ][level]!;
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function remedyLabel(r: RemedyFacts): string {
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

function summary(r: RemedyFacts): string {
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

function promise(r: RemedyFacts): string {
  const m = money(r.amount, r.currency);
  const when = within(r.hours);
  switch (r.remedy) {
    case 'refund_only':
    case 'partial_refund':
      return `your refund of ${m} will be back on your original payment method ${when}`;
    case 'cancel_order':
      return r.amount > 0
        ? `the order is cancelled and ${m} will be refunded ${when}`
        : `the order will be cancelled ${when}`;
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

function rule(id: string, f: PolicyFacts): string | null {
  switch (id) {
    case 'not_shipped.refund_at_once':
      return `The order hasn't shipped yet, so it can be cancelled and refunded in full right away.`;
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

function policy(topic: string, f: PolicyFacts): string {
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

export const en: ReplyBook = {
  money,
  due(at, timezone) {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('day')} ${get('month')}, ${get('hour')}:${get('minute')}`;
  },
  greet: [
    "Hi, I'm the shop's after-sales assistant. Tell me what's wrong with your order, or what you'd like to return or exchange.",
    'Hello! Problems with an order, returns, refunds or tracking — how can I help?',
    "Hi there, I'm here. What can I do for you?",
  ],
  here: ["I'm here.", "Yes, I'm still here.", "I'm listening."],
  askOrderPick: [
    'Which order is it? Tap one below, or send me the order number.',
    'Let me check the right order first — pick it below or type the order number.',
  ],
  askOrderNumber: [
    "Could you send me the order number? I'll look it up right away.",
    "What's the order number? I'll check it now.",
  ],
  orderNotFound: (id) => [
    `I couldn't find order ${id}. Could you double-check the number?`,
    `Order ${id} doesn't show up on my side — maybe a digit is off?`,
  ],
  orderOption: (id, item, amount) => `${id} ${item} ${amount}`,
  wrongOrder: ['Sorry, my mistake. Which order do you mean?', 'Got it, wrong order. Which one is it?'],
  askProblem: (item) => [
    `What's the problem with ${the(item)}?`,
    `Could you tell me what's wrong with ${the(item)}?`,
    `What happened with ${the(item)}?`,
  ],
  problemOption: {
    damaged: 'Arrived damaged',
    wrong_item: 'Wrong item',
    missing: 'Something missing',
    quality: 'Faulty',
    ordered_wrong: 'Ordered the wrong size or model',
    changed_mind: "Don't want it",
  },
  ack: ackLines,
  apology: (responsibility, level) =>
    responsibility === 'buyer'
      ? [[''], ["Don't worry, we'll sort it out."], ["Don't worry, we'll sort it out."]][level]!
      : [
          ["I'm sorry you've had this experience.", 'Sorry about the trouble.'],
          ["I'm really sorry you've had to deal with this.", 'My sincere apologies for the hassle.'],
          [
            "I'm truly sorry, and I'll see this through for you personally.",
            "I'm very sorry — I'll get this fixed for you as fast as I can.",
          ],
        ][level]!,
  askPhoto: (problem, item) => [
    `Could you send a photo showing ${PROBLEM_WORDS[problem]}? Then I can sort it out quickly.`,
    `Please snap a photo of ${the(item)} so I can see ${PROBLEM_WORDS[problem]} — I'll take it from there.`,
  ],
  photoThanks: ['Thanks for the photo.', 'Got the photo, thank you.', 'Photo received, thanks.'],
  noPhoto: ["That's fine — without a photo, a colleague will check the details with you directly."],
  askCondition: (item, resaleable) => [
    `Quick check on ${the(item)}: is it still resaleable — ${resaleable}?`,
    `A no-reason return needs the item resaleable: ${resaleable}. Is ${the(item)} still like that?`,
  ],
  conditionOption: { resaleable: "Yes, it's like new", used: "It's been worn or used" },
  remedyLabel,
  offerIntro: [
    'Here is what we can do — which suits you best?',
    'A few options for you:',
    'You can choose one of these:',
  ],
  chooseHint: (count) =>
    count === 2 ? 'Just reply 1 or 2.' : `Just reply with a number from 1 to ${count}.`,
  rule,
  wantsRefused: (wants, shopFault) =>
    shopFault
      ? 'Under the shop rules, these are the options I can arrange for you straight away.'
      : wants === 'refund_only'
        ? "A refund without returning the item is for orders that never arrived or arrived with a problem; otherwise it's a return and refund."
        : "I'm afraid that option isn't something the shop's rules let me arrange.",
  summary,
  confirmAsk: ['Tap "Confirm" if that works for you.', 'Does that work? Reply "confirm" and it is done.'],
  confirmOption: { yes: 'Confirm', no: 'Something else' },
  promise,
  settled: (p) => [
    `Done: ${p}. I'll let you know as soon as it's through.`,
    `All set — ${p}. I'll keep you posted.`,
  ],
  refusedRetry: [
    'I understand none of those feels right. What would you prefer? Or pick one again below:',
    'Fair enough. Would any of these still work, or tell me what you have in mind:',
  ],
  refusedOthers: ['Okay, how about this instead:', 'No problem, here is another way:'],
  waitOrIntercept: (tracking) => [
    `Your parcel is already on its way${tracking ? ` (${tracking})` : ''} and should arrive soon. I'd suggest waiting a little; if you really don't want it, I can intercept it and refund you once it's back.`,
    `The parcel is in transit${tracking ? `: ${tracking}` : ''}. If you can, wait for it; otherwise I can have it stopped and refund you when it returns.`,
  ],
  waitOption: { wait: "I'll wait", intercept: 'Intercept and refund' },
  waitOk: [
    "Great, let's wait for it. If anything's wrong when it arrives, just message me.",
    "Sounds good — I'm here if anything comes up.",
  ],
  tracking: (tracking) => [
    tracking
      ? `I checked: your parcel's latest status is "${tracking}". It should be with you soon.`
      : 'Your parcel has shipped and is on its way; it should be with you soon.',
  ],
  urgeShipping: (hours) => [
    `Your order hasn't shipped yet — I've chased the warehouse and it will ship ${within(hours)}. I'll tell you when it does.`,
    `I've asked the warehouse to hurry; it ships ${within(hours)} and I'll let you know.`,
  ],
  orderClosed: (state) =>
    state === 'cancelled'
      ? ['That order is already cancelled; any payment goes back to your original payment method.']
      : ['That order has already been refunded to your original payment method.'],
  noRemedy: [
    "If something is actually wrong with the item, like damage or a fault, tell me and I'll help right away.",
  ],
  handoff: (reason) => {
    switch (reason) {
      case 'health_safety':
        return [
          "Your health comes first. I've flagged this as urgent for a colleague, who will contact you shortly.",
        ];
      case 'threat':
        return [
          "I hear you, and I take this seriously. I've asked a supervisor to handle it personally; they'll be with you soon.",
          'I understand how strongly you feel. A supervisor is taking this over and will contact you shortly.',
        ];
      case 'human_requested':
        return [
          'Of course — connecting you with a colleague now, one moment please.',
          'Sure, a person will take over in a moment.',
        ];
      case 'compensation_beyond_authority':
        return [
          "That amount is beyond what I can agree to myself. I've passed the case to a colleague, who will confirm with you soon.",
        ];
      case 'outside_policy':
        return [
          "This needs a colleague's decision. I've passed everything on, and they'll contact you soon.",
        ];
      case 'anger_sustained':
      case 'anger_rising':
        return [
          "I'm really sorry this has made you so upset. A colleague will take over now so you don't have to repeat yourself.",
        ];
      case 'not_understood':
        return ["Sorry, I'm not getting it right. So I don't waste your time, a colleague will take over."];
      case 'remedies_refused':
        return ["None of these suits you, so I've asked a colleague to work out a better option with you."];
      case 'high_value_order':
        return [
          "This is a high-value order, so a specialist colleague will handle it to make sure it's done right.",
        ];
    }
  },
  healthAdvice:
    'Until they reach you: please stop using the product and keep it together with its packaging; if you feel seriously unwell, see a doctor and keep the records.',
  holding: [
    "Your messages are with a colleague, who'll reply shortly.",
    'A colleague is on it and can see everything you write.',
  ],
  notUnderstood: [
    "Sorry, I didn't quite get that. Could you put it another way — for example, what's wrong with your order?",
    "Sorry, I'm not sure what you mean. Is it about a refund, a return or exchange, or a delivery?",
  ],
  outOfScope: [
    "I'm afraid I can't help with that — I handle after-sales: refunds, returns, exchanges and deliveries.",
    "That's outside what I can do. For refunds, returns or delivery issues, I'm right here.",
  ],
  question: ['What would you like to know? Refunds, returns, shipping costs — ask away.'],
  repeatPrefix: ['To repeat:', 'Once more:'],
  thanks: [
    "You're welcome — message me any time!",
    'My pleasure. Have a lovely day!',
    'Happy to help. Anything else, just ask.',
  ],
  thanksPending: ["You're welcome.", 'No problem.'],
  anythingElse: ['Is there anything else I can help with?', 'Anything else I can do for you?'],
  askSatisfaction: [
    'Could you rate this conversation from 1 (poor) to 5 (great)?',
    'One last thing: how would you rate my help, 1 to 5?',
  ],
  satisfactionOption: (score) => (score === 5 ? '5 great' : score === 1 ? '1 poor' : String(score)),
  satisfactionThanks: (score) =>
    score >= 4
      ? ['Thank you for the rating! Have a great day.', 'Thanks! Message me any time.']
      : [
          "Thanks for being honest — sorry we fell short, we'll work on it.",
          "Thank you for the feedback; we'll do better.",
        ],
  statusOpen: (p, due) => [
    `I checked: ${p} — by ${due} at the latest. I'll let you know when it's done.`,
    `Here's where it stands: ${p}, due by ${due}. I'll message you as soon as it's through.`,
  ],
  statusOverdue: (p, due) => [
    `I checked: ${p} — it was due by ${due} and is now late. I'm very sorry; I've asked a colleague to hurry it.`,
  ],
  statusDone: (p) => [`That's done: ${p}. If you don't see it yet, banks can take a little longer.`],
  statusNone: [
    "I don't see an after-sales request for this order yet. Would you like a refund, a return or an exchange? Tell me what happened and I'll start it.",
  ],
  orderState: (state, tracking) => {
    const names: Record<string, string> = {
      unpaid: 'awaiting payment',
      paid: 'paid, not shipped yet',
      shipped: 'shipped, in transit',
      delivered: 'delivered',
      cancelled: 'cancelled',
      refunded: 'refunded',
    };
    return `This order is currently ${names[state] ?? state}${tracking ? ` (${tracking})` : ''}.`;
  },
  policy,
  changeOrder: [
    "Changing order details needs a colleague with access to the order; I've passed it on and they'll update it soon.",
  ],
  nudge: [
    "Still there? Reply whenever it suits you and we'll carry on.",
    "Hi again — shall we continue? Just reply and I'll pick it up.",
  ],
  followKept: (p) => [`Good news: ${p} — that's done now. Anything else, just message me!`],
  followOverdue: (p) => [
    `I owe you an update: ${p} — it's now past the time we promised. I'm sorry; I've escalated it and a colleague is following up.`,
  ],
  resumeAgreed: (s) => [
    `Hi, the assistant here again. What my colleague agreed with you: ${s}. I'll follow it through.`,
  ],
  resumeResolved: (note) => [
    note
      ? `Hi, the assistant here again. My colleague has sorted it: ${note}.`
      : 'Hi, the assistant here again. My colleague has sorted it out.',
  ],
  resumeBack: ['Hi, the assistant here again. Is there anything else I can help with?'],
  notice: ({ agentsOnline, expectedWaitMinutes, opensAt }) => {
    if (opensAt)
      return `We're closed right now; a colleague will pick this up first thing when we open at ${opensAt}. Your messages are kept.`;
    if (agentsOnline === 0)
      return "No colleague is online at the moment; you're in the queue and they'll contact you as soon as they're back.";
    if (expectedWaitMinutes <= 1) return 'A colleague will be with you in a moment.';
    return `A colleague will take over in about ${expectedWaitMinutes} minutes. Feel free to keep adding details.`;
  },
  noticeHealth: "If you feel worse while you wait, see a doctor right away; don't wait for our reply.",
  otherLanguage:
    '抱歉，我目前只能用中文或英文为您服务。Sorry, I can help in Chinese or English only — could you write in one of them?',
  photoWhy: [
    'The photo lets me confirm it myself and settle it right away, without waiting for a manual check.',
    'With a photo I can sort this out on the spot instead of sending it for review — it saves you time.',
  ],
};
