import {
  ackLines,
  money,
  PROBLEM_WORDS,
  policy,
  promise,
  remedyLabel,
  rule,
  summary,
  the,
  within,
} from './en-case.ts';
import type { ReplyBook } from './types.ts';

// Our own wording for a shop's after-sales chat: short, warm, concrete. Never copied from eval data.

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
    `I couldn't find order ${id}.`,
    `Order ${id} doesn't show up on my side — maybe a digit is off.`,
  ],
  askOrderRecheck: [
    'Could you double-check the number and send it again?',
    'Could you check the order number once more?',
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
  noPhoto: [
    "That's fine — without a photo, a colleague will check the details with you directly. I've passed everything on, and they'll contact you soon.",
  ],
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
  whichOne: ['Sure — which one?', 'Happy to — which one would you like?'],
  rule,
  wantsRefused: (wants, shopFault, returnPossible) =>
    shopFault
      ? 'Under the shop rules, these are the options I can arrange for you straight away.'
      : wants === 'refund_only' && returnPossible
        ? "A refund without returning the item is for orders that never arrived or arrived with a problem; otherwise it's a return and refund."
        : wants === 'refund_only'
          ? "A refund without returning the item is for orders that never arrived or arrived with a problem, so I can't arrange one here."
          : "I'm afraid that option isn't something the shop's rules let me arrange.",
  summary,
  confirmAsk: ['Tap "Confirm" if that works for you.', 'Does that work? Reply "confirm" and it is done.'],
  confirmOption: { yes: 'Confirm', no: 'Something else' },
  promise,
  settled: (p, done) =>
    done
      ? [`Done: ${p}.`, `All set — ${p}.`]
      : [`Done: ${p}. I'll let you know as soon as it's through.`, `All set — ${p}. I'll keep you posted.`],
  refusedRetry: [
    'I understand none of those feels right. What would you prefer? Or pick one again below:',
    'Fair enough. Would any of these still work, or tell me what you have in mind:',
  ],
  refusedOthers: ["Okay, let's try something else.", 'No problem, there are other ways.'],
  onlyOption: [
    "Okay, no pressure. Under the shop rules that's the one thing I can arrange here; if you change your mind, or would like a colleague to take a look, just tell me.",
  ],
  waitOrIntercept: (tracking) => [
    `Your parcel is already on its way${tracking ? ` (${tracking})` : ''} and should arrive soon. Would you rather wait for it, or shall I intercept it and refund you once it's back?`,
    `The parcel is in transit${tracking ? `: ${tracking}` : ''}. If you can, wait for it; otherwise I can have it stopped and refund you when it returns. Which would you prefer?`,
  ],
  waitOption: { wait: "I'll wait", intercept: 'Intercept and refund' },
  waitWhich: [
    'Just to be sure: would you like to wait for the parcel, or have it intercepted and refunded? Tap one below.',
    'Which one would you like — wait for it, or intercept and refund? Tap a button below.',
  ],
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
          "I take this seriously: I've asked a supervisor to handle it personally, and they'll be with you soon.",
          'A supervisor is taking this over and will contact you shortly.',
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
        return ["A colleague will take over now so you don't have to repeat yourself."];
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
  notUnderstoodPending: ["Sorry, I didn't quite get that.", "Sorry, I'm not sure what you mean."],
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
  statusDone: (p, money) => [
    `I checked: that's done (what I promised: ${p}).${money ? " If you don't see the money yet, banks can take a little longer." : ''}`,
  ],
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
  followKept: (p) => [`Good news: what I promised is done now (${p}). Anything else, just message me!`],
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
