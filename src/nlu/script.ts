import { Converter as toTraditionalConverter } from 'opencc-js/cn2t';
import { Converter as toSimplifiedConverter } from 'opencc-js/t2cn';

/*
 * Which Chinese script a buyer writes, so the bot answers in it: a buyer from Taiwan or Hong Kong who
 * writes 過敏了 should not be answered 过敏. The dialogue is written in Simplified; replies are converted.
 */
const toSimplified = toSimplifiedConverter({ from: 'twp', to: 'cn' });
const toTraditionalText = toTraditionalConverter({ from: 'cn', to: 'tw' });

export type ChineseScript = 'traditional' | 'simplified';

/** The script of the Chinese in `text`, or null when it has none. */
export function chineseScript(text: string): ChineseScript | null {
  const han = text.match(/\p{Script=Han}/gu);
  if (!han) return null;
  const simplified = [...toSimplified(han.join(''))];
  let changed = 0;
  for (let i = 0; i < han.length; i++) if (han[i] !== simplified[i]) changed += 1;
  // One changed character can be a shared variant; a Traditional writer changes several, or a good share.
  return changed >= 2 || changed / han.length >= 0.25 ? 'traditional' : 'simplified';
}

/** Simplified Chinese written out in Traditional characters (Taiwan standard). */
export function toTraditional(text: string): string {
  return toTraditionalText(text);
}
