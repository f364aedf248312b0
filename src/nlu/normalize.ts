import { Converter } from 'opencc-js/t2cn';

/**
 * Text normalisation shared by the classifier, entities, emotion and slots.
 *
 * `foldText` gives the "surface" form: full-width ASCII folded to half-width, Traditional folded to
 * Simplified (OpenCC tables shipped in opencc-js, no network), invisible characters (zero-width,
 * bidi controls, variation selectors) removed and every kind of space turned into one plain space.
 * Case is kept (capitals are an anger cue) and so is repeated punctuation ("！！！" → "!!!", a signal).
 * `offsets` maps each surface position back to the buyer's original text, so entity spans point at
 * what the buyer wrote.
 */
export interface FoldedText {
  text: string;
  /** offsets[i] = index in the original text of text[i]; offsets[text.length] = original length. */
  offsets: Int32Array;
}

/** Longest text analysed per message; the rest is ignored and `truncated` is set. */
export const MAX_ANALYSED_CHARS = 2000;

const toSimplified = Converter({ from: 'twp', to: 'cn' });
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/** CJK punctuation that has a plain ASCII twin; mapping keeps one code unit per code unit. */
const PUNCT: Record<string, string> = {
  '。': '.',
  '、': ',',
  '【': '[',
  '】': ']',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '〔': '(',
  '〕': ')',
  '《': '<',
  '》': '>',
  '〈': '<',
  '〉': '>',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '—': '-',
  '－': '-',
};

function isInvisible(c: number): boolean {
  return (
    c === 0xad ||
    c === 0x34f ||
    c === 0x61c ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x206f) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xfeff ||
    (c >= 0xfff9 && c <= 0xfffb) ||
    (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
    (c >= 0x7f && c < 0xa0)
  );
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function capText(text: string, max = MAX_ANALYSED_CHARS): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}

/** Folds width, script (Traditional → Simplified), invisible characters and spaces; keeps case. */
export function foldText(raw: string): FoldedText {
  const out: string[] = [];
  const offsets: number[] = [];
  let lastWasSpace = true;
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (isSpace(c)) {
      if (!lastWasSpace) {
        out.push(' ');
        offsets.push(i);
      }
      lastWasSpace = true;
      continue;
    }
    if (isInvisible(c)) continue;
    lastWasSpace = false;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    const ch = String.fromCharCode(c);
    out.push(PUNCT[ch] ?? ch);
    offsets.push(i);
  }
  if (out.length > 0 && out[out.length - 1] === ' ') {
    out.pop();
    offsets.pop();
  }
  offsets.push(raw.length);
  let text = out.join('');
  if (HAN.test(text)) {
    const simplified = toSimplified(text);
    // OpenCC phrase rules keep the length in practice; if one ever does not, fall back to
    // character-by-character folding so the offsets stay true.
    text =
      simplified.length === text.length
        ? simplified
        : Array.from(text, (ch) => (ch.length === 1 ? toSimplified(ch).slice(0, 1) || ch : ch)).join('');
  }
  return { text, offsets: Int32Array.from(offsets) };
}

/** The classifier's view of a message: folded and lower-cased. */
export function normalizeText(raw: string): string {
  return foldText(raw).text.toLowerCase();
}

/** True when the text contains at least one Han character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}
