import { CalmdeskError } from './errors.ts';

/** The platforms a buyer can write from. `console` is the terminal chat. */
export const PLATFORMS = ['web', 'telegram', 'discord', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * A conversation id is `platform:chat[:thread]`, e.g. `telegram:12345`, `discord:987:654`, `web:3f2a…`.
 * Chat and thread parts are 1–100 characters of letters, digits, `_`, `-` or `.`.
 */
export type ConversationId = string;

const PART = /^[A-Za-z0-9_.-]{1,100}$/;

export interface ConversationIdParts {
  platform: Platform;
  chat: string;
  thread?: string;
}

/** Parses a conversation id; returns null for anything malformed (an expected outcome, not an error). */
export function parseConversationId(id: string): ConversationIdParts | null {
  const parts = id.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const [platform, chat, thread] = parts;
  if (!platform || !(PLATFORMS as readonly string[]).includes(platform)) return null;
  if (!chat || !PART.test(chat)) return null;
  if (thread !== undefined && !PART.test(thread)) return null;
  return thread === undefined
    ? { platform: platform as Platform, chat }
    : { platform: platform as Platform, chat, thread };
}

/** Builds a conversation id, throwing CALMDESK_BAD_CONVERSATION_ID when a part is malformed. */
export function conversationId(
  platform: Platform,
  chat: string | number,
  thread?: string | number,
): ConversationId {
  const id = thread === undefined ? `${platform}:${chat}` : `${platform}:${chat}:${thread}`;
  if (!parseConversationId(id)) {
    throw new CalmdeskError('CALMDESK_BAD_CONVERSATION_ID', `malformed conversation id "${id}"`);
  }
  return id;
}
