import type { Language, Remedy } from '../nlu/types.ts';
import type { Policy } from '../policy/schema.ts';
import { BOOKS } from './replies/index.ts';
import type { Lang } from './replies/types.ts';
import { recordPromise, satisfactionOptions } from './settle.ts';
import { clearQuestion, freshState, readState } from './state.ts';
import { remedyName } from './summary.ts';
import type {
  Decision,
  DialogueState,
  HandBack,
  HandoffNoticeInfo,
  PromiseDraft,
  RemedyAction,
} from './types.ts';

/** Deadlines when no policy is at hand; the same as policy/default.yaml. */
const DEFAULT_PROMISE_HOURS: Record<Remedy, number> = {
  refund_only: 24,
  cancel_order: 24,
  intercept: 48,
  return_refund: 2,
  exchange: 48,
  reship: 48,
  partial_refund: 24,
  coupon: 1,
};

function langOf(language: Language | Lang): Lang {
  return language === 'en' ? 'en' : 'zh';
}

/**
 * What the buyer reads right after their case joined the queue: who is coming and when. For health
 * cases it repeats what to do meanwhile.
 */
export function renderHandoffNotice(language: Language, info: HandoffNoticeInfo): string {
  const b = BOOKS[langOf(language)];
  const opensAt = info.opensAt ? b.due(info.opensAt, info.timezone ?? 'Asia/Shanghai') : null;
  const text = b.notice({
    priority: info.priority,
    agentsOnline: info.agentsOnline,
    expectedWaitMinutes: Math.max(0, Math.round(info.expectedWaitMinutes)),
    opensAt,
  });
  return info.health ? `${text}${language === 'en' ? ' ' : ''}${b.noticeHealth}` : text;
}

/**
 * The bot picks the conversation up after an agent hands it back. It says what the agent agreed (and
 * records it as the case outcome with a promise to follow up), or that the case is resolved, and closes
 * with a 1–5 satisfaction question; `decide` records the answer. Handed back unresolved, it simply
 * offers to carry on.
 */
export function resume(
  state: DialogueState,
  handBack: HandBack,
  language: Language,
  now: Date,
  policy?: Policy,
): Decision {
  const lang = langOf(language);
  const b = BOOKS[lang];
  const s = readState(state, lang) ?? freshState(lang);
  s.language = lang;
  s.turn += 1;
  // A fresh start with the bot: what led to the handoff must not trigger it again at once.
  s.anger = [];
  s.refusals = 0;
  s.refused = [];
  s.not_understood = 0;
  clearQuestion(s);
  s.last_question = null;
  delete s.handoff;

  const events: Decision['events'] = [];
  const promises: PromiseDraft[] = [];
  const actions: RemedyAction[] = [];
  const lines: string[] = [];
  const note = handBack.outcome_note?.trim() || null;
  const orderId = s.order_id;

  if (handBack.remedy) {
    const remedy = handBack.remedy;
    const hours = policy?.promise_hours[remedy] ?? DEFAULT_PROMISE_HOURS[remedy];
    const amount = handBack.amount ?? s.amounts[remedy];
    const text =
      amount !== undefined || remedy === 'reship' || remedy === 'exchange'
        ? b.promise({
            remedy,
            amount: amount ?? 0,
            percent: null,
            currency: policy?.currency ?? 'CNY',
            item: '',
            hours,
            payer: s.shipping_payer,
          })
        : lang === 'zh'
          ? `${remedyName(remedy, 'zh')}将在${hours}小时内办好`
          : `your ${remedyName(remedy, 'en')} will be done within ${hours} hours`;
    events.push({
      type: 'case_outcome',
      data: {
        outcome: 'settled',
        remedy,
        order_id: orderId ?? null,
        amount: amount ?? null,
        note,
        by: 'agent',
      },
    });
    recordPromise(s, { events, promises }, now, { kind: remedy, text, hours, remedy, by: 'agent' });
    if (orderId)
      actions.push({
        type: 'apply_remedy',
        order_id: orderId,
        remedy,
        ...(amount !== undefined ? { amount } : {}),
      });
    s.outcome = { remedy, order_id: orderId ?? null, at: now.toISOString(), by: 'agent' };
    const agreed = note ? `${text}${lang === 'zh' ? '（' : ' ('}${note}${lang === 'zh' ? '）' : ')'}` : text;
    lines.push(b.resumeAgreed(agreed)[s.turn % b.resumeAgreed(agreed).length]!);
    s.step = 'follow_up';
  } else if (handBack.resolved) {
    events.push({
      type: 'case_outcome',
      data: { outcome: 'resolved', remedy: null, order_id: orderId ?? null, note, by: 'agent' },
    });
    s.outcome = { remedy: null, order_id: orderId ?? null, at: now.toISOString(), by: 'agent' };
    lines.push(b.resumeResolved(note)[0]!);
    s.step = 'closed';
  } else {
    const back = b.resumeBack[s.turn % b.resumeBack.length]!;
    s.step = 'listen';
    s.last_question = back;
    const decision: Decision = {
      state: s,
      replies: [{ text: note ? `${back}${lang === 'zh' ? '' : ' '}${note}` : back }],
      events,
      handoff: null,
      promises,
      trace: { intent: 'resume', step: s.step, remedies_offered: [], policy_rule: null },
    };
    return decision;
  }

  const question = b.askSatisfaction[s.turn % b.askSatisfaction.length]!;
  s.pending = 'satisfaction';
  s.options = satisfactionOptions(b);
  s.last_question = question;
  s.rated = false;
  const decision: Decision = {
    state: s,
    replies: [
      { text: lines.join(lang === 'zh' ? '' : ' ') },
      { text: question, options: s.options.map((o) => ({ label: o.label, value: o.value })) },
    ],
    events,
    handoff: null,
    promises,
    trace: {
      intent: 'resume',
      step: s.step,
      remedies_offered: handBack.remedy ? [handBack.remedy] : [],
      policy_rule: null,
    },
  };
  if (actions.length > 0) decision.actions = actions;
  return decision;
}
