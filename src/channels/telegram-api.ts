/**
 * The Bot API calls the Telegram channel makes, as plain functions over plain types. telegram.ts
 * implements them with telegraf (each call retried: a 429 waits its retry_after, transient errors back
 * off, per chat); everything else in the channel uses this port and never imports telegraf.
 */

/** An inline keyboard: rows of buttons, each press coming back as its `callback_data`. */
export type InlineKeyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Where a message goes in its chat: a forum topic, as a reply, with buttons. */
export type SendExtra = {
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
  reply_markup?: InlineKeyboard;
};

/** A text message's extras: links are never previewed in what calmdesk sends to buyers. */
export type TextExtra = SendExtra & { link_preview_options?: { is_disabled: boolean } };

/** The calls; each resolves with the sent message's id where there is one, and throws CALMDESK_CHANNEL_FAILED. */
export interface TelegramApi {
  sendMessage(chat: string, text: string, extra: TextExtra): Promise<number>;
  /** `photo` is a Telegram file id or an https URL. */
  sendPhoto(chat: string, photo: string, extra: SendExtra): Promise<number>;
  /** `document` is a Telegram file id or an https URL. */
  sendDocument(chat: string, document: string, extra: SendExtra): Promise<number>;
  /** Opens a forum topic; resolves with its `message_thread_id`. */
  createForumTopic(chat: string, name: string): Promise<number>;
  editMessageText(chat: string, messageId: number, text: string, markup: InlineKeyboard): Promise<void>;
  answerCallbackQuery(
    queryId: string,
    text: string | undefined,
    extra?: { show_alert: boolean },
  ): Promise<void>;
  /** Whether the chat is a supergroup with forum topics. */
  isForum(chat: string): Promise<boolean>;
  /** getFile's answer as Telegram sent it (parsed by the caller). */
  getFile(fileId: string): Promise<unknown>;
}

/** Buttons as Telegram wants them; no rows, no keyboard. */
export function keyboard(rows: { text: string; callback_data: string }[][]): InlineKeyboard | undefined {
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}
