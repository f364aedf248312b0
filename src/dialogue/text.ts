import type { Entity, Language, Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import type { Lang } from './replies/types.ts';
import type { StateOption } from './state.ts';

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const HAN_ALL = /[\u3400-\u9fff\uf900-\ufaff《》（）]/g;

/** A stable 32-bit hash (FNV-1a): picks a phrasing that varies by turn yet repeats for the same input. */
export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** True when the text holds any Han character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/**
 * The language to answer in. Han characters mean zh ('mixed' included); English needs real words, not
 * an order number or a lone "ok", before a Chinese conversation switches to English.
 */
export function replyLanguage(
  detected: Language,
  text: string,
  entities: Entity[],
  previous: Lang | null,
): Lang {
  if (hasHan(text)) return 'zh';
  let rest = text;
  for (const e of entities) if (e.raw) rest = rest.split(e.raw).join(' ');
  const words = rest.match(/[A-Za-z]{2,}/g) ?? [];
  const englishEnough = words.length >= 2 || words.some((w) => w.length >= 5);
  if (englishEnough) return 'en';
  if (previous) return previous;
  if (words.length > 0) return 'en';
  return detected === 'en' ? 'en' : 'zh';
}

/** Full-width to half-width, trimmed, lower-cased, without trailing punctuation. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s。．.!！~～、,，]+$/u, '')
    .trim();
}

const ZH_NUMBERS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};
const EN_ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  one: 1,
  two: 2,
  three: 3,
};

/** A number the buyer picked ("2", "２", "第二个", "选2", "option 2", "the second one"), or null. */
export function pickedNumber(text: string): number | null {
  const t = normalizeAnswer(text);
  const digit = t.match(
    /^(?:选|选择|要|就|第|option|no\.?|number|#)?\s*([1-9])\s*(?:个|号|项|种|吧|分|星|stars?)?$/,
  );
  if (digit) return Number(digit[1]);
  const zh = t.match(/^(?:选|选择|要|就)?第?([一二两三四五])(?:个|号|项|种)(?:吧|方案)?$/);
  if (zh) return ZH_NUMBERS[zh[1]!] ?? null;
  const en = t.match(/^(?:the\s+)?(first|second|third|fourth|fifth|one|two|three)(?:\s+one|\s+option)?$/);
  if (en) return EN_ORDINALS[en[1]!] ?? null;
  return null;
}

/** The button the buyer tapped or named (its value, its label, or its number), or null. */
export function matchOption(text: string, options: StateOption[]): StateOption | null {
  if (options.length === 0) return null;
  const t = normalizeAnswer(text);
  if (!t) return null;
  for (const option of options) {
    if (t === normalizeAnswer(option.value) || t === normalizeAnswer(option.label)) return option;
  }
  const n = pickedNumber(text);
  if (n !== null) return options[n - 1] ?? null;
  // An order typed loosely ("order cd 10005", "ＣＤ１０００５号"): compare without spaces and case.
  const squeezed = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  const orders = options.filter(
    (o) => o.key.startsWith('order:') && squeezed.includes(o.value.toUpperCase()),
  );
  return orders.length === 1 ? orders[0]! : null;
}

// Words that name a remedy, checked only against the remedies on offer (most specific first).
const REMEDY_WORDS: [Remedy, RegExp][] = [
  ['partial_refund', /部分退款|退一部分|退差价|留着|补偿一部分|partial|keep (it|them)/i],
  ['reship', /补发|重发|再发一|寄个新的|再寄|resend|reship|send (me )?(a )?(new|replacement)|replacement/i],
  ['exchange', /换货|换一|换个|换新|调换|exchange|swap/i],
  ['coupon', /优惠券|券|coupon|voucher/i],
  ['intercept', /拦截|拦回|退回来|intercept|stop the parcel/i],
  ['return_refund', /退货|寄回|退回|return/i],
  ['cancel_order', /取消|cancel/i],
  ['refund_only', /退款|退钱|refund|money back/i],
];

/** The remedy the text names among `offered`, or null. */
export function namedRemedy(text: string, offered: Remedy[]): Remedy | null {
  for (const [remedy, pattern] of REMEDY_WORDS) {
    if (offered.includes(remedy) && pattern.test(text)) return remedy;
  }
  return null;
}

const NOT_THIS_ORDER =
  /不是这个订单|不是这单|不是这笔|不是这个单|订单(号)?(搞|弄|查)?错了|另一(个|笔)订单|换一?(个|笔)订单|wrong order|not (this|that|the right) order|different order|another order|other order/i;

/** "不是这个订单" / "wrong order": the buyer corrects the order the bot picked. */
export function saysWrongOrder(text: string): boolean {
  return NOT_THIS_ORDER.test(text);
}

const WONT_WAIT =
  /不想等|不等了|不等啦|不用等|不要等|别等|等不了|等不及|不愿意?等|没法等|不再等|懒得等|直接退|马上退|立刻退|立即退|现在就退|就要退|非要退|\b(don'?t|do not|won'?t|will not|can'?t|cannot|not going to|no need to|no more|not)\b[^.!?]{0,20}\bwait|\b(no|stop|done|tired of|not) waiting\b|refund (me )?(now|right away|straight away|immediately)|just refund/i;
const WILL_WAIT =
  /再等|等等|等一下|等一等|等几天|我等|那就等|先等|等着吧|等吧|不急|\b(i'?ll|i will|let'?s|i can|happy to|fine to|i'?d rather) wait\b|\bwait (for it|a (bit|little|few days)|then)\b|^wait$/i;

/** "不想等了，直接退款" / "I don't want to wait": the buyer refuses to wait for a parcel on its way. */
export function saysWontWait(text: string): boolean {
  return WONT_WAIT.test(text);
}

/** "那我再等等" / "I'll wait": the buyer agrees to wait for a parcel on its way. */
export function saysWillWait(text: string): boolean {
  return !WONT_WAIT.test(text) && WILL_WAIT.test(normalizeAnswer(text));
}

/** The words ask whether something happened ("退款了吗", "到账没有", "did you refund it?"). */
export function asksWhether(text: string): boolean {
  return /[?？]|吗|了没|没有|\b(did|has|have|is|was|when|yet)\b/i.test(text);
}

/** A bare "?" (or "？？"), asking the bot to say it again. */
export function isBareQuestion(text: string): boolean {
  return /^[?？]+$/.test(text.trim());
}

const NO_PHOTO =
  /没(有)?(拍|照片|图)|拍不了|不方便拍|照片没有|扔了|no (photo|picture)|can'?t (take|send) (a )?(photo|picture)|don'?t have (a )?(photo|picture)/i;

/** The buyer says they cannot send a photo. */
export function saysNoPhoto(text: string): boolean {
  return NO_PHOTO.test(text);
}

/** A 1–5 satisfaction score ("5", "５分", "4 stars", "五星"), or null. */
export function satisfactionScore(text: string): number | null {
  const t = normalizeAnswer(text);
  const m = t.match(/^([1-5])\s*(?:分|星|stars?|\/\s*5)?$/) ?? t.match(/^([一二三四五])\s*(?:分|星)$/);
  if (!m) return null;
  const raw = m[1]!;
  return /\d/.test(raw) ? Number(raw) : (ZH_NUMBERS[raw] ?? null);
}

/**
 * How many times the order amount a compensation demand asks for ("假一赔三", "退一赔十", "3倍",
 * "3x", "triple"), or null.
 */
export function compensationMultiplier(text: string): number | null {
  const t = text.normalize('NFKC');
  const zh =
    t.match(/(?:假一|退一|一)赔([一二三四五六七八九十\d]+)/) ?? t.match(/([一二三四五六七八九十\d]+)\s*倍/);
  if (zh) {
    const raw = zh[1]!;
    const n = /^\d+$/.test(raw) ? Number(raw) : (ZH_NUMBERS[raw] ?? null);
    return n && n > 0 ? n : null;
  }
  const en = t.match(/\b(\d+)\s*(?:x|times)\b/i);
  if (en) return Number(en[1]);
  if (/\btriple\b/i.test(t)) return 3;
  if (/\bdouble\b/i.test(t)) return 2;
  return null;
}

/** The item's name in one language: demo names are "中文名 English name"; the English part is shortened. */
export function itemName(order: Order | null, lang: Lang): string {
  const name = order?.items[0]?.name?.trim() ?? '';
  if (!name) return '';
  const matches = [...name.matchAll(HAN_ALL)];
  if (matches.length === 0) return shortEnglish(name);
  const last = matches[matches.length - 1]!;
  const cut = (last.index ?? 0) + last[0].length;
  const zh = name.slice(0, cut).trim();
  const en = name.slice(cut).trim();
  if (lang === 'zh') return zh;
  return en ? shortEnglish(en) : zh;
}

function shortEnglish(name: string): string {
  const head = name
    .split(',')[0]!
    .trim()
    .replace(/^the\s+/i, '');
  // "Glass tumblers" reads as a common noun after "the"; "Little Prince" stays a title.
  const [first, ...rest] = head.split(' ');
  if (first && /^[A-Z][a-z]/.test(first) && rest.every((w) => !/^[A-Z]/.test(w))) {
    return first.charAt(0).toLowerCase() + first.slice(1) + (rest.length ? ` ${rest.join(' ')}` : '');
  }
  return head;
}
