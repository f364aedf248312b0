import type { IntentsSet } from './intents-file.ts';
import { normalizeText } from './normalize.ts';
import { INTENTS } from './types.ts';

/**
 * Quality checks of intents/: exact duplicates (after normalisation: width, script, case, spaces and
 * punctuation folded), near-duplicates across intents (Jaccard of character 3-grams), thin intents
 * (fewer than `minPerLanguage` examples in a language) and taxonomy intents with no file.
 * Duplicates across intents and thin intents are errors; the rest are warnings.
 */
export interface IntentsCheckReport {
  errors: string[];
  warnings: string[];
  counts: Record<string, { zh: number; en: number }>;
}

export const MIN_EXAMPLES_PER_LANGUAGE = 60;
export const NEAR_DUPLICATE_JACCARD = 0.8;

function key(text: string): string {
  const normalized = normalizeText(text);
  // Emoji and punctuation-only examples ("👍", "？？？") are their own key.
  return normalized.replace(/[\s\p{P}\p{S}]/gu, '') || normalized.replace(/\s/g, '');
}

function trigrams(normalized: string): Int32Array {
  const s = ` ${normalized} `;
  const set = new Set<number>();
  for (let i = 0; i + 3 <= s.length; i++) {
    set.add((s.charCodeAt(i) * 65599 + s.charCodeAt(i + 1)) * 65599 + s.charCodeAt(i + 2));
  }
  return Int32Array.from(set, (h) => h | 0).sort();
}

function jaccard(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both += 1;
      i += 1;
      j += 1;
    } else if (a[i]! < b[j]!) i += 1;
    else j += 1;
  }
  return both / (a.length + b.length - both);
}

export function checkIntents(
  set: IntentsSet,
  minPerLanguage = MIN_EXAMPLES_PER_LANGUAGE,
): IntentsCheckReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const counts: Record<string, { zh: number; en: number }> = {};
  const byKey = new Map<string, { intent: string; text: string }[]>();
  const items: { intent: string; text: string; key: string; language: 'zh' | 'en'; grams: Int32Array }[] = [];
  for (const def of set.intents) {
    counts[def.name] = { zh: def.zh.length, en: def.en.length };
    for (const language of ['zh', 'en'] as const) {
      const n = def[language].length;
      if (n < minPerLanguage)
        errors.push(`thin intent: ${def.name} has ${n} ${language} examples (< ${minPerLanguage})`);
      for (const text of def[language]) {
        const k = key(text);
        const list = byKey.get(k) ?? [];
        list.push({ intent: def.name, text });
        byKey.set(k, list);
        items.push({ intent: def.name, text, key: k, language, grams: trigrams(k) });
      }
    }
  }
  for (const name of INTENTS) {
    if (!counts[name]) warnings.push(`missing intent: no file for ${name}`);
  }
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const intents = [...new Set(list.map((e) => e.intent))];
    const shown = list.map((e) => `${e.intent}: "${e.text}"`).join(' | ');
    if (intents.length > 1) errors.push(`duplicate across intents: ${shown}`);
    else warnings.push(`duplicate in ${intents[0]}: "${list[0]!.text}" ×${list.length}`);
  }
  for (const language of ['zh', 'en'] as const) {
    const group = items
      .filter((e) => e.language === language)
      .sort((a, b) => a.grams.length - b.grams.length);
    for (let i = 0; i < group.length; i++) {
      const a = group[i]!;
      if (a.grams.length < 4) continue;
      for (let j = i + 1; j < group.length; j++) {
        const b = group[j]!;
        // Jaccard ≥ t needs |a| ≥ t·|b|: sorted by size, later items only grow.
        if (a.grams.length < NEAR_DUPLICATE_JACCARD * b.grams.length) break;
        if (a.intent === b.intent || a.key === b.key) continue;
        const similarity = jaccard(a.grams, b.grams);
        if (similarity >= NEAR_DUPLICATE_JACCARD) {
          warnings.push(
            `near-duplicate (${similarity.toFixed(2)}): ${a.intent}: "${a.text}" ~ ${b.intent}: "${b.text}"`,
          );
        }
      }
    }
  }
  return { errors, warnings, counts };
}
