import { parseConversationId } from '../core/conversation-id.ts';
import { CalmdeskError } from '../core/errors.ts';
import { KeyedLock } from '../core/keyed-lock.ts';
import type { Attachment, OutboundMessage, ReplyOption } from '../core/messages.ts';
import { DeliveryProgress } from './delivery.ts';
import type { OptionButtons } from './option-buttons.ts';
import { SendsInFlight, sendParts } from './platform-shared.ts';
import { splitText, TELEGRAM_TEXT_LIMIT, withOptionsListed } from './split-text.ts';
import { type InlineKeyboard, keyboard, type SendExtra, type TelegramApi } from './telegram-api.ts';
import { telegramFileId } from './telegram-updates.ts';

/**
 * Outbound messages as Bot API calls: text split to Telegram's limit, reply options as buttons under the
 * last part, files after the text, one message per call, one chat's messages in order.
 */
export interface TelegramSender {
  /** The channel's `send`. */
  send(message: OutboundMessage): Promise<void>;
  /** Sends one file: Telegram file ids and URLs go as they are; other refs are named in text. Returns its message id. */
  sendFile(chat: string, attachment: Attachment, extra: SendExtra): Promise<number>;
  /** Waits for the sends in flight. */
  settle(): Promise<void>;
}

/** The sender over the Bot API port; `optionButtons` keeps the values of long options for their presses. */
export function createTelegramSender(api: TelegramApi, optionButtons: OptionButtons): TelegramSender {
  const sendLock = new KeyedLock();
  const progress = new DeliveryProgress();
  const inFlight = new SendsInFlight();

  function optionKeyboard(replyOptions: readonly ReplyOption[] | undefined): InlineKeyboard | undefined {
    return keyboard(
      (replyOptions ?? []).map((option) => [
        { text: option.label.slice(0, 64), callback_data: optionButtons.encode(option.value) },
      ]),
    );
  }

  async function sendFile(chat: string, attachment: Attachment, extra: SendExtra): Promise<number> {
    const source =
      telegramFileId(attachment) ?? (/^https?:\/\//.test(attachment.ref) ? attachment.ref : null);
    if (!source)
      return api.sendMessage(chat, `📎 ${attachment.kind}: ${attachment.name ?? attachment.ref}`, extra);
    if (attachment.kind === 'photo') return api.sendPhoto(chat, source, extra);
    return api.sendDocument(chat, source, extra);
  }

  /**
   * Delivers text parts then files, in order, one call each. A retry of the same message after a
   * failure half-way resumes where it stopped instead of repeating what the buyer already has.
   */
  async function deliver(
    chat: string,
    text: string,
    attachments: readonly Attachment[],
    extra: SendExtra,
    markup: InlineKeyboard | undefined,
  ): Promise<void> {
    const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
    const key = DeliveryProgress.key(chat, extra.message_thread_id, parts, attachments);
    await sendParts(progress, key, parts.length + attachments.length, async (index) => {
      const part = parts[index];
      if (part === undefined) {
        await sendFile(chat, attachments[index - parts.length] as Attachment, extra);
        return;
      }
      const last = index === parts.length - 1;
      await api.sendMessage(chat, part, {
        ...extra,
        ...(last && markup ? { reply_markup: markup } : {}),
        link_preview_options: { is_disabled: true },
      });
    });
  }

  async function send(message: OutboundMessage): Promise<void> {
    const parts = parseConversationId(message.conversationId);
    if (parts?.platform !== 'telegram') {
      throw new CalmdeskError(
        'CALMDESK_BAD_CONVERSATION_ID',
        `not a Telegram conversation: ${message.conversationId}`,
      );
    }
    const { chat, thread } = parts;
    const body =
      message.from === 'agent' && message.agentName ? `${message.agentName}: ${message.text}` : message.text;
    const text = withOptionsListed(body, message.options);
    const extra: SendExtra = thread ? { message_thread_id: Number(thread) } : {};
    // One chat's messages (and the parts of one message) leave in order.
    await inFlight.track(
      sendLock.run(chat, () =>
        deliver(chat, text, message.attachments ?? [], extra, optionKeyboard(message.options)),
      ),
    );
  }

  return { send, sendFile, settle: () => inFlight.settle() };
}
