/**
 * Chinese numerals as buyers write them: 两件, 三十五块, 一千五 (= 1500), 十二号, 三天前, and digits
 * mixed in (3千). Returns undefined for anything that is not a number.
 */
const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  两: 2,
  三: 3,
  叁: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};

const UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000, 万: 10000 };

/** Characters that can appear in a Chinese numeral (for regular expressions). */
export const CHINESE_NUMERAL_CHARS = '零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万';

export function parseChineseNumber(text: string): number | undefined {
  if (text.length === 0) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 0;
  for (const ch of text) {
    if (/\d/.test(ch)) {
      digit = (digit ?? 0) * 10 + Number(ch);
      continue;
    }
    const d = DIGITS[ch];
    if (d !== undefined) {
      // After 零 (一千零五) the next digit is a plain unit digit.
      if (d === 0) lastUnit = 1;
      digit = d;
      continue;
    }
    const unit = UNITS[ch];
    if (unit === undefined) return undefined;
    if (unit === 10000) {
      section = (section + (digit ?? 0)) * unit;
      total += section;
      section = 0;
      lastUnit = unit;
    } else {
      section += (digit ?? 1) * unit;
      lastUnit = unit;
    }
    digit = undefined;
  }
  if (digit !== undefined) {
    // 一千五 means 1500 and 三万二 32000: a trailing digit counts in the unit below the last one.
    const below = lastUnit >= 100 ? lastUnit / 10 : 1;
    section += digit * below;
  }
  return total + section;
}
