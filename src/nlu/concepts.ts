/**
 * A bilingual concept lexicon: many ways of saying one thing map to one feature ("reimbursement",
 * "money back", "退钱", "退款" → concept refund). The classifier learns a weight per concept from
 * intents/, so a synonym the example writers never used still counts, and the Chinese and English
 * examples of an intent strengthen each other. Patterns run on folded, lower-cased text: Chinese as
 * substrings, English from a word start (stems, so "refunds", "refunded" match "refund").
 */

import { DELIVERY } from './lexicon/delivery.ts';
import { DIALOGUE_ACTS } from './lexicon/dialogue-acts.ts';
import { GRIEVANCES } from './lexicon/grievances.ts';
import { MARKERS } from './lexicon/markers.ts';
import { PROBLEMS } from './lexicon/problems.ts';
import { QUESTIONS } from './lexicon/questions.ts';
import { REQUESTS } from './lexicon/requests.ts';
import type { Lexicon } from './lexicon/types.ts';

/**
 * The whole lexicon, theme by theme. The order is the order `conceptsOf` reports concepts in, which
 * fixes the order of features and so the trained model's bytes: append, do not reorder.
 */
const CONCEPTS: Lexicon = {
  ...REQUESTS,
  ...DELIVERY,
  ...PROBLEMS,
  ...GRIEVANCES,
  ...QUESTIONS,
  ...DIALOGUE_ACTS,
  ...MARKERS,
};

/** The lexicon as text, part of the model's cache key: a changed lexicon means different features. */
export const LEXICON_FINGERPRINT = JSON.stringify(CONCEPTS);

interface CompiledConcept {
  name: string;
  re: RegExp;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const COMPILED: CompiledConcept[] = Object.entries(CONCEPTS).map(([name, { zh = [], en = [] }]) => {
  // English: a word start, then a stem ("refund" → refunds) unless the word is short ("hi", "no",
  // "bot" must not match "his", "not", "both"); a trailing * forces a stem ("burn*" → burned).
  const english = en.map((w) => {
    if (w.endsWith('*')) return `(?<![a-z])${escapeRegExp(w.slice(0, -1))}`;
    return w.length <= 4 ? `(?<![a-z])${escapeRegExp(w)}(?![a-z])` : `(?<![a-z])${escapeRegExp(w)}`;
  });
  const parts = [...zh.map(escapeRegExp), ...english];
  return { name, re: new RegExp(parts.join('|'), 'g') };
});

/** Concepts that only an after-sales message has (not greetings, yes/no, pre-sales, contact…). */
export const GENERIC_CONCEPTS: ReadonlySet<string> = new Set([
  'greeting',
  'thanks',
  'yes',
  'no',
  'presales',
  'swear',
  'contact',
  'when',
  'where_status',
  'photo',
  'policy',
  'fee',
  'spec',
]);

/** True when one of `concepts` is about an after-sales matter. */
export function hasDomainConcept(concepts: readonly string[]): boolean {
  return concepts.some((c) => !GENERIC_CONCEPTS.has(c));
}

/** Names of the concepts present in `text` (folded, lower-cased), each once. */
export function conceptsOf(text: string): string[] {
  const out: string[] = [];
  for (const c of COMPILED) {
    c.re.lastIndex = 0;
    if (c.re.test(text)) out.push(c.name);
  }
  return out;
}
