/**
 * A theme of the concept lexicon: concept name → its Chinese patterns (substrings of folded text)
 * and English patterns (from a word start; a trailing * forces a stem).
 */
export type Lexicon = Record<string, { zh?: string[]; en?: string[] }>;
