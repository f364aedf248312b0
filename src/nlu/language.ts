import type { Language } from './types.ts';

/**
 * Language of one message: `zh` when it is written in Chinese (a brand or model name in Latin letters
 * does not make it mixed), `en` when it has no Chinese, `mixed` when both carry words. A message with
 * no words at all (emoji, a bare number, a photo) is `mixed`: it says nothing about the language,
 * and the conversation keeps the one it had.
 */
export function detectLanguage(text: string): Language {
  const han = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) ?? []).length;
  // Words of letters only: ids, order numbers and e-mail addresses say nothing about the language.
  const cleaned = text
    .replace(/https?:\/\/\S+|www\.\S+/gi, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/[A-Za-z]*\d[A-Za-z\d-]*/g, ' ');
  const latinWords = (cleaned.match(/[A-Za-z\u00c0-\u024f]{2,}/g) ?? []).length;
  if (han === 0 && latinWords === 0) {
    const otherLetters = (text.match(/\p{L}/gu) ?? []).length;
    return otherLetters > 0 ? 'en' : 'mixed';
  }
  if (han === 0) return 'en';
  if (latinWords === 0) return 'zh';
  // "iPhone坏了" is Chinese; "我要refund please" is mixed.
  if (latinWords === 1 && han >= 2) return 'zh';
  return latinWords >= 2 && han >= 1 ? 'mixed' : 'zh';
}
