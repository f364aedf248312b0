import type { Problem, Remedy } from '../../nlu/types.ts';
import type { HandoffReason, Party } from '../../policy/schema.ts';

/** The two languages the bot answers in ('mixed' buyers get zh when they wrote any Han character). */
export type Lang = 'zh' | 'en';

/** How angry the buyer is, as the replies see it: 0 calm, 1 upset, 2 angry. Warmer as it rises. */
export type AngerLevel = 0 | 1 | 2;

/** Everything a remedy's wording needs. */
export interface RemedyFacts {
  remedy: Remedy;
  /** Money involved (refund or coupon), already in `currency`. */
  amount: number;
  percent: number | null;
  currency: string;
  /** The item's name in the reply's language. */
  item: string;
  /** Hours until the promised deadline; 0 when it is done at once (an unpaid order cancelled). */
  hours: number;
  /** Who pays return shipping, when goods go back. */
  payer: Party | null;
  /** The remedy is for the missing part of a parcel (not the whole item). */
  missing?: boolean;
}

/** Policy facts a rule sentence or a policy answer may quote. */
export interface PolicyFacts {
  no_reason_days: number;
  resaleable: string;
  /** Labels of the excluded categories, in the reply's language. */
  excluded: string[];
  /** The label of the order's category when it is excluded. */
  category: string | null;
  refund_hours: number;
  days_since_delivery: number | null;
  payer: Party | null;
  /** The order is not paid yet: cancelling it refunds nothing. */
  unpaid: boolean;
}

export type PolicyTopic = 'shipping' | 'window' | 'excluded' | 'refund_time' | 'how_to' | 'general';

/** Problems the bot offers as buttons when it asks what went wrong. */
export type ProblemChoice =
  | 'damaged'
  | 'wrong_item'
  | 'missing'
  | 'quality'
  | 'ordered_wrong'
  | 'changed_mind';

/**
 * One language's replies. Lists hold interchangeable phrasings; the dialogue picks one
 * deterministically (from the turn), so the bot varies without being random.
 */
export interface ReplyBook {
  money(amount: number, currency: string): string;
  /** A deadline as the buyer reads it, in the shop's time zone. */
  due(at: Date, timezone: string): string;
  greet: string[];
  here: string[];
  askOrderPick: string[];
  askOrderNumber: string[];
  /** The order id the buyer gave is unknown: said before the question which order. */
  orderNotFound(id: string): string[];
  /** Asks for the order number again after an unknown one (no recent orders to pick from). */
  askOrderRecheck: string[];
  orderOption(id: string, item: string, amount: string): string;
  wrongOrder: string[];
  askProblem(item: string): string[];
  problemOption: Record<ProblemChoice, string>;
  ack(problem: Problem | null, item: string, level: AngerLevel): string[];
  apology(responsibility: Party | null, level: AngerLevel): string[];
  askPhoto(problem: Problem, item: string): string[];
  photoThanks: string[];
  noPhoto: string[];
  askCondition(item: string, resaleable: string): string[];
  conditionOption: { resaleable: string; used: string };
  remedyLabel(r: RemedyFacts): string;
  offerIntro: string[];
  chooseHint(count: number): string;
  /** A bare "ok" to a list of options: which one? (the list follows). */
  whichOne: string[];
  /** The rule behind an offer or a refusal, in one plain sentence (null: nothing worth saying). */
  rule(rule: string, facts: PolicyFacts): string | null;
  /**
   * Why the remedy the buyer asked for is not on the list. `returnPossible`: a return and refund is
   * (or may still be) an option, so refund-only can point to it.
   */
  wantsRefused(wants: Remedy, shopFault: boolean, returnPossible: boolean): string;
  summary(r: RemedyFacts): string;
  confirmAsk: string[];
  confirmOption: { yes: string; no: string };
  promise(r: RemedyFacts): string;
  /** The remedy is agreed; `done`: it is carried out at once, nothing is left to wait for. */
  settled(promise: string, done: boolean): string[];
  refusedRetry: string[];
  refusedOthers: string[];
  /** The only remedy the rules allow was turned down: no pushing, the door left open. */
  onlyOption: string[];
  waitOrIntercept(tracking: string | null): string[];
  waitOption: { wait: string; intercept: string };
  /** The buyer's answer to "wait or intercept?" says neither (a bare "ok"): which one? */
  waitWhich: string[];
  waitOk: string[];
  tracking(tracking: string | null): string[];
  urgeShipping(hours: number): string[];
  orderClosed(state: 'cancelled' | 'refunded'): string[];
  noRemedy: string[];
  handoff(reason: HandoffReason): string[];
  healthAdvice: string;
  holding: string[];
  notUnderstood: string[];
  /** Not understood while a question is pending: said before that question, asked again. */
  notUnderstoodPending: string[];
  outOfScope: string[];
  question: string[];
  repeatPrefix: string[];
  thanks: string[];
  thanksPending: string[];
  anythingElse: string[];
  askSatisfaction: string[];
  satisfactionOption(score: number): string;
  satisfactionThanks(score: number): string[];
  statusOpen(promise: string, due: string): string[];
  statusOverdue(promise: string, due: string): string[];
  /** A promise already carried out; `money`: money was sent back (banks may take longer). */
  statusDone(promise: string, money: boolean): string[];
  statusNone: string[];
  orderState(state: string, tracking: string | null): string;
  policy(topic: PolicyTopic, facts: PolicyFacts): string;
  changeOrder: string[];
  nudge: string[];
  followKept(promise: string): string[];
  followOverdue(promise: string): string[];
  resumeAgreed(summary: string): string[];
  resumeResolved(note: string | null): string[];
  resumeBack: string[];
  notice(info: {
    priority: string;
    agentsOnline: number;
    expectedWaitMinutes: number;
    opensAt: string | null;
  }): string;
  noticeHealth: string;
  /** A message in a language the bot does not speak: said in both languages. */
  otherLanguage: string;
  /** Why the bot asks for a photo, when the buyer balks. */
  photoWhy: string[];
}
