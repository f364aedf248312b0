import { conversationId } from '../core/conversation-id.ts';
import type { Logger } from '../core/logger.ts';
import type { OutboundMessage } from '../core/messages.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import { type Greeter, RecentIds } from './delivery.ts';
import { type DiscordApi, THREAD_NAME_LIMIT } from './discord-api.ts';
import type { DiscordPost, DiscordThread } from './discord-payloads.ts';
import { buyerGreeting, languageOfText } from './greeting.ts';

/**
 * Buyers' private support threads: a buyer who writes in the support channel gets a private thread under
 * it, greeted and pointed to, and only that buyer speaks for the buyer there. The links keep which buyer
 * owns which thread across restarts.
 */
export interface SupportThreads {
  /** The buyer's thread under the support channel, opened (and greeted) on their first message. */
  threadOf(post: DiscordPost, supportChannelId: string): Promise<string>;
  /**
   * Whether `userId` is the buyer of a support thread. A thread's buyer is fixed once; a thread calmdesk
   * opened before it kept links goes to the first buyer who writes in it (and has no thread yet).
   */
  isThreadBuyer(thread: Pick<DiscordThread, 'id' | 'ownerId'>, userId: string): Promise<boolean>;
}

/** What support threads need from the channel. */
export interface SupportThreadsOptions {
  api: DiscordApi;
  links: ChannelLinkRepo;
  /** The bot's own user id, once logged in. */
  botUserId: () => string | undefined;
  /** Sends the thread's greeting (through the outbox, or the channel's own `send`). */
  greet: Greeter;
  logger: Logger;
}

/** Support threads over the REST port and the links. */
export function createSupportThreads(options: SupportThreadsOptions): SupportThreads {
  const { api, links, logger } = options;
  /** Strangers already logged once per thread, so a chatty one does not flood the log. */
  const strangersSeen = new RecentIds(1_000);

  return {
    async threadOf(post, support) {
      const known = await links.threadOfBuyer('discord', post.author.id);
      if (known) return known.thread_id;
      const name = `Support · ${post.author.name}`.slice(0, THREAD_NAME_LIMIT);
      const created = await api.createPrivateThread(support, name);
      // Linked before the buyer can see it: nobody else can ever be taken for its buyer.
      const { link } = await links.linkBuyerThread('discord', post.author.id, created, new Date());
      const thread = link.thread_id;
      await api.addThreadMember(thread, post.author.id);
      const language = languageOfText(post.content);
      const greeting: OutboundMessage = {
        conversationId: conversationId('discord', support, thread),
        from: 'bot',
        text: buyerGreeting(language),
      };
      await options
        .greet(greeting)
        .catch((error: unknown) => logger.error({ err: error, thread }, 'greeting not delivered'));
      const pointer =
        language === 'zh'
          ? `<@${post.author.id}> 已为您开了一个私密对话：<#${thread}>`
          : `<@${post.author.id}> I've opened a private thread for you: <#${thread}>`;
      await api
        .postMessage(support, {
          content: pointer,
          allowed_mentions: { users: [post.author.id] },
          message_reference: { message_id: post.id, fail_if_not_exists: false },
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'support channel pointer not posted'));
      return thread;
    },

    async isThreadBuyer(thread, userId) {
      const link =
        (await links.buyerOfThread('discord', thread.id)) ??
        (thread.ownerId && thread.ownerId === options.botUserId()
          ? (await links.linkBuyerThread('discord', userId, thread.id, new Date())).link
          : null);
      if (link?.thread_id === thread.id && link.buyer_id === userId) return true;
      if (strangersSeen.add(`${thread.id}:${userId}`)) {
        logger.info(
          { threadId: thread.id, userId, buyerId: link?.thread_id === thread.id ? link.buyer_id : null },
          'someone who is not the thread’s buyer wrote in a support thread; not relayed',
        );
      }
      return false;
    },
  };
}
