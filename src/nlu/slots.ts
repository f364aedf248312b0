import type { Intent, ItemCondition, Problem, Remedy } from './types.ts';

/**
 * Slots from keyword rules in both languages, so the reason and the wanted remedy travel on when one
 * intent is chosen ("杯子碎了，我要退款" → damaged_item with problem damaged, wants refund_only).
 * Input is the folded, lower-cased text. A cue right after a negation ("不要退款", "don't want a
 * refund") does not count.
 */

const NEGATION =
  /(不要|不想|不用|不需要|不是要|别|没有要|don't want|do not want|don't need|no need for|not)\s*(a |an |the )?$/i;

/** Global twins of the cue patterns, compiled once (every message runs them). */
const GLOBAL = new WeakMap<RegExp, RegExp>();

function matches(re: RegExp, text: string): boolean {
  let global = GLOBAL.get(re);
  if (!global) {
    global = new RegExp(re.source, 'gi');
    GLOBAL.set(re, global);
  }
  global.lastIndex = 0;
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    if (!NEGATION.test(text.slice(Math.max(0, m.index - 10), m.index))) return true;
    if (m[0].length === 0) global.lastIndex += 1;
  }
  return false;
}

/** Health cues strong enough to decide the intent on their own (INTENTS.md precedence 1). */
export const HEALTH_CUES =
  /过敏|红肿|肿了|肿起|起疹|疹子|起红点|起痘|长痘|爆痘|烂脸|(?<!不痛不)痒|脱皮|头晕|发烧|发炎|感染|淤青|发麻|闹肚子|肚子痛|肚子疼|割破|砸到|啦肚子|拉稀|夹到|夹伤|烫到|异物|不明物|吃出|喝出|火花|刺痛|灼伤|烧伤|烫伤|(?<!(?:快递员|快递小哥|配送员|送货员|司机|师傅)[^,.!?;，。！？；]{0,3})受伤|划伤|割伤|流血|拉肚子|腹泻|呕吐|上吐下泻|食物中毒|中毒|冒烟|起火|着火|爆炸|自燃|漏电|触电|电到|窒息|噎住|送医|住院|看医生|医院|allergic|allergy|rash|hives|swollen|swelling|burned|burnt|burns|injured|injury|hurt (?:my|his|her|our)|bleeding|cut (?:my|his|her)|food poisoning|poisoned|vomit|throwing up|threw up|infection|infected|bruis|diarrh|got sick|made (?:me|us|him|her|my \w+) sick|caught fire|on fire|(?:started|was|is|began) smoking|smoke came out|exploded|explosion|electric shock|shocked me|choking|choked|hospital|emergency room|see a doctor|went to the doctor/i;

const PROBLEM_RULES: [Problem, RegExp][] = [
  ['health', HEALTH_CUES],
  [
    'damaged',
    /碎了|碎掉|摔碎|破碎|破损|破了|压坏|弄坏|撞坏|碰坏|磕坏|划坏|刮坏|砸坏|挤坏|压烂|摔烂|压扁|压碎|摔坏|裂了|裂开|裂缝|开裂|漏液|漏了|漏水|洒了|划痕|刮花|刮痕|磕碰|凹陷|变形|包装烂|外箱破|盒子烂|arrived broken|broken|cracked|shattered|smashed|crushed|dented|leaking|leaked|scratched|scratches|torn|ripped|damaged|bent/i,
  ],
  [
    'wrong_item',
    /发错|送错|寄错|不是我买的|不是我要的|不是我拍的|颜色不对|尺码不对|尺寸不对|型号不对|款式不对|货不对|规格不对|发成了|(?:拍|买|选|订|要|下单)的(?:是|明明是)[^,.!?;，。！？；]{1,12}[,，\s]*(?:给我发|发来|发了|收到|来了|到手)[^,.!?;，。！？；]{0,4}是|wrong (?:item|size|colou?r|model|product|one|thing|book|version)|not what i (?:ordered|bought)|different (?:item|colou?r|size|model|product) than|sent me (?:the )?wrong|instead of (?:the|what)/i,
  ],
  [
    'missing',
    /少发|漏发|少了|少一|缺了|缺少|缺配件|没有配件|配件没|赠品没|没有赠品|赠品呢|空盒|空包|空的盒|只收到一|只有一个|说好的[^,.!?;，。！？；]{0,10}(?:没有|呢|没送|没给|没发)|(?:都|也)没(?:有)?送|没送一个|missing|only (?:got|received) (?:one|1|half|part)|not included|wasn't included|empty box|empty package|incomplete|short shipped|one (?:is|was) missing/i,
  ],
  [
    'quality',
    /质量|坏了|坏掉|不能用|用不了|没法用|不工作|没反应|不好使|不理想|没手感|手感差|卡顿|很卡|太卡|死机|乱码|自动关机|盗版|错别字|翻新|以次充好|山寨|次品|残次|色差|不新鲜|不甜|口感差|口感不好|太硬|太薄|刀痕|亮点|坏点|不清晰|断了|易断|容易断|不亮|不响|开不了机|开不机|充不进电|充不上电|不充电|假货|假的|高仿|山寨|与描述不符|描述不符|货不对板|掉色|褪色|起球|开线|脱线|异味|臭味|色差|瑕疵|故障|失灵|卡顿|死机|发霉|变质|过期|做工差|烂了|烂的|坏成|坏完|坏的|卡的要死|卡得要死|卡着不动|卡死|自动重启|不够结实|松动|不流畅|头皮屑|头屑|线头|缩水|开胶|货不对版|不符合描述|(?:质量|做工|信号|音质|音效|画质|屏幕|电池|续航|待机|口感|味道|手感|效果|性能|料子|面料|材质|颜色|系统|软件)[^,.!?;，。！？；]{0,4}(?:差|不好|不行|一般|不怎么样|对不上|不符|不清晰|太硬|太薄|粗糙|垃圾|撑不)|doesn'?t work|broke down|keeps? (?:freezing|crashing|restarting|dying)|overheat|(?:quality|battery|sound|screen|signal|fabric|material) (?:is|was) (?:poor|bad|terrible|awful|horrible|cheap)|does not work|not working|stopped working|won'?t (?:turn on|charge|work|start)|defective|faulty|fake|counterfeit|knock-?off|not as described|poor quality|low quality|cheap quality|fell apart|falls apart|malfunction|dead on arrival|expired|mou?ldy|rotten|smells|faded|pilling|stitching/i,
  ],
  [
    'delivery',
    /没收到|未收到|还没收到|没到|还没到|还不到|没送到|(?:物流|快递|配送|送货|发货)[^,.!?;，。！？；]{0,6}(?:太慢|很慢|超慢|真慢|慢死|慢得|特别慢|太差|很差|极差)|速度太慢|还没发货|没发货|不发货|未发货|迟迟不发|物流不动|物流没更新|物流不更新|物流停|丢件|丢了|快递丢|被签收|显示签收|催发货|催一下|催单|什么时候发货|什么时候到|到哪了|到哪里了|where is my (?:order|package|parcel|stuff|item)|hasn'?t (?:arrived|shipped|been delivered)|has not (?:arrived|shipped)|not (?:arrived|received|delivered|shipped)|didn'?t (?:receive|arrive|get it)|never (?:arrived|received|came|got)|tracking (?:hasn'?t|not|doesn'?t)|stuck|still waiting|lost (?:in transit|package|parcel)|marked (?:as )?delivered|late delivery|delayed/i,
  ],
  [
    'ordered_wrong',
    /拍错|买错|下错单|选错|拍多了|买多了|ordered the wrong|bought the wrong|my mistake|i chose the wrong|wrong size i ordered|ordered by mistake|ordered twice|accidentally ordered/i,
  ],
  [
    'changed_mind',
    /不想要了|不要了|不喜欢|不合适|不需要了|用不上|不太喜欢|后悔|反悔|changed my mind|don'?t (?:want|need|like) it|no longer (?:want|need)|not needed|didn'?t like|doesn'?t fit|too (?:big|small)/i,
  ],
];

const REMEDY_RULES: [Remedy, RegExp][] = [
  [
    'intercept',
    /拦截|拦回|拦下|追回|退回发件|intercept|stop the (?:shipment|package|delivery|parcel)|recall the (?:parcel|package)|return to sender/i,
  ],
  ['cancel_order', /取消订单|取消一下|取消掉|取消吧|帮我取消|我要取消|别发了|不要发了|不用发了|cancel/i],
  [
    'partial_refund',
    /部分退款|退部分|退一部分|补差价|退差价|补偿一点|补偿点|给点补偿|partial refund|refund (?:the|part of the) difference|price difference|refund part|discount (?:to|and) keep|keep it (?:with|for) a discount/i,
  ],
  [
    'exchange',
    /换货|换一个|换个|换一件|换新|调换|换成|换码|换尺码|换颜色|exchange|swap|replacement|replace it|a new one instead/i,
  ],
  [
    'reship',
    /补发|重发|再发一个|再发一件|重新发|再寄|补寄|resend|re-send|reship|re-ship|send (?:another|a new one|the missing|it again|me another)|ship (?:it )?again/i,
  ],
  [
    'return_refund',
    /退货退款|退款退货|退货|退回去|寄回|退回|return (?:it|them|the|this|for)|send (?:it|them) back|return and refund|want to return/i,
  ],
  ['refund_only', /仅退款|只退款|退钱|退款|把钱退|钱退给我|返钱|money back|refund|reimburse/i],
  ['coupon', /优惠券|代金券|无门槛券|积分|红包|coupon|voucher|store credit|gift card/i],
];

const RESALEABLE =
  /吊牌还在|吊牌没剪|吊牌都在|没拆封|未拆封|没拆|未拆|没开封|未开封|没打开|没穿过|没穿|没用过|没有用过|没使用|未使用|全新|包装完好|没洗过|tags? (?:still )?on|with (?:the )?tags|unopened|unused|never (?:used|worn|opened|washed)|brand new|still sealed|in (?:the )?original packaging|haven'?t (?:used|worn|opened)|not (?:used|worn|opened)/i;
const USED =
  /(?<![没未不])(?:洗过|洗了|穿过|穿了|用过|用了|使用过|拆封了|拆了|已拆|已拆封|开封了|已开封|打开了)|吊牌剪了|剪了吊牌|剪掉吊牌|(?<!never |not |haven't |havent )(?:worn|washed|used it|used them|opened it|opened the)|tags? (?:removed|cut off|are off)|been used/i;

/** The problem an intent reports by itself (damaged_item → damaged). */
export const PROBLEM_OF_INTENT: Partial<Record<Intent, Problem>> = {
  health_safety: 'health',
  damaged_item: 'damaged',
  wrong_item: 'wrong_item',
  missing_item: 'missing',
  quality_issue: 'quality',
  delivery_problem: 'delivery',
};

/** The remedy a request intent asks for by itself (refund_request → refund_only). */
export const REMEDY_OF_INTENT: Partial<Record<Intent, Remedy>> = {
  cancel_order: 'cancel_order',
  exchange_request: 'exchange',
  return_request: 'return_refund',
  refund_request: 'refund_only',
};

export interface Slots {
  problem?: Problem;
  wants?: Remedy;
  condition?: ItemCondition;
}

/** Slots of a message, given its (already decided) intent. */
export function extractSlots(text: string, intent: Intent): Slots {
  const slots: Slots = {};
  const problem = PROBLEM_OF_INTENT[intent] ?? PROBLEM_RULES.find(([, re]) => matches(re, text))?.[0];
  if (problem) slots.problem = problem;
  const wants = REMEDY_RULES.find(([, re]) => matches(re, text))?.[0] ?? REMEDY_OF_INTENT[intent];
  if (wants) slots.wants = wants;
  if (RESALEABLE.test(text)) slots.condition = 'resaleable';
  else if (USED.test(text)) slots.condition = 'used';
  return slots;
}

const INTENT_OF_PROBLEM: Partial<Record<Problem, Intent>> = {
  damaged: 'damaged_item',
  wrong_item: 'wrong_item',
  missing: 'missing_item',
  quality: 'quality_issue',
  delivery: 'delivery_problem',
};

/** The problem report a message states by keyword, as an intent (damaged → damaged_item). */
export function problemIntentOf(text: string): Intent | undefined {
  const problem = PROBLEM_RULES.find(([p, re]) => p !== 'health' && matches(re, text))?.[0];
  return problem ? INTENT_OF_PROBLEM[problem] : undefined;
}

/** True when the text carries a health cue (INTENTS.md: health_safety wins over everything). */
export function hasHealthCue(text: string): boolean {
  return matches(HEALTH_CUES, text);
}
