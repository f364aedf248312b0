import { conceptsOf, hasDomainConcept } from './concepts.ts';
import { precedenceRank } from './precedence.ts';
import { hasHealthCue, problemIntentOf } from './slots.ts';
import { type Entity, INTENTS, type Intent, type Threat } from './types.ts';

/**
 * Rules applied after the classifier: INTENTS.md precedence and definitions that the examples alone
 * do not teach (health first; a threat makes a complaint; only data is provide_info; a problem report
 * beats a request or a complaint without a threat; invoices and prices are out of scope…), and guards
 * against out-of-scope text the model half-matched. Each rule says why in a comment. A rule stays only
 * while it helps both on held-out intents/ examples (cross-validation) and on real text.
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
/** Concepts of an after-sales case already opened (refund, return, exchange, repair). */
const AFTER_SALES_CASE = ['refund', 'return', 'exchange', 'repair', 'applied'];

/** Damage the buyer caused ("我自己摔坏的", "I dropped it"): a repair or exchange request, no report. */
const SELF_CAUSED =
  /自己(?:弄|摔|搞|碰|不小心)|不小心|我摔|\b(?:myself|i dropped|i broke|my fault|my bad|by accident)\b/;

/**
 * A problem report stated by keyword that should win over the model's request, complaint or (in a
 * long message) dialogue act. Not when the words are about a refund or return already under way ("退
 * 款怎么还没到" is case_status) or the buyer caused the damage (INTENTS.md exchange_request).
 */
function reportedProblem(
  lower: string,
  intent: Intent,
  ranking: { intent: Intent }[],
  concepts: readonly string[],
): Intent | undefined {
  if (precedenceRank(intent) <= PROBLEM_RANK) return undefined;
  // A long message the model read as a dialogue act or as out of scope may still report a problem.
  if (!CONTENT_INTENTS.has(intent) && !isLong(lower)) return undefined;
  const problem = problemIntentOf(lower);
  if (!problem) return undefined;
  // "质量问题指哪方面", "只要坏了就能换新吗": a problem named in a question about the rules or about a
  // supposed case has not happened.
  if (DEFINITION_ASKED.test(lower) || (HYPOTHETICAL.test(lower) && QUESTION.test(lower))) return undefined;
  if (problem === 'delivery_problem' && AFTER_SALES_CASE.some((c) => concepts.includes(c))) return undefined;
  if ((problem === 'damaged_item' || problem === 'quality_issue') && SELF_CAUSED.test(lower))
    return undefined;
  // A complaint without a threat that names a defect is that problem report (INTENTS.md precedence
  // 5 before 7); a request must also have the problem among the model's top intents.
  if (intent === 'complaint' || !CONTENT_INTENTS.has(intent)) return problem;
  return ranking.some((r) => r.intent === problem) ? problem : undefined;
}

/** Words without which a message is not that dialogue act. */
const DIALOGUE_CUES: Partial<Record<Intent, RegExp>> = {
  affirm:
    /好|行|可以|嗯|恩|是|对|没问题|同意|确认|收到|了解|知道了|ok|okay|\byes|yeah|yep|yup|sure|fine|alright|agree|sounds good|deal|correct|right|perfect|great|go ahead|do it|please do|👍|👌|✅|🆗/u,
  deny: /不|没|别|算了|拒绝|\bno\b|nope|nah|\bnot\b|n't|never|neither|nothing|cancel|stop|👎|❌|🙅/u,
  thanks:
    /谢|感谢|辛苦|麻烦你|麻烦了|有劳|劳烦|拜拜|再见|晚安|3q|thank|thx|\bty\b|bye|cheers|appreciate|good night|🙏|💐/u,
  greeting:
    /^\s*在\s*[?？!！。.~]*\s*$|你好|您好|在吗|在么|在嘛|在不在|哈喽|嗨|有人|亲|早上好|上午好|中午好|下午好|晚上好|早安|早啊|客服|人呢|打扰|咨询|hallo|\bhi\b|hello|hey|morning|evening|afternoon|anyone|\byo\b|👋/u,
};

/** "ask an agent to/if/how …": the buyer relays a task through a person. */
const RELAYED_TASK =
  /\b(?:ask|check with|tell|have) (?:an?|the|your|some) ?(?:agent|human|person|representative|rep|operator|staff|someone|one of your)\w* (?:to|if|whether|how|where|when|what|why|for|about)\b/;
const PASSIVE_CANCELLED =
  /\b(?:was|were|got|been|is|has been) (?:cancell?ed|postponed|called off|rescheduled)|(?:活动|演出|航班|比赛).{0,4}(?:取消|延期)了/;
const REFUND_WORDS = /refund|reimburs|money back|退款|退钱/;
/** Words that name the rules themselves. */
const RULES_WORDS = /\b(?:policy|policies|guarantee|terms|conditions)\b|政策|规定|规则|条款/;
/** Wanting the money or the return now, not hearing about the rules. */
const WANTS_IT_NOW =
  /\b(?:i want|i need|give me|i'd like|i would like) (?:a |my |to )?(?:refund|money back|reimbursement|return|send)|我要退|给我退|帮我退/;
/** Words of a parcel or an order on its way. */
const PARCEL_WORDS =
  /package|parcel|order|shipment|deliver|courier|item|intercept|快递|包裹|物流|货|订单|拦截/;
/** An event the ticket was for was called off ("the concert was cancelled", "演出取消了"). */
const EVENT_CANCELLED =
  /\b(?:show|event|concert|game|match|flight|trip|performance|class|tour|festival|gig|screening)s? (?:was|were|got|has been|have been|is|are) (?:cancell?ed|postponed|called off)|(?:活动|演出|航班|比赛|演唱会|课程).{0,4}(?:取消|延期)了/;
const FEE_QUESTION = /\b(?:fees?|penalt\w*|charges?|costs?)\b|手续费|违约金|扣钱|扣费/;
const CANCEL_NOW =
  /\b(?:cancel (?:it|my|the|this)|want to cancel|please cancel)\b.*\b(?:now|immediately|right away)\b|马上取消|立即取消|现在就取消/;

/** Praise of the delivery ("物流很快", "fast shipping"); "发货快点" urges and is no praise. */
const DELIVERY_PRAISE =
  /(?:物流|快递|送货|发货|配送|速度|快递员|快递小哥|送货员)[^,.!?;，。！？；不没慢]{0,6}(?:快(?![点些])|很快|挺快|超快|及时|给力|不错|很好|满意|五星|好评|没得说|没话说|点赞|神速|可以|还行|杠杠)|fast (?:shipping|delivery)|(?:shipping|delivery) was (?:fast|quick|quick enough|great|good)|arrived (?:quickly|early|fast|on time)/;
const ALL_DELIVERY_PRAISE = new RegExp(DELIVERY_PRAISE.source, 'g');

/** Links (a product page, a screenshot) appear in every kind of message and say nothing of its intent. */
const LINKS = /(?:https?|file):\/\/\S+|www\.\S+/g;
/** "你好，" / "在吗 亲" / "hi there," in front of what the buyer came to say. */
const LEADING_GREETING =
  /^(?:\s*(?:你好|您好|在吗|在么|在不在|在嘛|亲爱的|亲|哈喽|嗨|(?:hi there|hello there|hi|hello|hey|good (?:morning|afternoon|evening))\b)[\s,，.。!！~、？?]*)+/;

/**
 * The text the classifier reads: links and a greeting in front are left out (the message is what
 * follows them); praise of the delivery says nothing went wrong with it, so it is
 * left out ("物流很快，但赠品只有半瓶" reports a missing gift, not a delivery problem). A message
 * that is only praise is read as it is.
 */
export function textForClassifier(lower: string): string {
  const without = lower.replace(LINKS, ' ').replace(LEADING_GREETING, '').replace(ALL_DELIVERY_PRAISE, ' ');
  return without === lower || !/[\p{L}\p{N}]/u.test(without) ? lower : without;
}

function otherProblem(lower: string): Intent | undefined {
  const problem = problemIntentOf(lower.replace(ALL_DELIVERY_PRAISE, ' '));
  return problem && problem !== 'delivery_problem' ? problem : undefined;
}

/** A message long enough to say more than yes, no, hello or thanks. */
function isLong(lower: string): boolean {
  return (lower.match(/[\u3400-\u9fff]/g) ?? []).length > 15 || (lower.match(/[a-z]+/g) ?? []).length > 12;
}

const INVOICE = /发票|开票|税号|抬头|invoice|receipt|\bbills?\b|billing/;
/** The price fell after the purchase, or is lower elsewhere. */
const PRICE_DROP =
  /降价|降了|价保|价格保护|保价|秒杀|比[^,.!?，。！？]{0,8}(?:便宜|贵)|更便宜|price (?:drop|dropped|went down|protection)|cheaper (?:now|elsewhere|today)/;
const PROBLEM_INTENTS = new Set<Intent>([
  'damaged_item',
  'wrong_item',
  'missing_item',
  'quality_issue',
  'delivery_problem',
]);
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
/** "Nothing else", said to close a conversation. */
const NOTHING_ELSE = /没有了|没了|暂时没有|没有其他|没别的|没其他|that'?s all|nothing else|that is all/;
/** Asking for a refund now, not about one asked before. */
const NEW_REQUEST =
  /\b(?:i want|i'd like|i would like|give me|can i get|request) (?:a |my )?(?:refund|reimbursement|money back)\b.*\b(?:now|please)\b|\b(?:to|can i|how (?:do|can) i) (?:request|obtain|claim|apply for|ask for) (?:a |my )?(?:refund|reimbursement|money back)\b|申请退款|我要退款/;

/**
 * Asking whether the shop compensates at all, or what it would do if something went wrong ("坏果赔吗",
 * "万一有问题怎么赔", "do you offer compensation for late orders?"): a question about the rules.
 */
const COMPENSATION_ASKED =
  /(?<!不)(?:包|能|会|可以|给|管)?(?:赔|赔偿|赔付|补偿)(?:吗|么|嘛|不)|赔不赔|有没有(?:赔偿|补偿)|有(?:赔偿|补偿)吗|(?:如果|万一|假如|要是|有问题|出问题|坏了的话|的话).{0,12}(?:怎么|如何|能|会)(?:赔|补偿)|\b(?:do|does|will|would) (?:you|the (?:shop|store|seller)|your (?:shop|store|company)) (?:offer|give|pay|provide) (?:any )?compensation|\bis there (?:any )?compensation|\bif\b.{0,40}\b(?:compensat|reimburs)/;
/** The buyer's own case or a demand: then the compensation is wanted, not asked about. */
const OWN_CLAIM =
  /我要|给我|赔我|补偿我|必须|得赔|要赔|要求|倍|精神|损失|我这|我的|我买的|\b(?:i want|i demand|give me|owe me|pay me|mine|my (?:order|item|parcel|package))\b|you (?:must|should|need to|have to|better)/;
/** "坏了的水果" names a kind of thing, not what happened to the buyer's. */
const ATTRIBUTIVE_PROBLEM = /(?:坏|碎|烂|破|裂|漏|压坏|摔坏)了?的/g;
/** A supposed case, not one that happened. */
const HYPOTHETICAL = /万一|如果|假如|要是|假设|只要|一旦|的话|\b(?:if|in case|suppose|what if)\b/;
/** A claim already filed: asking whether it went through is the case's status. */
const CLAIM_FILED =
  /(?:赔偿|补偿|赔付|理赔)(?:了吗|到账|申请了吗|批了吗|下来了吗)|(?:赔偿|补偿|理赔)[^,.!?，。！？]{0,6}(?:还没到|没到账)/;

/** "What counts as …", "质量问题指哪方面": asking what a word of the rules covers. */
const DEFINITION_ASKED =
  /指哪|指的是|指什么|是指|算不算|怎么界定|怎么认定|如何认定|属于[^,.!?，。！？]{0,12}(?:吗|么|嘛)|\bwhat (?:counts|qualifies) as\b|\bdoes (?:a |an |the )?[\w\s]{1,20} count as\b|\bwhat do you mean by\b/;
/** The buyer's own item or order. */
const OWN_ITEM =
  /我买的|我的|这个|这件|这台|这双|这款|这单|订单号|买了|\b(?:my|mine|this one|the one i (?:bought|ordered))\b/;
/** "Can I still return / exchange / get a refund for it?" */
const CAN_RETURN =
  /(?:能|可以|可不可以|能不能|还能|还可以)(?:申请)?(?:退货|退吗|退么|退嘛|退不|退掉|退回)|\bcan i (?:still )?return\b/;
const CAN_EXCHANGE =
  /(?:能|可以|可不可以|能不能|还能|还可以)(?:申请)?(?:换货|换吗|换么|换嘛|换一|换个|换成)|\bcan i (?:still )?(?:exchange|swap)\b/;
const CAN_REFUND =
  /(?:能|可以|可不可以|能不能|还能|还可以)(?:申请)?(?:退款|退钱)|\bcan i (?:still )?get (?:a |my )?refund\b/;
/** Stop the parcel on its way, and the money back. */
const INTERCEPT = /拦截|拦回|拦下|追回|\bintercept/;
/** Lateness itself, which would make it a delivery problem. */
const LATENESS = /太慢|好几天|这么久|一直不|还不到|迟迟|超时|延误|\b(?:late|delayed|still waiting|stuck)\b/;

/** The request in "can I return / exchange / get a refund for this one of mine?", if it is that. */
function ownRequestOf(lower: string): Intent | undefined {
  if (!OWN_ITEM.test(lower) || HYPOTHETICAL.test(lower)) return undefined;
  if (CAN_RETURN.test(lower)) return 'return_request';
  if (CAN_EXCHANGE.test(lower)) return 'exchange_request';
  if (CAN_REFUND.test(lower)) return 'refund_request';
  return undefined;
}

/** Below this confidence a dialogue act or provided data needs a word or shape of its own. */
const BARE_ACT_CONFIDENCE = 0.6;
/** What provided data looks like: a digit, an address, a mail, a link, a name of a thing ordered. */
const DATA_SHAPE =
  /\d|@|https?:|省|市|区|县|路|街|号|栋|楼|室|村|镇|[\u3400-\u9fff]{2,}(?:器|机|线|套|件|盒|瓶|包|款|色|码)/;

/** Above this confidence the model is trusted even without a domain word. */
const DOMAIN_CONFIDENCE = 0.85;

/** A complaint the buyer already made ("投诉了也没用", "I already reported it"), told as what happened. */
const PAST_COMPLAINT =
  /投诉(?:过|了也|了都|过去|也没用|了没用|无果)|举报过|\b(?:already|i) (?:complained|reported|filed a complaint)\b/;

/**
 * True when the only threat is a complaint to the platform that was already made: INTENTS.md makes a
 * threat a complaint, and telling what one did is no threat. The threat still escalates.
 */
function onlyPastComplaint(lower: string, threats: readonly Threat[]): boolean {
  return threats.every((t) => t === 'platform_complaint') && PAST_COMPLAINT.test(lower);
}

/** The intent and confidence after the rules. */
export function applyIntentRules(input: RuleInput): { intent: Intent; confidence: number } {
  const { lower, ranking, threats, entities, hasPhoto } = input;
  let { intent, confidence } = input;
  // A rule's intent keeps at least the probability the classifier itself gave it ("坏果赔吗" read as a
  // demand at 0.13 is a policy question the classifier already gave 0.86).
  const rule = (to: Intent, floor: number): void => {
    const own = to === 'out_of_scope' ? 0 : (ranking.find((r) => r.intent === to)?.confidence ?? 0);
    confidence = Math.max(intent === to ? confidence : 0, floor, own);
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
  const reported = reportedProblem(lower, intent, ranking, concepts);
  const ownRequest = intent === 'policy_question' ? ownRequestOf(lower) : undefined;
  const praisedDeliveryOther =
    intent === 'delivery_problem' && DELIVERY_PRAISE.test(lower) ? otherProblem(lower) : undefined;
  // INTENTS.md precedence: health first, then a threat makes it a complaint; "only data" is
  // provide_info; text in a script we do not read is out of scope.
  if (hasHealthCue(lower)) rule('health_safety', 0.85);
  else if (threats.length > 0 && !onlyPastComplaint(lower, threats)) rule('complaint', 0.85);
  else if (residual.length === 0 && (dataEntities.length > 0 || hasPhoto)) rule('provide_info', 0.9);
  else if (lower.trim().length === 0) rule('out_of_scope', 1);
  else if (letters > 0 && foreign / letters > 0.3) rule('out_of_scope', 0.9);
  else if (reported) {
    // INTENTS.md precedence: a problem report beats a request or a complaint ("杯子碎了，我要退款"
    // is damaged_item); the remedy travels on in the slots.
    rule(reported, ranking.find((r) => r.intent === reported)?.confidence ?? confidence);
  } else if (DIALOGUE_CUES[intent] && isLong(lower) && ranking[1] && CONTENT_INTENTS.has(ranking[1].intent)) {
    // "不行" or "no" in a long message that says more is not just a no: the content is the intent.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (intent === 'provide_info' && QUESTION.test(lower) && ranking[1]) {
    // Data pasted with a question ("这个快递几点送? [订单编号:…]") is the question, not only data.
    rule(ranking[1].intent, ranking[1].confidence);
  } else if (
    intent === 'deny' &&
    NOTHING_ELSE.test(lower) &&
    DIALOGUE_CUES.thanks!.test(lower) &&
    !isLong(lower)
  ) {
    // "没有了，谢谢" / "that's all, thanks" closes the conversation (INTENTS.md thanks); "不用了谢谢"
    // declines an offer and stays a deny.
    rule('thanks', confidence);
  } else if (
    CONTENT_INTENTS.has(intent) &&
    INVOICE.test(lower) &&
    !REMEDY_CONCEPTS.some((c) => concepts.includes(c)) &&
    !problemIntentOf(lower)
  ) {
    // Invoices are not an after-sales matter (INTENTS.md out_of_scope), whatever verb comes with them.
    rule('out_of_scope', confidence);
  } else if (
    (PROBLEM_INTENTS.has(intent) || intent === 'complaint') &&
    PRICE_DROP.test(lower) &&
    !problemIntentOf(lower)
  ) {
    // A price that fell after the purchase is no problem with the order, nor a complaint about the
    // service (INTENTS.md: prices are out of scope); asking for the difference back stays a request.
    rule('out_of_scope', confidence);
  } else if (
    intent === 'human_agent' &&
    RELAYED_TASK.test(lower) &&
    ranking.some((r) => r.intent !== intent)
  ) {
    // "Can you ask an agent to cancel my order?" asks for the cancellation, not for a person.
    const task = ranking.find((r) => r.intent !== 'human_agent')!;
    rule(task.intent, task.confidence);
  } else if (
    (intent === 'cancel_order' && PASSIVE_CANCELLED.test(lower) && REFUND_WORDS.test(lower)) ||
    ((intent === 'cancel_order' || intent === 'case_status') && EVENT_CANCELLED.test(lower))
  ) {
    // "The show was cancelled, I want my money back": something else was cancelled (an event, not the
    // order); the buyer wants the money for it.
    rule('refund_request', confidence);
  } else if (intent === 'compensation_demand' && CLAIM_FILED.test(lower)) {
    // "丢件的赔偿到账了吗": compensation already claimed is a case in progress (INTENTS.md case_status).
    rule('case_status', confidence);
  } else if (intent === 'compensation_demand' && COMPENSATION_ASKED.test(lower) && !OWN_CLAIM.test(lower)) {
    // "坏果赔吗": whether the shop compensates is a question about the rules, not a demand; a problem
    // stated with it is the report (INTENTS.md precedence 5 before 6) unless it is only supposed
    // ("万一摔坏了怎么赔").
    const stated = lower.replace(ATTRIBUTIVE_PROBLEM, '');
    rule((!HYPOTHETICAL.test(lower) && problemIntentOf(stated)) || 'policy_question', confidence);
  } else if (PROBLEM_INTENTS.has(intent) && DEFINITION_ASKED.test(lower)) {
    // "质量问题指哪方面呢": what a word of the rules covers, asked without a problem of one's own.
    rule('policy_question', confidence);
  } else if (ownRequest) {
    // "我买的音箱不合适，可以退吗": whether this item of theirs can go back is wanting it to (INTENTS.md:
    // "我要退货，怎么弄" is return_request); the rules in general stay a question.
    rule(ownRequest, confidence);
  } else if (
    intent === 'delivery_problem' &&
    INTERCEPT.test(lower) &&
    REFUND_WORDS.test(lower) &&
    !LATENESS.test(lower)
  ) {
    // "还没收到，拦截退款吧": stopping a parcel to get the money back is a refund request; the parcel
    // is not late, the buyer no longer wants it.
    rule('refund_request', confidence);
  } else if (intent === 'cancel_order' && FEE_QUESTION.test(lower) && !CANCEL_NOW.test(lower)) {
    // Asking what cancelling costs is a question about the rules (INTENTS.md policy_question).
    rule('policy_question', confidence);
  } else if (praisedDeliveryOther) {
    // "物流很快，但是机子很卡": the delivery is praised; the other problem is the report.
    rule(praisedDeliveryOther, confidence);
  } else if (
    (intent === 'refund_request' || intent === 'return_request') &&
    RULES_WORDS.test(lower) &&
    !WANTS_IT_NOW.test(lower)
  ) {
    // "Tell me about your money back guarantee": how the rules work (INTENTS.md policy_question).
    rule('policy_question', confidence);
  } else if (intent === 'delivery_problem' && REFUND_WORDS.test(lower) && !PARCEL_WORDS.test(lower)) {
    // "Track my reimbursement": the money of a refund is no parcel (INTENTS.md case_status).
    rule('case_status', confidence);
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
  } else if (
    confidence < BARE_ACT_CONFIDENCE &&
    (intent === 'provide_info'
      ? !DATA_SHAPE.test(lower) && dataEntities.length === 0 && !hasPhoto
      : DIALOGUE_CUES[intent] !== undefined && !DIALOGUE_CUES[intent]!.test(lower))
  ) {
    // "阿巴阿巴", "asdf": a weak guess at a dialogue act or at data, with no word of yes, no, thanks or
    // hello and nothing shaped like data, is a message not understood.
    rule('out_of_scope', 1 - confidence);
  } else if (CONTENT_INTENTS.has(intent) && confidence < DOMAIN_CONFIDENCE && !hasDomainConcept(concepts)) {
    // An after-sales message names something of the trade (an order, a refund, a parcel, damage…);
    // one that names none is more likely chit-chat or a pre-sales question the model half-matched.
    rule('out_of_scope', 1 - confidence);
  }
  return { intent, confidence };
}
