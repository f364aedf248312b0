import { conceptsOf, hasDomainConcept } from './concepts.ts';
import { precedenceRank } from './precedence.ts';
import { hasHealthCue, problemIntentOf } from './slots.ts';
import { type Entity, INTENTS, type Intent, type Threat } from './types.ts';

/**
 * Rules applied after the classifier: INTENTS.md precedence and definitions that the examples alone
 * do not teach (health first; a threat makes a complaint; only data is provide_info; a problem report
 * beats a request; a dialogue act has a small vocabulary; invoices are out of scope…), and guards
 * against out-of-scope text the model half-matched. Each rule says why in a comment.
 */
export interface RuleInput {
  /** Folded, lower-cased text. */
  lower: string;
  intent: Intent;
  confidence: number;
  ranking: { intent: Intent; confidence: number }[];
  threats: readonly Threat[];
  entities: readonly Entity[];
  hasPhoto: boolean;
}

/** Letters of scripts calmdesk does not read (kana, hangul, Cyrillic, Arabic, Hebrew, Thai, Devanagari). */
const FOREIGN_SCRIPT =
  /[\u3040-\u30ff\uac00-\ud7af\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u0900-\u097f]/g;
/** Words that only introduce data ("我的订单号是", "my order number is"). */
const DATA_FILLER =
  /订单编号|订单号|订单|单号|快递单号|运单号|物流单号|手机号码|手机号|电话号码|电话|号码|联系方式|邮箱|地址|收货人|日期|金额|照片|图片|截图|如图|见图|发你了|给你|这个|是|我的|的|好的|\b(?:my|the|order|orders|number|no|num|id|is|it's|its|here|phone|tel|mobile|email|e-mail|tracking|date|amount|photo|picture|pic|attached|see|this|that|and|ref|reference)\b/gi;

/** Intents that are about an after-sales matter (not dialogue acts or provided data). */
const CONTENT_INTENTS = new Set<Intent>(
  INTENTS.filter(
    (i) => !['greeting', 'thanks', 'affirm', 'deny', 'provide_info', 'out_of_scope'].includes(i),
  ),
);
const PROBLEM_RANK = precedenceRank('damaged_item');

/** A problem report stated by keyword that should win over the model's request or complaint. */
function reportedProblem(lower: string, intent: Intent, ranking: { intent: Intent }[]): Intent | undefined {
  if (precedenceRank(intent) <= PROBLEM_RANK || !CONTENT_INTENTS.has(intent)) return undefined;
  const problem = problemIntentOf(lower);
  return problem && ranking.some((r) => r.intent === problem) ? problem : undefined;
}

/** Words without which a message is not that dialogue act. */
const DIALOGUE_CUES: Partial<Record<Intent, RegExp>> = {
  affirm:
    /好|行|可以|嗯|恩|是|对|没问题|同意|确认|收到|了解|知道了|ok|okay|\byes|yeah|yep|yup|sure|fine|alright|agree|sounds good|deal|correct|right|perfect|great|go ahead|do it|please do|👍|👌|✅|🆗/u,
  deny: /不|没|别|算了|拒绝|\bno\b|nope|nah|\bnot\b|n't|never|neither|nothing|cancel|stop|👎|❌|🙅/u,
  thanks: /谢|感谢|辛苦|拜拜|再见|晚安|3q|thank|thx|\bty\b|bye|cheers|appreciate|good night|🙏|💐/u,
  greeting:
    /你好|您好|在吗|在么|在不在|哈喽|嗨|有人|亲|\bhi\b|hello|hey|morning|evening|afternoon|anyone|\byo\b|👋/u,
};

/** "ask an agent to/if/how …": the buyer relays a task through a person. */
const RELAYED_TASK =
  /\b(?:ask|check with|tell|have) (?:an?|the|your|some) ?(?:agent|human|person|representative|rep|operator|staff|someone|one of your)\w* (?:to|if|whether|how|where|when|what|why|for|about)\b/;
const PASSIVE_CANCELLED =
  /\b(?:was|were|got|been|is|has been) (?:cancell?ed|postponed|called off|rescheduled)|(?:活动|演出|航班|比赛).{0,4}(?:取消|延期)了/;
const REFUND_WORDS = /refund|reimburs|money back|退款|退钱/;
const FEE_QUESTION = /\b(?:fees?|penalt\w*|charges?|costs?)\b|手续费|违约金|扣钱|扣费/;
const CANCEL_NOW =
  /\b(?:cancel (?:it|my|the|this)|want to cancel|please cancel)\b.*\b(?:now|immediately|right away)\b|马上取消|立即取消|现在就取消/;
/** Problem reports with a narrow vocabulary: without one of these words it is not that problem. */
const PROBLEM_CUES: Partial<Record<Intent, RegExp>> = {
  wrong_item:
    /错|不对|不是我|不一样|不符|成了|wrong|incorrect|different|not what|instead|mix|isn't the|not the one|swapped/u,
  missing_item:
    /少|缺|漏|没有|没给|没送|没收到|空|只有|只收到|不见|missing|lack|short|not included|wasn't included|empty|only|incomplete|without|where is the|no \w+ (?:in|inside)|forgot/u,
  damaged_item:
    /碎|破|裂|坏|压|损|凹|划|刮|漏|变形|磕|撞|烂|瘪|断|broke|crack|shatter|smash|damag|dent|scratch|crush|leak|torn|bent|spill|chipp|ripped|snapp|squash|burst/u,
};

/** Praise of the delivery ("物流很快", "fast shipping"). */
const DELIVERY_PRAISE =
  /(?:物流|快递|送货|发货|配送|速度|快递员|快递小哥)[^,.!?，。！？]{0,6}(?:快|很快|挺快|超快|及时|给力|不错|很好|满意|五星|没得说|没话说|点赞|神速)|fast (?:shipping|delivery)|(?:shipping|delivery) was (?:fast|quick|quick enough)|arrived (?:quickly|early|fast|on time)/;

function otherProblem(lower: string): Intent | undefined {
  const problem = problemIntentOf(lower.replace(DELIVERY_PRAISE, ' '));
  return problem && problem !== 'delivery_problem' ? problem : undefined;
}

/** A message long enough to say more than yes, no, hello or thanks. */
function isLong(lower: string): boolean {
  return (lower.match(/[\u3400-\u9fff]/g) ?? []).length > 15 || (lower.match(/[a-z]+/g) ?? []).length > 12;
}

const INVOICE = /发票|开票|税号|抬头|invoice|receipt|\bbills?\b|billing/;
const REMEDY_CONCEPTS = [
  'refund',
  'return',
  'exchange',
  'repair',
  'cancel',
  'compensation',
  'broken',
  'wrong',
  'missing',
  'quality',
  'health',
];

/** A question, in either language. */
const QUESTION =
  /[?？]|吗|怎么|如何|是否|是不是|能不能|可不可以|\b(?:how|what|when|where|why|which|do you|does|is it|are you|can i|could i)\b/;
/** Wording that demands rather than asks. */
const DEMAND =
  /我要|必须|赔我|给我|要求|你们得|不赔|\b(?:i want|i demand|i expect|you must|you owe|pay me|give me|you need to|you have to)\b/;

/** Asking for a refund now, not about one asked before. */
const NEW_REQUEST =
  /\b(?:i want|i'd like|i would like|give me|can i get|request) (?:a |my )?(?:refund|reimbursement|money back)\b.*\b(?:now|please)\b|申请退款|我要退款/;
/** Concepts of an after-sales case already opened (refund, return, exchange, repair). */
const AFTER_SALES_CASE = ['refund', 'return', 'exchange', 'repair', 'applied'];

/** Above this confidence the model is trusted even without a domain word. */
const DOMAIN_CONFIDENCE = 0.85;

/** The intent and confidence after the rules. */
export function applyIntentRules(input: RuleInput): { intent: Intent; confidence: number } {
  const { lower, ranking, threats, entities, hasPhoto } = input;
  let { intent, confidence } = input;
  const rule = (to: Intent, floor: number): void => {
    confidence = intent === to ? Math.max(confidence, floor) : floor;
    intent = to;
  };

  const concepts = conceptsOf(lower);
  const letters = (lower.match(/\p{L}/gu) ?? []).length;
  const foreign = (lower.match(FOREIGN_SCRIPT) ?? []).length;
  const residual = lower
    .replace(/https?:\/\/\S+|www\.\S+|\S+@\S+/g, ' ')
    .replace(/[a-z]*\d[\w-]*/g, ' ')
    .replace(DATA_FILLER, ' ')
    .replace(/[\s\p{P}\p{S}]/gu, '');
  const dataEntities = entities.filter((e) => e.type !== 'quantity');
  // INTENTS.md precedence: health first, then a threat makes it a complaint; "only data" is
  // provide_info; text in a script we do not read is out of scope.
  if (hasHealthCue(lower)) rule('health_safety', 0.85);
  else if (threats.length > 0) rule('complaint', 0.85);
  else if (residual.length === 0 && (dataEntities.length > 0 || hasPhoto)) rule('provide_info', 0.9);
  else if (lower.trim().length === 0) rule('out_of_scope', 1);
  else if (letters > 0 && foreign / letters > 0.3) rule('out_of_scope', 0.9);
  else if (reportedProblem(lower, intent, ranking)) {
    // INTENTS.md precedence: a problem report beats a request or a complaint ("杯子碎了，我要退款"
    // is damaged_item); the remedy travels on in the slots.
    const problem = reportedProblem(lower, intent, ranking)!;
    rule(problem, ranking.find((r) => r.intent === problem)?.confidence ?? confidence);
  } else if (DIALOGUE_CUES[intent] && isLong(lower) && ranking[1] && CONTENT_INTENTS.has(ranking[1].intent)) {
    // "不行" or "no" in a long message that says more is not just a no: the content is the intent.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (intent === 'provide_info' && QUESTION.test(lower) && ranking[1]) {
    // Data pasted with a question ("这个快递几点送? [订单编号:…]") is the question, not only data.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (intent === 'compensation_demand' && QUESTION.test(lower) && !DEMAND.test(lower)) {
    // "坏果赔吗?", "do you compensate for late delivery?": how the rules work, not a demand.
    rule('policy_question', confidence);
  } else if (intent === 'deny' && DIALOGUE_CUES.thanks!.test(lower) && !isLong(lower)) {
    // "没有了，谢谢" / "no, that's all, thanks" closes the conversation (INTENTS.md thanks).
    rule('thanks', confidence);
  } else if (
    CONTENT_INTENTS.has(intent) &&
    INVOICE.test(lower) &&
    !REMEDY_CONCEPTS.some((c) => concepts.includes(c)) &&
    !problemIntentOf(lower)
  ) {
    // Invoices are not an after-sales matter (INTENTS.md out_of_scope), whatever verb comes with them.
    rule('out_of_scope', confidence);
  } else if (DIALOGUE_CUES[intent] && !DIALOGUE_CUES[intent]!.test(lower)) {
    // A dialogue act has a small vocabulary: "why do we dream" is no affirm, however short it is.
    rule('out_of_scope', 1 - confidence);
  } else if (intent === 'human_agent' && RELAYED_TASK.test(lower) && ranking[1]) {
    // "Can you ask an agent to cancel my order?" asks for the cancellation, not for a person.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (intent === 'cancel_order' && PASSIVE_CANCELLED.test(lower) && REFUND_WORDS.test(lower)) {
    // "The show was cancelled, I want my money back": something else was cancelled; a refund is asked.
    rule('refund_request', confidence);
  } else if (intent === 'cancel_order' && FEE_QUESTION.test(lower) && !CANCEL_NOW.test(lower)) {
    // Asking what cancelling costs is a question about the rules (INTENTS.md policy_question).
    rule('policy_question', confidence);
  } else if (intent === 'delivery_problem' && DELIVERY_PRAISE.test(lower) && otherProblem(lower)) {
    // "物流很快，但是机子很卡": the delivery is praised; the other problem is the report.
    rule(otherProblem(lower)!, confidence);
  } else if (PROBLEM_CUES[intent] && !PROBLEM_CUES[intent]!.test(lower) && ranking[1]) {
    // A wrong, missing or damaged item is always said in so many words; without them, the runner-up.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (intent === 'refund_request' && concepts.includes('where_status') && !NEW_REQUEST.test(lower)) {
    // "Where is my refund?", "track my refund": a refund already asked for (INTENTS.md case_status).
    rule('case_status', confidence);
  } else if (
    intent === 'case_status' &&
    concepts.includes('where_status') &&
    (concepts.includes('order') || concepts.includes('delivery')) &&
    !AFTER_SALES_CASE.some((c) => concepts.includes(c))
  ) {
    // The status of an order (not of a refund, return or repair) is where the parcel is.
    rule('delivery_problem', confidence);
  } else if (CONTENT_INTENTS.has(intent) && confidence < DOMAIN_CONFIDENCE && !hasDomainConcept(concepts)) {
    // An after-sales message names something of the trade (an order, a refund, a parcel, damage…);
    // one that names none is more likely chit-chat or a pre-sales question the model half-matched.
    rule('out_of_scope', 1 - confidence);
  }
  return { intent, confidence };
}
