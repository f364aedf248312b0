import type { ReplyOption } from '../core/messages.ts';

/** Telegram's limit for one message's text (sendMessage), in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Discord's limit for one message's content. */
export const DISCORD_TEXT_LIMIT = 2000;

// A sentence ends after . ! ? … followed by a space, or after the CJK stops, which need no space;
// closing quotes and brackets stay with their sentence.
const SENTENCE_END = /(?:[.!?…]+["'”’)\]」』】）]*(?=\s)|[。！？；]+["'”’)\]」』】）]*)/g;

/**
 * Splits a reply into parts of at most `limit` characters (UTF-16 code units, as the platforms count),
 * cutting at the best boundary inside each window: a paragraph break, then a sentence end (English or
 * Chinese punctuation), then a line break, then a space; only a single unbroken run longer than `limit`
 * is cut hard (never inside a surrogate pair). Parts are trimmed; empty parts are dropped.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new RangeError('limit must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = bestCut(rest, limit);
    const head = rest.slice(0, cut).trim();
    if (head) parts.push(head);
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Where to cut `text` so the first part is at most `limit` long. */
function bestCut(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  // A boundary near the start would leave a tiny part; prefer a weaker boundary further on.
  const minimum = Math.floor(limit * 0.3);
  // Breaks and spaces are cut where they start (they are trimmed away); sentences after their stop.
  const candidates = [
    lastCut(window, /\n\s*\n/g, limit, 'start'),
    lastCut(window, SENTENCE_END, limit, 'end'),
    lastCut(window, /\n/g, limit, 'start'),
    lastCut(window, /\s+/g, limit, 'start'),
  ];
  for (const cut of candidates) if (cut > 0 && cut >= minimum) return cut;
  for (const cut of candidates) if (cut > 0) return cut;
  return hardCut(text, limit);
}

/** The offset (start or end) of the last match of `pattern` that fits in `limit`; 0 when none. */
function lastCut(window: string, pattern: RegExp, limit: number, at: 'start' | 'end'): number {
  let best = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(window); match; match = pattern.exec(window)) {
    const cut = at === 'start' ? match.index : match.index + match[0].length;
    if (cut <= limit) best = cut;
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return best;
}

function hardCut(text: string, limit: number): number {
  const code = text.charCodeAt(limit - 1);
  // Never separate the two halves of an emoji or a rare CJK character.
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * The plain-text fallback for buttons: the reply lists its options as bullet lines, unless the text
 * already names every option. Platforms without buttons (and buyers whose client hides them) can still
 * answer by typing.
 */
export function withOptionsListed(text: string, options: readonly ReplyOption[] | undefined): string {
  if (!options || options.length === 0) return text;
  const lower = text.toLowerCase();
  if (options.every((option) => lower.includes(option.label.toLowerCase()))) return text;
  const list = options.map((option) => `• ${option.label}`).join('\n');
  return text.trim() ? `${text.trimEnd()}\n\n${list}` : list;
}
