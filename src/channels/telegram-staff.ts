import type { Logger } from '../core/logger.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import { telegramStaffActor } from '../handoff/staff-actors.ts';
import {
  decodeStaffButton,
  encodeStaffButton,
  type StaffButton,
  staffButtonInput,
} from '../handoff/staff-card.ts';
import { parseStaffCommand } from '../handoff/staff-commands.ts';
import { createStaffDesk, type StaffDesk } from '../handoff/staff-desk.ts';
import type { StaffSurface } from '../handoff/staff-surface.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import { RecentIds } from './delivery.ts';
import { splitText, TELEGRAM_TEXT_LIMIT } from './split-text.ts';
import { type InlineKeyboard, keyboard, type SendExtra, type TelegramApi } from './telegram-api.ts';
import type { TelegramSender } from './telegram-outbound.ts';
import {
  attachmentsOf,
  type TelegramCallbackQuery,
  type TelegramMessage,
  type TelegramRepliedMessage,
  type TelegramUser,
  userName,
} from './telegram-updates.ts';

/**
 * The Telegram staff group: the staff desk's surface there (a forum topic per case, or the case card in a
 * group without topics), and staff messages and button presses handed to the staff desk. A place is
 * `topic:<message_thread_id>` or `card:<message_id>`.
 */
export interface TelegramStaff {
  /** The staff desk, when a desk was given; without one the group is not served. */
  readonly staffDesk: StaffDesk | null;
  /** Learns whether the group has topics, then starts the staff desk; `botId` tells the bot's own cards apart. */
  start(botId: number): Promise<void>;
  stop(): Promise<void>;
  /** A message in the staff group from a person. */
  onMessage(message: TelegramMessage, from: TelegramUser): Promise<void>;
  /** A button pressed in the staff group; the press is always answered. */
  onButton(query: TelegramCallbackQuery, data: string): Promise<void>;
}

/** What the staff group needs from the channel. */
export interface TelegramStaffOptions {
  api: TelegramApi;
  /** The staff group's chat id. */
  groupId: string;
  /** Telegram user ids acting as agents and as supervisors. */
  userIds: readonly (number | string)[];
  supervisorUserIds: readonly (number | string)[];
  desk: HandoffDesk | undefined;
  links: ChannelLinkRepo | undefined;
  sendFile: TelegramSender['sendFile'];
  logger: Logger;
}

/** Longest forum topic name Telegram accepts. */
const TOPIC_NAME_LIMIT = 128;

/** The staff group as a staff surface and its input. */
export function createTelegramStaff(options: TelegramStaffOptions): TelegramStaff {
  const { api, groupId: group, desk, logger } = options;
  /** People already logged once, so the log shows each new id without repeating it. */
  const strangersSeen = new RecentIds(1_000);
  let isForum = false;
  let botId: number | undefined;

  function staffKeyboard(buttons: readonly StaffButton[]): InlineKeyboard | undefined {
    return keyboard(
      buttons.length > 0
        ? [
            buttons.map((button) => ({
              text: button.label,
              callback_data: encodeStaffButton(button.action, button.id),
            })),
          ]
        : [],
    );
  }

  function placeTarget(place: string): SendExtra {
    const [kind, id] = place.split(':');
    if (kind === 'topic') return { message_thread_id: Number(id) };
    return { reply_parameters: { message_id: Number(id), allow_sending_without_reply: true } };
  }

  async function postToGroup(place: string | null, text: string, markup?: InlineKeyboard): Promise<number> {
    const extra = place ? placeTarget(place) : {};
    const [first] = splitText(text, TELEGRAM_TEXT_LIMIT);
    return api.sendMessage(group, first ?? '…', { ...extra, ...(markup ? { reply_markup: markup } : {}) });
  }

  const surface: StaffSurface = {
    via: 'telegram',
    titleLimit: TOPIC_NAME_LIMIT,
    async openCase(record, card) {
      if (isForum) {
        try {
          const topic = await api.createForumTopic(group, card.title);
          const place = `topic:${topic}`;
          const cardId = await postToGroup(place, card.text, staffKeyboard(card.buttons));
          return { place, cardId: String(cardId) };
        } catch (error) {
          // Without the "manage topics" right the card still reaches the agents, in the group itself.
          logger.warn(
            { err: error, caseId: record.id },
            'forum topic not created; posting the card in the group',
          );
        }
      }
      const cardId = await postToGroup(null, card.text, staffKeyboard(card.buttons));
      return { place: `card:${cardId}`, cardId: String(cardId) };
    },
    async post(place, text, attachments = [], buttons = []) {
      const ids = [await postToGroup(place, text, staffKeyboard(buttons))];
      for (const attachment of attachments)
        ids.push(await options.sendFile(group, attachment, placeTarget(place)));
      // In a topic every message shows its place; under a card, only the desk's links know it.
      return place.startsWith('card:') ? ids.map(String) : [];
    },
    async updateCard(place, cardId, card) {
      const [text] = splitText(card.text, TELEGRAM_TEXT_LIMIT);
      const markup = staffKeyboard(card.buttons) ?? { inline_keyboard: [] };
      await api.editMessageText(group, Number(cardId), text ?? '…', markup).catch((error: unknown) => {
        // "message is not modified" and a deleted card are both fine: the status line was posted.
        logger.debug({ err: error, place }, 'case card not edited');
      });
    },
  };

  const staffDesk: StaffDesk | null = desk
    ? createStaffDesk({ desk, surface, logger, ...(options.links ? { links: options.links } : {}) })
    : null;

  function staffActor(from: TelegramUser) {
    const actor = telegramStaffActor(
      { id: from.id, name: userName(from) },
      { agents: options.userIds, supervisors: options.supervisorUserIds },
    );
    if (!actor && strangersSeen.add(`user:${from.id}`)) {
      // Tells the operator which id to add to CALMDESK_TELEGRAM_STAFF_USER_IDS.
      logger.info(
        { userId: from.id, name: userName(from) },
        'a person who is not configured as staff wrote in the staff group',
      );
    }
    return actor;
  }

  async function answerInGroup(replyTo: TelegramMessage, text: string): Promise<void> {
    const extra: SendExtra = {
      ...(replyTo.is_topic_message && replyTo.message_thread_id
        ? { message_thread_id: replyTo.message_thread_id }
        : {}),
      reply_parameters: { message_id: replyTo.message_id, allow_sending_without_reply: true },
    };
    const [first] = splitText(text, TELEGRAM_TEXT_LIMIT);
    await api
      .sendMessage(group, first ?? '…', extra)
      .catch((error: unknown) => logger.warn({ err: error }, 'staff answer not delivered'));
  }

  /** A bot message replied to in a group without topics: a line the desk posted, else a card. */
  async function placeOfReply(reply: TelegramRepliedMessage): Promise<string | undefined> {
    const known = await staffDesk?.placeOfMessage(String(reply.message_id));
    if (known) return known;
    return reply.from?.id === botId ? `card:${reply.message_id}` : undefined;
  }

  return {
    staffDesk,

    async start(id) {
      botId = id;
      if (!staffDesk) return;
      isForum = await api.isForum(group).catch((error: unknown) => {
        logger.warn({ err: error }, 'staff group not reachable; is the bot a member?');
        return false;
      });
      staffDesk.start();
    },

    async stop() {
      await staffDesk?.stop();
    },

    async onMessage(message, from) {
      if (!staffDesk) return;
      const reply = message.reply_to_message;
      let place: string | undefined;
      let cardId: string | undefined;
      let contextText: string | undefined;
      if (message.is_topic_message && message.message_thread_id !== undefined) {
        place = `topic:${message.message_thread_id}`;
        // In a topic, a message that replies to nothing points at the topic's creation message (its name).
        contextText = reply?.forum_topic_created?.name ?? reply?.text ?? reply?.caption;
      } else if (reply) {
        place = await placeOfReply(reply);
        if (place === `card:${reply.message_id}`) cardId = String(reply.message_id);
        contextText = reply.text ?? reply.caption;
      }
      const answer = await staffDesk.handle({
        actor: staffActor(from),
        command: parseStaffCommand(message.text ?? message.caption ?? '', attachmentsOf(message)),
        ...(place ? { place } : {}),
        ...(cardId ? { cardId } : {}),
        ...(contextText ? { contextText } : {}),
      });
      if (answer) await answerInGroup(message, answer.text);
    },

    async onButton(query, data) {
      const button = decodeStaffButton(data);
      let text: string | undefined;
      if (staffDesk && button) {
        const pressed = query.message;
        let place: string | undefined;
        if (pressed) {
          place =
            (await staffDesk.placeOfMessage(String(pressed.message_id))) ??
            // A card from before a restart: its topic, or the card itself in a group without topics.
            (pressed.is_topic_message && pressed.message_thread_id !== undefined
              ? `topic:${pressed.message_thread_id}`
              : `card:${pressed.message_id}`);
        }
        const answer = await staffDesk.handle({
          actor: staffActor(query.from),
          ...staffButtonInput(button),
          ...(place ? { place } : {}),
          ...(pressed ? { cardId: String(pressed.message_id) } : {}),
        });
        text = answer?.text;
      }
      await api
        .answerCallbackQuery(query.id, text?.slice(0, 200), { show_alert: Boolean(text) })
        .catch((error: unknown) => logger.warn({ err: error }, 'callback query not answered'));
    },
  };
}
