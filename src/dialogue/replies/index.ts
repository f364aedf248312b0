import { en } from './en.ts';
import type { Lang, ReplyBook } from './types.ts';
import { zh } from './zh.ts';

/** The reply books, by language. */
export const BOOKS: Record<Lang, ReplyBook> = { zh, en };
