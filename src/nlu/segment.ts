import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { DOMAIN_WORDS } from './domain-words.ts';

/**
 * Chinese word segmentation that knows the domain's words. A run of Han characters is first scanned
 * for domain words (longest match, DOMAIN_WORDS); the stretches between are cut by a base segmenter:
 * - `jieba`: @node-rs/jieba with its dictionary trimmed to the words seen at least `JIEBA_MIN_FREQ`
 *   times (the full 350k-word dictionary costs ~200 ms and ~65 MB to load; the trimmed one ~30 ms,
 *   and measured the same on the intent sets),
 * - `intl`: ICU's `Intl.Segmenter` (no custom words, slower per call),
 * - `chars`: one token per character.
 * bench-nlu measures the choices; `jieba` is the default.
 */
export type SegmenterKind = 'jieba' | 'intl' | 'chars';

const JIEBA_MIN_FREQ = 20;

interface TrieNode {
  next: Map<string, TrieNode>;
  word: boolean;
}

function buildTrie(words: readonly string[]): TrieNode {
  const root: TrieNode = { next: new Map(), word: false };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) {
        child = { next: new Map(), word: false };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.word = true;
  }
  return root;
}

const domainTrie = buildTrie(DOMAIN_WORDS.filter((w) => /^[\u3400-\u9fff]+$/.test(w)));

/** Keeps the lines of jieba's dict.txt ("word freq tag") whose frequency is at least `minFreq`. */
function trimJiebaDict(dict: Uint8Array, minFreq: number): Uint8Array {
  const out = new Uint8Array(dict.length);
  let o = 0;
  let lineStart = 0;
  while (lineStart < dict.length) {
    let lineEnd = dict.indexOf(10, lineStart);
    if (lineEnd < 0) lineEnd = dict.length;
    let p = dict.indexOf(32, lineStart);
    if (p >= 0 && p < lineEnd) {
      let freq = 0;
      for (p += 1; p < lineEnd; p++) {
        const c = dict[p]!;
        if (c < 48 || c > 57) break;
        freq = freq * 10 + (c - 48);
      }
      if (freq >= minFreq) {
        out.set(dict.subarray(lineStart, lineEnd), o);
        o += lineEnd - lineStart;
        out[o++] = 10;
      }
    }
    lineStart = lineEnd + 1;
  }
  return out.subarray(0, o);
}

let jieba: Jieba | undefined;

function loadJieba(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const dictPath = require.resolve('@node-rs/jieba/dict.txt');
    jieba = Jieba.withDict(trimJiebaDict(readFileSync(dictPath), JIEBA_MIN_FREQ));
  }
  return jieba;
}

let intl: Intl.Segmenter | undefined;

function baseCut(kind: SegmenterKind, text: string, out: string[]): void {
  if (kind === 'jieba') {
    for (const w of loadJieba().cut(text, false)) out.push(w);
  } else if (kind === 'intl') {
    intl ??= new Intl.Segmenter('zh', { granularity: 'word' });
    for (const s of intl.segment(text)) out.push(s.segment);
  } else {
    for (const ch of text) out.push(ch);
  }
}

/** Cuts a run of Han characters into words, domain words first. */
export function segmentHan(run: string, kind: SegmenterKind = 'jieba'): string[] {
  const out: string[] = [];
  let pending = 0;
  let i = 0;
  while (i < run.length) {
    let node: TrieNode | undefined = domainTrie;
    let matchEnd = -1;
    for (let j = i; j < run.length && node; j++) {
      node = node.next.get(run[j]!);
      if (node?.word) matchEnd = j + 1;
    }
    if (matchEnd > 0) {
      if (pending < i) baseCut(kind, run.slice(pending, i), out);
      out.push(run.slice(i, matchEnd));
      i = matchEnd;
      pending = i;
    } else {
      i += 1;
    }
  }
  if (pending < run.length) baseCut(kind, run.slice(pending), out);
  return out;
}

/** Loads the segmenter's dictionary now rather than on the first message. */
export function warmUpSegmenter(kind: SegmenterKind = 'jieba'): void {
  if (kind === 'jieba') loadJieba();
}
