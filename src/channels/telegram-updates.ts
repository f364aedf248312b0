import { z } from 'zod';
import { conversationId } from '../core/conversation-id.ts';
import type { Attachment, InboundMessage } from '../core/messages.ts';
import { attachmentKind } from './platform-shared.ts';

/**
 * The parts of Telegram's Update the channel reads (everything else is ignored), and how a buyer's
 * message or button press becomes an `InboundMessage`. Plain JSON: the same for polling and the webhook.
 */

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
/** A person (or bot) on Telegram. */
export type TelegramUser = z.infer<typeof UserSchema>;

const FileSchema = z.object({
  file_id: z.string().min(1),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

const BaseMessageSchema = z.object({
  message_id: z.number().int(),
  from: UserSchema.optional(),
  chat: z.object({ id: z.number().int(), type: z.string(), is_forum: z.boolean().optional() }),
  date: z.number().int(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(FileSchema.extend({ width: z.number(), height: z.number() })).optional(),
  document: FileSchema.optional(),
  video: FileSchema.optional(),
  media_group_id: z.string().optional(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  forum_topic_created: z.object({ name: z.string() }).optional(),
});
/** A message someone replied to (without its own reply). */
export type TelegramRepliedMessage = z.infer<typeof BaseMessageSchema>;

const MessageSchema = BaseMessageSchema.extend({ reply_to_message: BaseMessageSchema.optional() });
/** A message, with the message it replies to. */
export type TelegramMessage = z.infer<typeof MessageSchema>;

const CallbackQuerySchema = z.object({
  id: z.string(),
  from: UserSchema,
  message: BaseMessageSchema.optional(),
  data: z.string().optional(),
});
/** A button press. */
export type TelegramCallbackQuery = z.infer<typeof CallbackQuerySchema>;

/** An update: a message or a button press. */
export const TelegramUpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  callback_query: CallbackQuerySchema.optional(),
});
/** An update as parsed. */
export type TelegramUpdate = z.infer<typeof TelegramUpdateSchema>;

/** The updates the bot asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** A person's name as staff read it: their full name, else @username, else their id. */
export function userName(user: TelegramUser): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return full || (user.username ? `@${user.username}` : `Telegram user ${user.id}`);
}

/** A Telegram file as the ref calmdesk keeps (`telegram-file:<file_id>`), and back. */
export const TELEGRAM_FILE_PREFIX = 'telegram-file:';

/** The Telegram file id in a ref, or null for another platform's file. */
export function telegramFileId(attachment: Attachment): string | null {
  return attachment.ref.startsWith(TELEGRAM_FILE_PREFIX)
    ? attachment.ref.slice(TELEGRAM_FILE_PREFIX.length)
    : null;
}

/** Photos (largest size), documents and videos, kept as evidence by file id. */
export function attachmentsOf(message: TelegramMessage): Attachment[] {
  const attachments: Attachment[] = [];
  const largest = message.photo?.at(-1);
  if (largest)
    attachments.push({ kind: 'photo', ref: `${TELEGRAM_FILE_PREFIX}${largest.file_id}`, mime: 'image/jpeg' });
  if (message.document) {
    const { file_id, file_name, mime_type } = message.document;
    attachments.push({
      kind: attachmentKind(mime_type),
      ref: `${TELEGRAM_FILE_PREFIX}${file_id}`,
      ...(file_name ? { name: file_name.slice(0, 256) } : {}),
      ...(mime_type ? { mime: mime_type.slice(0, 128) } : {}),
    });
  }
  if (message.video) {
    attachments.push({
      kind: 'video',
      ref: `${TELEGRAM_FILE_PREFIX}${message.video.file_id}`,
      ...(message.video.mime_type ? { mime: message.video.mime_type.slice(0, 128) } : {}),
    });
  }
  return attachments;
}

/** A buyer's message in their private chat. */
export function inboundOf(updateId: number, message: TelegramMessage, from: TelegramUser): InboundMessage {
  return {
    id: String(updateId),
    platform: 'telegram',
    conversationId: conversationId('telegram', message.chat.id),
    author: { id: `telegram:${from.id}`, name: userName(from), role: 'buyer' },
    text: message.text ?? message.caption ?? '',
    attachments: attachmentsOf(message),
    receivedAt: new Date(message.date * 1_000),
  };
}

/** A buyer's press of a reply option: the option's value, as if typed. */
export function inboundOfPress(
  updateId: number,
  query: TelegramCallbackQuery,
  chatId: number,
  value: string,
): InboundMessage {
  return {
    id: String(updateId),
    platform: 'telegram',
    conversationId: conversationId('telegram', chatId),
    author: { id: `telegram:${query.from.id}`, name: userName(query.from), role: 'buyer' },
    text: value,
    attachments: [],
    receivedAt: new Date(),
  };
}

/** `/start` (possibly `/start@botname` or with a payload): a buyer opening the chat. */
export function isStartCommand(text: string | undefined): boolean {
  return /^\/start(?:@\w+)?(?:\s|$)/.test(text ?? '');
}
