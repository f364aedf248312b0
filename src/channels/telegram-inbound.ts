import { conversationId } from '../core/conversation-id.ts';
import { KeyedLock } from '../core/keyed-lock.ts';
import type { Logger } from '../core/logger.ts';
import type { OutboundMessage } from '../core/messages.ts';
import type { InboundHandler } from './channel.ts';
import { type Greeter, RecentIds } from './delivery.ts';
import { buyerGreeting } from './greeting.ts';
import type { OptionButtons } from './option-buttons.ts';
import { BUTTON_EXPIRED, inboundHandOn } from './platform-shared.ts';
import { AlbumCollector } from './telegram-albums.ts';
import type { TelegramApi } from './telegram-api.ts';
import type { TelegramStaff } from './telegram-staff.ts';
import {
  inboundOf,
  inboundOfPress,
  isStartCommand,
  type TelegramCallbackQuery,
  type TelegramMessage,
  type TelegramUpdate,
  TelegramUpdateSchema,
  type TelegramUser,
} from './telegram-updates.ts';

/**
 * Incoming updates, from polling or the webhook: each handed on once, one chat's in order (chats in
 * parallel). Buyers write in private chats; the staff group goes to the staff desk; other groups the bot
 * was added to are not ours to answer.
 */
export interface TelegramInbound {
  /** Handles one update body; resolves once it has been handed on. Invalid bodies are logged and dropped. */
  handleUpdate(body: unknown): Promise<void>;
  /** Waits for every update taken so far. */
  drain(): Promise<void>;
}

/** What the inbound router needs from the channel. */
export interface TelegramInboundOptions {
  api: TelegramApi;
  onInbound: InboundHandler;
  /** Sends the `/start` greeting (through the outbox, or the channel's own `send`). */
  greet: Greeter;
  /** The values behind the reply option buttons the sender made. */
  optionButtons: OptionButtons;
  /** The staff group, when one is configured. */
  staff: { groupId: string; handler: TelegramStaff } | null;
  albumWindowMs: number;
  logger: Logger;
}

/** Routes updates to buyers' conversations and the staff group. */
export function createTelegramInbound(options: TelegramInboundOptions): TelegramInbound {
  const { api, optionButtons, staff, logger } = options;
  const recent = new RecentIds();
  /** Groups already logged once, so the log shows each new id without repeating it. */
  const groupsSeen = new RecentIds(1_000);
  const inboundLock = new KeyedLock();
  const handOn = inboundHandOn(options.onInbound, logger);
  const albums = new AlbumCollector(inboundLock, options.albumWindowMs, handOn);

  const inStaffGroup = (chatId: number) => staff !== null && String(chatId) === staff.groupId;

  async function onBuyerMessage(
    updateId: number,
    message: TelegramMessage,
    from: TelegramUser,
  ): Promise<void> {
    const chat = String(message.chat.id);
    if (isStartCommand(message.text)) {
      const greeting: OutboundMessage = {
        conversationId: conversationId('telegram', chat),
        from: 'bot',
        text: buyerGreeting(from.language_code),
      };
      await options
        .greet(greeting)
        .catch((error: unknown) => logger.error({ err: error, chat }, 'greeting not delivered'));
      return;
    }
    const inbound = inboundOf(updateId, message, from);
    if (!inbound.text.trim() && inbound.attachments.length === 0) {
      logger.debug({ updateId }, 'ignored a message without text or files (sticker, location, …)');
      return;
    }
    await handOn(inbound);
  }

  async function onCallbackQuery(updateId: number, query: TelegramCallbackQuery): Promise<void> {
    const data = query.data ?? '';
    const chat = query.message?.chat;
    if (staff && chat && inStaffGroup(chat.id)) return staff.handler.onButton(query, data);
    const value = optionButtons.decode(data);
    const answer = value === null ? BUTTON_EXPIRED : undefined;
    await api
      .answerCallbackQuery(query.id, answer)
      .catch((error: unknown) => logger.warn({ err: error }, 'callback query not answered'));
    if (value === null || !chat || chat.type !== 'private') return;
    await handOn(inboundOfPress(updateId, query, chat.id, value));
  }

  async function route(update: TelegramUpdate): Promise<void> {
    if (update.callback_query) return onCallbackQuery(update.update_id, update.callback_query);
    const message = update.message;
    if (!message?.from || message.from.is_bot) return;
    if (staff && inStaffGroup(message.chat.id)) return staff.handler.onMessage(message, message.from);
    if (message.chat.type !== 'private') {
      if (groupsSeen.add(String(message.chat.id))) {
        logger.info(
          { chatId: message.chat.id },
          'message in a group that is not the staff group (set CALMDESK_TELEGRAM_STAFF_GROUP_ID to this id if it should be)',
        );
      }
      return;
    }
    return onBuyerMessage(update.update_id, message, message.from);
  }

  return {
    async handleUpdate(body) {
      const parsed = TelegramUpdateSchema.safeParse(body);
      if (!parsed.success) {
        logger.warn({ issues: parsed.error.issues.slice(0, 5) }, 'ignored an update that does not parse');
        return;
      }
      const update = parsed.data;
      if (!recent.add(String(update.update_id))) {
        logger.debug({ updateId: update.update_id }, 'duplicate update ignored');
        return;
      }
      const chat =
        update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id;
      if (chat === undefined) return;
      if (albums.collect(update)) return;
      // One chat's updates are handled one at a time, in the order they came; chats run in parallel.
      await inboundLock.run(String(chat), () =>
        route(update).catch((error: unknown) => {
          logger.error({ err: error, updateId: update.update_id }, 'update handling failed');
        }),
      );
    },
    drain: () => inboundLock.drain(),
  };
}
