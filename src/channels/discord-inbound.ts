import { conversationId } from '../core/conversation-id.ts';
import type { Logger } from '../core/logger.ts';
import { decodeStaffButton } from '../handoff/staff-card.ts';
import type { InboundHandler } from './channel.ts';
import {
  type DiscordPost,
  type DiscordPress,
  inboundOfPost,
  inboundOfPress,
  isEmpty,
} from './discord-payloads.ts';
import type { DiscordStaff } from './discord-staff.ts';
import type { SupportThreads } from './discord-threads.ts';
import type { OptionButtons } from './option-buttons.ts';
import { BUTTON_EXPIRED, inboundHandOn } from './platform-shared.ts';

/**
 * Where a Discord message or button press goes: a buyer's direct message or support thread becomes an
 * `InboundMessage`; the support channel opens the buyer's thread; the staff channel and case threads go
 * to the staff desk. Staff who look into the support channel or a buyer's thread are not buyers.
 */
export interface DiscordInbound {
  /** Routes one message (already deduplicated, in its channel's order). */
  route(post: DiscordPost): Promise<void>;
  /** Routes one button press; `followUp` answers the presser only. */
  onButton(press: DiscordPress, followUp: (text: string) => Promise<unknown>): Promise<void>;
}

/** What the inbound router needs from the channel. */
export interface DiscordInboundOptions {
  onInbound: InboundHandler;
  supportChannelId: string | undefined;
  /** The staff channel, when one is configured. */
  staff: { channelId: string; handler: DiscordStaff } | null;
  threads: SupportThreads;
  /** The values behind the reply option buttons the sender made. */
  optionButtons: OptionButtons;
  logger: Logger;
}

/** Routes messages and presses to buyers' conversations and the staff desk. */
export function createDiscordInbound(options: DiscordInboundOptions): DiscordInbound {
  const { supportChannelId, staff, threads, optionButtons } = options;
  const handOn = inboundHandOn(options.onInbound, options.logger);

  /** The buyer conversation of a direct message or a support thread; null anywhere else. */
  function conversationOf(channelId: string, parentId: string | null): string | null {
    if (parentId && parentId === supportChannelId) return conversationId('discord', parentId, channelId);
    if (!parentId) return conversationId('discord', channelId);
    return null;
  }

  async function route(post: DiscordPost): Promise<void> {
    if (!post.inGuild) {
      if (isEmpty(post)) return;
      return handOn(inboundOfPost(post, conversationId('discord', post.channelId)));
    }
    const isStaff = staff?.handler.isStaff(post.author) ?? false;
    const { thread } = post;
    if (thread) {
      if (staff && thread.parentId === staff.channelId) {
        return staff.handler.onMessage(post, `thread:${thread.id}`, thread.name);
      }
      if (supportChannelId && thread.parentId === supportChannelId) {
        if (isStaff || isEmpty(post)) return;
        // Only the buyer speaks for the buyer; others in the thread (moderators) are not relayed.
        if (!(await threads.isThreadBuyer(thread, post.author.id))) return;
        return handOn(inboundOfPost(post, conversationId('discord', supportChannelId, thread.id)));
      }
      return;
    }
    if (supportChannelId && post.channelId === supportChannelId && !isStaff) {
      if (isEmpty(post)) return;
      const opened = await threads.threadOf(post, supportChannelId);
      return handOn(inboundOfPost(post, conversationId('discord', supportChannelId, opened)));
    }
    if (staff && post.channelId === staff.channelId) {
      // In the staff channel itself, a reply to a case card is about that card's case.
      return staff.handler.onMessage(
        post,
        post.replyToId ? `thread:${post.replyToId}` : undefined,
        undefined,
      );
    }
  }

  async function onButton(press: DiscordPress, followUp: (text: string) => Promise<unknown>): Promise<void> {
    const staffButton = decodeStaffButton(press.customId);
    if (staffButton) {
      await staff?.handler.onButton(press, staffButton, followUp);
      return;
    }
    const value = optionButtons.decode(press.customId);
    if (value === null) {
      await followUp(BUTTON_EXPIRED);
      return;
    }
    const parentId = press.thread?.parentId ?? null;
    const conversation = press.inGuild
      ? conversationOf(press.channelId, parentId)
      : conversationId('discord', press.channelId);
    if (!conversation || (press.inGuild && !parentId)) return;
    if (
      press.thread &&
      parentId === supportChannelId &&
      !(await threads.isThreadBuyer(press.thread, press.user.id))
    ) {
      await followUp('These buttons are for the buyer of this thread.');
      return;
    }
    await handOn(inboundOfPress(press, conversation, value));
  }

  return { route, onButton };
}
