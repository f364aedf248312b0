import type { Attachment, InboundMessage } from '../core/messages.ts';
import { attachmentKind } from './platform-shared.ts';

/**
 * What the channel reads of a Discord message, button press and slash command, as plain data (discord.ts
 * reads them off discord.js's objects), and how a buyer's message or press becomes an `InboundMessage`.
 */

/** A person in Discord as the channel needs them: their role ids decide whether they act as staff. */
export interface DiscordPerson {
  id: string;
  /** Their name in the server, else their global name, else their username. */
  name: string;
  /** Their roles in the server (none in direct messages). */
  roleIds: string[];
}

/** A thread something was written in. */
export interface DiscordThread {
  id: string;
  parentId: string | null;
  name: string;
  /** Who started the thread (the bot, for support threads it opened). */
  ownerId: string | null;
}

/** A message as the channel reads it. */
export interface DiscordPost {
  id: string;
  content: string;
  author: DiscordPerson;
  /** False in direct messages. */
  inGuild: boolean;
  channelId: string;
  /** The thread it was written in, if any. */
  thread: DiscordThread | null;
  /** The message it replies to, if any. */
  replyToId: string | undefined;
  attachments: Attachment[];
  createdAt: Date;
}

/** A button press. */
export interface DiscordPress {
  id: string;
  customId: string;
  user: DiscordPerson;
  /** The presser's name as a buyer is named: their global name, else their username. */
  userName: string;
  inGuild: boolean;
  channelId: string;
  thread: DiscordThread | null;
  /** The message the button sits on. */
  messageId: string;
  createdAt: Date;
}

/** A slash command. */
export interface DiscordCommand {
  name: string;
  /** The options given, by name. */
  values: Record<string, unknown>;
  user: DiscordPerson;
  channelId: string;
  thread: DiscordThread | null;
  /** The channel's or thread's name, which may name the case. */
  channelName: string | undefined;
}

/** A file on a Discord message, kept as evidence by its URL. */
export function attachmentOf(file: {
  url: string;
  name?: string | null;
  contentType?: string | null;
}): Attachment {
  const mime = file.contentType ?? undefined;
  return {
    kind: attachmentKind(mime),
    ref: file.url,
    ...(file.name ? { name: file.name.slice(0, 256) } : {}),
    ...(mime ? { mime: mime.slice(0, 128) } : {}),
  };
}

/** Neither text nor files: nothing to hand on. */
export function isEmpty(post: DiscordPost): boolean {
  return !post.content.trim() && post.attachments.length === 0;
}

/** A buyer's message in a conversation. */
export function inboundOfPost(post: DiscordPost, conversation: string): InboundMessage {
  return {
    id: post.id,
    platform: 'discord',
    conversationId: conversation,
    author: { id: `discord:${post.author.id}`, name: post.author.name, role: 'buyer' },
    text: post.content,
    attachments: post.attachments,
    receivedAt: post.createdAt,
  };
}

/** A buyer's press of a reply option: the option's value, as if typed. */
export function inboundOfPress(press: DiscordPress, conversation: string, value: string): InboundMessage {
  return {
    id: press.id,
    platform: 'discord',
    conversationId: conversation,
    author: { id: `discord:${press.user.id}`, name: press.userName, role: 'buyer' },
    text: value,
    attachments: [],
    receivedAt: press.createdAt,
  };
}
