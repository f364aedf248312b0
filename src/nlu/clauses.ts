/**
 * Clauses of a message, for reading long messages part by part: a review that reports a defect and
 * also grumbles about the service says two things, and each is clearer on its own. Input is the
 * folded, lower-cased text (`normalizeText`), where "。！？；" are already ".!?;" and line breaks are
 * spaces. A clause ends at sentence punctuation, and in Chinese also at a space between two Han
 * characters (chat buyers separate clauses with spaces). Clauses too short to mean anything alone
 * stay with the one before them.
 */

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
/** Where a clause may end: most messages have none of these and are one clause. */
const MAY_CUT = /[!?;~….]|[\u3400-\u9fff\uf900-\ufaff] [\u3400-\u9fff\uf900-\ufaff]/;

/** Characters of a clause that carry meaning (Han characters count one each, words one each). */
function weight(clause: string): number {
  const han = clause.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0;
  const words = clause.match(/[a-z]+/g)?.length ?? 0;
  return han + words;
}

/** The clauses of `text`; a message of one clause gives `[text]`. */
export function splitClauses(text: string): string[] {
  if (!MAY_CUT.test(text)) return [text];
  const parts: string[] = [];
  let start = 0;
  const cut = (end: number, next: number): void => {
    const part = text.slice(start, end).trim();
    if (part.length > 0) parts.push(part);
    start = next;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '!' || c === '?' || c === ';' || c === '~' || c === '…') {
      let j = i + 1;
      while (j < text.length && /[!?;~….\s]/.test(text[j]!)) j += 1;
      cut(j, j);
      i = j - 1;
    } else if (c === '.') {
      const before = text[i - 1] ?? ' ';
      const after = text[i + 1] ?? ' ';
      // "3.5", "e.g", "www.x.com" keep their dots.
      if (/\d/.test(before) && /\d/.test(after)) continue;
      if (after !== ' ' && after !== '.' && !HAN.test(after) && !HAN.test(before)) continue;
      let j = i + 1;
      while (j < text.length && /[.!?\s]/.test(text[j]!)) j += 1;
      cut(j, j);
      i = j - 1;
    } else if (c === ' ' && HAN.test(text[i - 1] ?? '') && HAN.test(text[i + 1] ?? '')) {
      cut(i, i + 1);
    }
  }
  cut(text.length, text.length);
  if (parts.length <= 1) return [text];
  const merged: string[] = [];
  for (const part of parts) {
    const last = merged.length - 1;
    if (last >= 0 && weight(merged[last]!) < 2) merged[last] = `${merged[last]} ${part}`;
    else if (last >= 0 && weight(part) < 2) merged[last] = `${merged[last]} ${part}`;
    else merged.push(part);
  }
  return merged.length <= 1 ? [text] : merged;
}
