import { CHINESE_NUMERAL_CHARS, parseChineseNumber } from './chinese-numbers.ts';
import { type FoldedText, foldText } from './normalize.ts';
import type { Entity, EntityType } from './types.ts';

/**
 * Entities of one buyer message, each with its span in the text as the buyer wrote it.
 *
 * Values are normalised:
 * - order_id: upper-case, spaces removed, dashes KEPT ("ds-20931" → "DS-20931", "2026 1118 1234 5678"
 *   → "2026111812345678"): shops print ids with their dashes, so the order source sees the id as
 *   printed; a lookup that ignores dashes can strip them itself.
 * - tracking_number: upper-case, spaces and dashes removed ("SF 1234 5678 9012" → "SF123456789012").
 * - phone: E.164 ("138 1234 5678" → "+8613812345678", "(415) 555-0134" → "+14155550134").
 * - amount: decimal string with two places and `currency` CNY or USD ("9块4毛2" → "9.42").
 * - quantity: integer string ("两件" → "2", "3 pcs" → "3").
 * - date: ISO date YYYY-MM-DD, relative dates counted from `now` in UTC ("三天前", "last week").
 * - email: lower-case. photo: one per attached photo, value "photo", empty raw and span [0, 0).
 * Digits are read after width folding, so full-width "２０２６" and spaces inside ids are handled.
 */

interface Candidate extends Entity {
  priority: number;
}

const PRIORITY: Record<EntityType, number> = {
  email: 9,
  tracking_number: 8,
  phone: 7,
  order_id: 6,
  date: 5,
  amount: 4,
  quantity: 3,
  photo: 10,
};

const CN_NUM = `[${CHINESE_NUMERAL_CHARS}]`;
const NUM = `(?:\\d+|${CN_NUM}+)`;

const CARRIERS = 'SF|YT|JDV[A-Z]|JDX|JD|ZTO|STO|YD|JT|DPK|DBL|EMS|ZJS|KYE|YZ|DHL|TNT';
const TRACKING = new RegExp(`(?<![A-Za-z0-9])(?:${CARRIERS})[ -]?\\d(?:[ -]?\\d){7,17}(?!\\d)`, 'gi');
const UPU_TRACKING = /(?<![A-Za-z0-9])[A-Z]{2}\d{9}[A-Z]{2}(?![A-Za-z0-9])/g;
const UPS_TRACKING = /(?<![A-Za-z0-9])1Z[0-9A-Z]{16}(?![A-Za-z0-9])/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const URL = /https?:\/\/\S+|www\.\S+/gi;
const CN_MOBILE = /(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)/g;
const US_PHONE = /(?<![\d+])(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?!\d)/g;
/** Digit runs, possibly grouped by single spaces or dashes ("2026 1118 1234 5678"). */
const DIGIT_GROUPS = /(?<![\dA-Za-z])\d{2,}(?:[ -]\d{2,})*(?![\dA-Za-z])/g;
/** Letters then digits ("CD10482", "DS-20931", "ord_88213"). */
const ALNUM_ID = /(?<![A-Za-z0-9])[A-Za-z]{1,5}[-_]?\d{4,18}[A-Za-z]?(?![A-Za-z0-9])/g;
const ORDER_CONTEXT = /(订单|单号|订单号|订单编号|order|#|no\.?|number)\s*[:：#]?\s*$/i;
const TRACKING_CONTEXT =
  /(快递单号|运单号|物流单号|快递号|运单|tracking(?: number| no\.?| #)?)\s*[:：#]?\s*(是|为|is)?\s*$/i;

const CNY_AFTER = '(?:元|块钱|块|圆|rmb|cny|人民币)';
const USD_AFTER = '(?:美元|美金|usd|dollars?|bucks)';
const AMOUNT_SYMBOL = /(?:([¥￥]|rmb|cny)|(us\$|\$|usd))\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?/gi;
const AMOUNT_WORD = new RegExp(
  `(\\d{1,3}(?:,\\d{3})+|\\d+|${CN_NUM}+)(?:\\.(\\d{1,2}))?\\s?(${CNY_AFTER}|${USD_AFTER})(?:(${NUM})毛(${NUM})?|(${NUM})(?![${CHINESE_NUMERAL_CHARS}\\d]*[件个双只台盒瓶包条套箱支张本把斤袋份对片枚]))?`,
  'gi',
);
const AMOUNT_MAO = new RegExp(`(${NUM})毛(钱)?`, 'g');

const QUANTITY_ZH = new RegExp(
  `(\\d+|${CN_NUM}+)\\s?(件|个|双|只|台|盒|瓶|包|条|套|箱|支|张|本|把|斤|袋|份|对|片|枚|块)`,
  'g',
);
const QUANTITY_EN =
  /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a pair of)\s?(pcs|pc|pieces?|items?|units?|pairs?|boxes|box|bottles?|packs?|sets?|bags?)\b/gi;
const EN_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  'a couple of': 2,
  'a pair of': 2,
};

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH_NAMES =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ISO_DATE = /(?<!\d)(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})(?:日|号)?(?!\d)/g;
const ZH_MONTH_DAY = new RegExp(
  `(?<![\\d年])(\\d{1,2}|${CN_NUM}{1,3})月(\\d{1,2}|${CN_NUM}{1,3})(?:日|号)`,
  'g',
);
const ZH_DAY_ONLY = new RegExp(
  `(?<![\\d月${CHINESE_NUMERAL_CHARS}])(\\d{1,2}|${CN_NUM}{1,3})(?:号)(?![码])`,
  'g',
);
const EN_MONTH_DAY = new RegExp(
  `\\b${MONTH_NAMES}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(20\\d{2}))?\\b`,
  'gi',
);
const EN_DAY_MONTH = new RegExp(
  `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAMES}\\b(?:,?\\s+(20\\d{2}))?`,
  'gi',
);
const SLASH_DATE = /(?<![\d/])(\d{1,2})\/(\d{1,2})(?:\/(20\d{2}))?(?![\d/])/g;
const ZH_RELATIVE = new RegExp(
  `大前天|前天|昨天|昨日|今天|今日|明天|后天|(${NUM})(?:天|日)(?:前|之前|以前)|(上上|上|这|本|下)(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])?|(上|这|本|下)个?月`,
  'g',
);
const EN_RELATIVE =
  /\b(?:the day before yesterday|yesterday|today|tonight|tomorrow|(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten) (days?|weeks?|months?) ago|(last|this|next) (week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/gi;
const WEEKDAYS_EN = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function utcDay(now: Date, offsetDays = 0): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays));
}

/** A month/day without a year: this year's, unless that is more than 6 months ahead (then last year's). */
function monthDay(now: Date, month: number, day: number, year?: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let y = year ?? now.getUTCFullYear();
  let d = new Date(Date.UTC(y, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return undefined;
  if (year === undefined && d.getTime() - now.getTime() > 183 * 86_400_000) {
    y -= 1;
    d = new Date(Date.UTC(y, month - 1, day));
  }
  return isoDate(d);
}

/** Monday-based start of the week containing `day` (UTC). */
function weekStart(day: Date): Date {
  const dow = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - dow * 86_400_000);
}

function cents(integer: number, fraction: number): string {
  const total = Math.round(integer * 100 + fraction);
  return `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
}

function fractionDigits(text: string | undefined): number {
  if (!text) return 0;
  return text.length === 1 ? Number(text) * 10 : Number(text);
}

function num(text: string): number | undefined {
  return parseChineseNumber(text.replace(/,/g, ''));
}

function zhWeekday(ch: string | undefined): number | undefined {
  if (ch === undefined) return undefined;
  const map: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
  return map[ch] ?? (ch >= '1' && ch <= '7' ? Number(ch) : undefined);
}

/** Finds the entities in `raw`; `attachments` of kind photo/image become `photo` entities. */
export function extractEntities(
  raw: string,
  options: { attachments?: readonly { kind: string }[]; now?: Date; folded?: FoldedText } = {},
): Entity[] {
  const folded = options.folded ?? foldText(raw);
  const text = folded.text.replace(/￥/g, '¥');
  const now = options.now ?? new Date();
  const found: Candidate[] = [];
  const add = (type: EntityType, start: number, end: number, value: string, currency?: string): void => {
    const s = folded.offsets[start]!;
    const e = end > 0 ? folded.offsets[end - 1]! + 1 : s;
    const c: Candidate = { type, value, raw: raw.slice(s, e), start: s, end: e, priority: PRIORITY[type] };
    if (currency) c.currency = currency;
    found.push(c);
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => void): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) fn(m);
  };
  const masked: [number, number][] = [];
  each(URL, (m) => masked.push([m.index, m.index + m[0].length]));
  const inUrl = (start: number): boolean => masked.some(([s, e]) => start >= s && start < e);

  each(EMAIL, (m) => add('email', m.index, m.index + m[0].length, m[0].toLowerCase()));
  for (const re of [TRACKING, UPU_TRACKING, UPS_TRACKING]) {
    each(re, (m) => {
      if (!inUrl(m.index))
        add('tracking_number', m.index, m.index + m[0].length, m[0].replace(/[ -]/g, '').toUpperCase());
    });
  }
  each(CN_MOBILE, (m) => {
    if (inUrl(m.index)) return;
    const digits = m[0].replace(/\D/g, '');
    add('phone', m.index, m.index + m[0].length, `+86${digits.slice(-11)}`);
  });
  each(US_PHONE, (m) => {
    if (inUrl(m.index)) return;
    const digits = m[0].replace(/\D/g, '');
    const local = digits.length === 11 ? digits.slice(1) : digits;
    // A bare digit run is an order number more often than a US phone: need grouping, brackets or +1.
    if (/^\d+$/.test(m[0])) return;
    add('phone', m.index, m.index + m[0].length, `+1${local}`);
  });
  each(DIGIT_GROUPS, (m) => {
    if (inUrl(m.index)) return;
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length < 6 || digits.length > 20) return;
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    if (TRACKING_CONTEXT.test(before)) {
      add('tracking_number', m.index, m.index + m[0].length, digits);
      return;
    }
    // Grouped digits are one id only when the groups look like one (4-4-4-4); "2026-11-20" is a date.
    if (/[ -]/.test(m[0]) && !/^\d{3,6}(?:[ -]\d{3,6})+$/.test(m[0])) return;
    if (digits.length < 8 && !ORDER_CONTEXT.test(before)) return;
    add('order_id', m.index, m.index + m[0].length, digits);
  });
  each(ALNUM_ID, (m) => {
    if (inUrl(m.index)) return;
    const value = m[0].replace(/\s/g, '').toUpperCase();
    if (value.length < 6 || value.length > 20) return;
    add('order_id', m.index, m.index + m[0].length, value);
  });

  each(ISO_DATE, (m) => {
    const v = monthDay(now, Number(m[2]), Number(m[3]), Number(m[1]));
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  each(ZH_MONTH_DAY, (m) => {
    const v = monthDay(now, num(m[1]!) ?? 0, num(m[2]!) ?? 0);
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  each(ZH_DAY_ONLY, (m) => {
    const day = num(m[1]!) ?? 0;
    const v = monthDay(now, now.getUTCMonth() + 1, day);
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  each(EN_MONTH_DAY, (m) => {
    const month = MONTHS[m[1]!.toLowerCase().slice(0, 3)] ?? 0;
    const v = monthDay(now, month, Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  each(EN_DAY_MONTH, (m) => {
    const month = MONTHS[m[2]!.toLowerCase().slice(0, 3)] ?? 0;
    const v = monthDay(now, month, Number(m[1]), m[3] ? Number(m[3]) : undefined);
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  each(SLASH_DATE, (m) => {
    // m/d as written in the US; a Chinese buyer writes 11月20日.
    const v = monthDay(now, Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (v) add('date', m.index, m.index + m[0].length, v);
  });
  const today = utcDay(now);
  each(ZH_RELATIVE, (m) => {
    const w = m[0];
    const fixed: Record<string, number> = {
      大前天: -3,
      前天: -2,
      昨天: -1,
      昨日: -1,
      今天: 0,
      今日: 0,
      明天: 1,
      后天: 2,
    };
    let v: string | undefined;
    if (w in fixed) v = isoDate(utcDay(now, fixed[w]!));
    else if (m[1] !== undefined) {
      const n = num(m[1]);
      if (n !== undefined && n <= 3650) v = isoDate(utcDay(now, -n));
    } else if (m[2] !== undefined) {
      const shift = { 上上: -14, 上: -7, 这: 0, 本: 0, 下: 7 }[m[2]] ?? 0;
      const day = zhWeekday(m[3]);
      const start = weekStart(new Date(today.getTime() + shift * 86_400_000));
      v = isoDate(new Date(start.getTime() + ((day ?? 1) - 1) * 86_400_000));
    } else if (m[4] !== undefined) {
      const shift = { 上: -1, 这: 0, 本: 0, 下: 1 }[m[4]] ?? 0;
      v = isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + shift, 1)));
    }
    if (v) add('date', m.index, m.index + w.length, v);
  });
  each(EN_RELATIVE, (m) => {
    const w = m[0].toLowerCase();
    let v: string | undefined;
    if (w === 'yesterday') v = isoDate(utcDay(now, -1));
    else if (w === 'the day before yesterday') v = isoDate(utcDay(now, -2));
    else if (w === 'today' || w === 'tonight') v = isoDate(today);
    else if (w === 'tomorrow') v = isoDate(utcDay(now, 1));
    else if (m[1] !== undefined && m[2] !== undefined) {
      const n = m[1] === 'a' ? 1 : (EN_NUMBERS[m[1].toLowerCase()] ?? Number(m[1]));
      const unit = m[2].toLowerCase();
      if (unit.startsWith('day')) v = isoDate(utcDay(now, -n));
      else if (unit.startsWith('week')) v = isoDate(utcDay(now, -7 * n));
      else v = isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, now.getUTCDate())));
    } else if (m[3] !== undefined && m[4] !== undefined) {
      const shift = { last: -1, this: 0, next: 1 }[m[3].toLowerCase()] ?? 0;
      const what = m[4].toLowerCase();
      if (what === 'week') v = isoDate(weekStart(utcDay(now, 7 * shift)));
      else if (what === 'month')
        v = isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + shift, 1)));
      else {
        const target = WEEKDAYS_EN.indexOf(what);
        const start = weekStart(utcDay(now, 7 * shift));
        v = isoDate(new Date(start.getTime() + ((target + 6) % 7) * 86_400_000));
      }
    }
    if (v) add('date', m.index, m.index + m[0].length, v);
  });

  each(AMOUNT_SYMBOL, (m) => {
    const value = num(m[3]!);
    if (value === undefined) return;
    add('amount', m.index, m.index + m[0].length, cents(value, fractionDigits(m[4])), m[2] ? 'USD' : 'CNY');
  });
  each(AMOUNT_WORD, (m) => {
    const integer = num(m[1]!);
    if (integer === undefined) return;
    const unit = m[3]!.toLowerCase();
    const usd = new RegExp(`^${USD_AFTER}$`, 'i').test(unit);
    let fraction = fractionDigits(m[2]);
    // 9块4毛2 = 9.42; 3块5 = 3.50 (a trailing number after 块 is tenths).
    if (m[4] !== undefined) fraction = (num(m[4]) ?? 0) * 10 + (m[5] !== undefined ? (num(m[5]) ?? 0) : 0);
    else if (m[6] !== undefined && !usd) fraction = (num(m[6]) ?? 0) * 10;
    else if (m[6] !== undefined) return;
    if (fraction >= 100) return;
    // 两块蛋糕 is two pieces of cake, not two yuan.
    const next = text.slice(m.index + m[0].length, m.index + m[0].length + 1);
    if (
      unit === '块' &&
      m[4] === undefined &&
      m[6] === undefined &&
      /[\u4e00-\u9fff]/.test(next) &&
      !/[钱毛的了吧啊呢啦呀嘛哦]/.test(next)
    )
      return;
    add('amount', m.index, m.index + m[0].length, cents(integer, fraction), usd ? 'USD' : 'CNY');
  });
  each(AMOUNT_MAO, (m) => {
    const n = num(m[1]!);
    if (n !== undefined && n < 10) add('amount', m.index, m.index + m[0].length, cents(0, n * 10), 'CNY');
  });
  each(QUANTITY_ZH, (m) => {
    const n = num(m[1]!);
    if (n === undefined || n === 0 || n > 10_000) return;
    if (
      m[2] === '块' &&
      !/^[\u4e00-\u9fff]/.test(text.slice(m.index + m[0].length).replace(/^[钱毛的了吧啊呢啦呀嘛哦]/, ''))
    )
      return;
    add('quantity', m.index, m.index + m[0].length, String(n));
  });
  each(QUANTITY_EN, (m) => {
    const n = EN_NUMBERS[m[1]!.toLowerCase()] ?? Number(m[1]);
    if (!Number.isFinite(n) || n === 0 || n > 10_000) return;
    add('quantity', m.index, m.index + m[0].length, String(n));
  });

  // Keep the best of overlapping candidates: higher priority first, then the longer span.
  found.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const c of found) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  const entities: Entity[] = kept.map(({ priority: _p, ...e }) => e);
  for (const a of options.attachments ?? []) {
    if (/^(photo|image|picture|img)$/i.test(a.kind))
      entities.push({ type: 'photo', value: 'photo', raw: '', start: 0, end: 0 });
  }
  return entities;
}
