import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Telegram, TelegramError } from 'telegraf';
import { z } from 'zod';
import { conversationId, parseConversationId } from '../core/conversation-id.ts';
import { CalmdeskError } from '../core/errors.ts';
import { KeyedLock } from '../core/keyed-lock.ts';
import type { Logger } from '../core/logger.ts';
import type { Attachment, InboundMessage, OutboundMessage, ReplyOption } from '../core/messages.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import {
  type CaseCard,
  createStaffDesk,
  decodeStaffButton,
  encodeStaffButton,
  parseStaffCommand,
  type StaffButton,
  type StaffDesk,
  type StaffSurface,
  staffButtonInput,
  telegramStaffActor,
} from '../handoff/staff-desk.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import type { Channel, InboundHandler } from './channel.ts';
import {
  DeliveryProgress,
  type FetchedFileResult,
  type Greeter,
  RecentIds,
  readCapped,
  sleep,
} from './delivery.ts';
import { buyerGreeting } from './greeting.ts';
import { OptionButtons } from './option-buttons.ts';
import { splitText, TELEGRAM_TEXT_LIMIT, withOptionsListed } from './split-text.ts';

/**
 * The Telegram channel: buyers in private chats, agents in a staff group. It only translates: updates
 * become `InboundMessage`s (or staff input for the staff desk), outbound messages become Bot API calls,
 * one message per call. The only file that imports telegraf.
 */

/** Where the lead mounts the webhook on the Fastify server. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const MAX_WEBHOOK_BODY = 1_000_000;

export interface TelegramChannelOptions {
  token: string;
  /** `polling` (default for development) or `webhook` (Telegram calls us; needs a public https URL). */
  mode: 'polling' | 'webhook';
  /** Webhook mode: the public URL Telegram posts to, the secret it sends back, and an own port if not mounted. */
  webhook?: { url: string; secret: string; port?: number; host?: string };
  /** Bot API root, e.g. a local Bot API server or the tests' fake (default https://api.telegram.org). */
  apiRoot?: string;
  /**
   * The staff group (a supergroup id like -1001234567890), the Telegram user ids allowed to act as
   * agents, and those who act as supervisors (they decide compensation approvals).
   */
  staff?: {
    groupId: number | string;
    userIds: readonly (number | string)[];
    supervisorUserIds?: readonly (number | string)[];
  };
  onInbound: InboundHandler;
  /** Without a desk the staff group is not served. */
  desk?: HandoffDesk;
  /** Where each case's topic or card is kept across restarts (the store's `channelLinks`; default memory). */
  links?: ChannelLinkRepo;
  /**
   * Sends the `/start` greeting through the outbox, so it is in the transcript (the lead passes
   * `outbox.send`). Without it the channel sends the greeting itself, unrecorded.
   */
  greet?: Greeter;
  logger: Logger;
  /** Long-poll timeout in seconds (default 50). */
  pollTimeoutSeconds?: number;
  /** Attempts per Bot API call before `send` gives up with CALMDESK_CHANNEL_FAILED (default 5). */
  maxAttempts?: number;
  /** First wait after a failure without retry_after; doubles each time (default 1000 ms). */
  backoffMs?: number;
  /** A longer retry_after is not waited out inside `send`: it fails, and the outbox retries later (default 60). */
  maxRetryAfterSeconds?: number;
  /** How long to wait for the other photos of an album before handing them on as one message (default 800 ms). */
  albumWindowMs?: number;
}

/** Webhook mode's request handling, for the lead to mount (see docs/platforms.md). */
export interface TelegramWebhook {
  readonly path: string;
  /** Constant-time check of the `X-Telegram-Bot-Api-Secret-Token` header; call it before reading the body. */
  verifySecret(header: string | string[] | undefined): boolean;
  /** Handles one parsed update body; resolves once it has been handed on. Invalid bodies are logged and dropped. */
  handleUpdate(body: unknown): Promise<void>;
  /** A node:http handler doing both (header first, then the body), for a Fastify `onRequest` hijack or a plain server. */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
}

export interface TelegramChannel extends Channel {
  readonly platform: 'telegram';
  /** Set in webhook mode. */
  readonly webhook: TelegramWebhook | null;
  /** The staff desk, when a staff group and a desk were given. */
  readonly staffDesk: StaffDesk | null;
  /**
   * Fetches a file this bot received (`telegram-file:<file_id>`) for a platform that needs the bytes
   * (Discord uploads it). Files over `maxBytes` are not downloaded. Never throws.
   */
  fetchFile(attachment: Attachment, maxBytes: number): Promise<FetchedFileResult>;
}

const OptionsSchema = z
  .object({
    token: z.string().min(1),
    mode: z.enum(['polling', 'webhook']),
    webhook: z
      .object({
        url: z.url(),
        secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1–256 of A-Z a-z 0-9 _ -'),
        port: z.number().int().min(0).max(65_535).optional(),
        host: z.string().optional(),
      })
      .optional(),
    apiRoot: z.url().optional(),
    staff: z
      .object({
        groupId: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]),
        userIds: z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])),
        supervisorUserIds: z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])).optional(),
      })
      .optional(),
  })
  .refine((options) => options.mode !== 'webhook' || options.webhook, {
    message: 'webhook mode needs webhook.url and webhook.secret',
    path: ['webhook'],
  });

// ---------------------------------------------------------------------------------------------------
// The parts of Telegram's Update we read (everything else is ignored).

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
type TelegramUser = z.infer<typeof UserSchema>;

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
const MessageSchema = BaseMessageSchema.extend({ reply_to_message: BaseMessageSchema.optional() });
type TelegramMessage = z.infer<typeof MessageSchema>;

const CallbackQuerySchema = z.object({
  id: z.string(),
  from: UserSchema,
  message: BaseMessageSchema.optional(),
  data: z.string().optional(),
});
type TelegramCallbackQuery = z.infer<typeof CallbackQuerySchema>;

const UpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  callback_query: CallbackQuerySchema.optional(),
});
type TelegramUpdate = z.infer<typeof UpdateSchema>;

/** What getFile tells about a file: its size (when known) and where to download it. */
const FileInfoSchema = z.object({
  file_size: z.number().int().optional(),
  file_path: z.string().optional(),
});

function userName(user: TelegramUser): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return full || (user.username ? `@${user.username}` : `Telegram user ${user.id}`);
}

/** Photos (largest size), documents and videos, kept as evidence by file id. */
function attachmentsOf(message: TelegramMessage): Attachment[] {
  const attachments: Attachment[] = [];
  const largest = message.photo?.at(-1);
  if (largest)
    attachments.push({ kind: 'photo', ref: `telegram-file:${largest.file_id}`, mime: 'image/jpeg' });
  if (message.document) {
    const { file_id, file_name, mime_type } = message.document;
    // A photo sent "as a file" is still a photo of the goods.
    const kind = mime_type?.startsWith('image/')
      ? 'photo'
      : mime_type?.startsWith('video/')
        ? 'video'
        : 'document';
    attachments.push({
      kind,
      ref: `telegram-file:${file_id}`,
      ...(file_name ? { name: file_name.slice(0, 256) } : {}),
      ...(mime_type ? { mime: mime_type.slice(0, 128) } : {}),
    });
  }
  if (message.video) {
    attachments.push({
      kind: 'video',
      ref: `telegram-file:${message.video.file_id}`,
      ...(message.video.mime_type ? { mime: message.video.mime_type.slice(0, 128) } : {}),
    });
  }
  return attachments;
}

function sameSecret(expected: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the length is not leaked.
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(header).digest();
  return timingSafeEqual(a, b);
}

type SendExtra = {
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
};

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const checked = OptionsSchema.safeParse(options);
  if (!checked.success) {
    throw new CalmdeskError('CALMDESK_CONFIG_INVALID', `Telegram channel: ${z.prettifyError(checked.error)}`);
  }
  const { onInbound, desk, logger: parentLogger } = options;
  // The caller may have labelled the logger already; a second `channel` key would repeat in every line.
  const logger = parentLogger.bindings().channel ? parentLogger : parentLogger.child({ channel: 'telegram' });
  const telegram = new Telegram(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    webhookReply: false,
  });
  const pollTimeout = options.pollTimeoutSeconds ?? 50;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const albumWindowMs = options.albumWindowMs ?? 800;
  const staffGroupId = options.staff ? String(options.staff.groupId) : null;

  const recent = new RecentIds();
  /** Groups and people already logged once, so the log shows each new id without repeating it. */
  const groupsSeen = new RecentIds(1_000);
  const inboundLock = new KeyedLock();
  const sendLock = new KeyedLock();
  const optionButtons = new OptionButtons(64);
  /** Per chat: no call before this time (a 429's retry_after). */
  const notBefore = new Map<string, number>();
  const progress = new DeliveryProgress();
  const albums = new Map<string, { message: InboundMessage }>();
  const sendsInFlight = new Set<Promise<unknown>>();

  let polling: { abort: AbortController; done: Promise<void>; offset: number } | null = null;
  let server: Server | null = null;
  let started = false;

  // ---- calls with retry -------------------------------------------------------------------------

  function failed(what: string, error: unknown): CalmdeskError {
    const detail = error instanceof TelegramError ? `${error.code} ${error.description}` : String(error);
    return new CalmdeskError('CALMDESK_CHANNEL_FAILED', `Telegram ${what} failed: ${detail}`, {
      cause: error,
    });
  }

  function isTransient(error: unknown): boolean {
    if (error instanceof TelegramError) return error.code >= 500;
    // node-fetch's FetchError and socket errors: the network, not the request, was the problem.
    return error instanceof Error && (error.name === 'FetchError' || 'code' in error);
  }

  /** One Bot API call, retried: 429 waits retry_after (never less), transient errors back off. */
  async function call<T>(gate: string, what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const wait = (notBefore.get(gate) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      else notBefore.delete(gate);
      try {
        return await fn();
      } catch (error) {
        const retryAfter = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
        if (retryAfter !== undefined) {
          notBefore.set(gate, Date.now() + retryAfter * 1_000);
          if (retryAfter > maxRetryAfter) throw failed(what, error);
        } else if (!isTransient(error)) {
          throw failed(what, error);
        }
        if (attempt >= maxAttempts) throw failed(what, error);
        logger.warn({ err: error, what, attempt, retryAfter }, 'Telegram call failed, retrying');
        if (retryAfter === undefined) await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  // ---- outbound -----------------------------------------------------------------------------------

  function keyboard(rows: { text: string; callback_data: string }[][]): SendExtra['reply_markup'] {
    return rows.length > 0 ? { inline_keyboard: rows } : undefined;
  }

  function optionKeyboard(replyOptions: readonly ReplyOption[] | undefined): SendExtra['reply_markup'] {
    return keyboard(
      (replyOptions ?? []).map((option) => [
        { text: option.label.slice(0, 64), callback_data: optionButtons.encode(option.value) },
      ]),
    );
  }

  function staffKeyboard(buttons: readonly StaffButton[]): SendExtra['reply_markup'] {
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

  /** Sends one file: Telegram file ids and URLs go as they are; other refs are named in text. */
  async function sendFile(chat: string, attachment: Attachment, extra: SendExtra): Promise<number> {
    const fileId = attachment.ref.startsWith('telegram-file:')
      ? attachment.ref.slice('telegram-file:'.length)
      : null;
    const source = fileId ?? (/^https?:\/\//.test(attachment.ref) ? attachment.ref : null);
    if (!source) {
      const line = `📎 ${attachment.kind}: ${attachment.name ?? attachment.ref}`;
      const sent = await call(chat, 'sendMessage', () => telegram.sendMessage(chat, line, extra));
      return sent.message_id;
    }
    if (attachment.kind === 'photo') {
      const sent = await call(chat, 'sendPhoto', () => telegram.sendPhoto(chat, source, extra));
      return sent.message_id;
    }
    const sent = await call(chat, 'sendDocument', () => telegram.sendDocument(chat, source, extra));
    return sent.message_id;
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
    markup: SendExtra['reply_markup'],
  ): Promise<number[]> {
    const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
    const key = DeliveryProgress.key(chat, extra.message_thread_id, parts, attachments);
    const start = progress.start(key);
    const ids: number[] = [];
    const total = parts.length + attachments.length;
    for (let index = start; index < total; index++) {
      const part = parts[index];
      if (part !== undefined) {
        const last = index === parts.length - 1;
        const sent = await call(chat, 'sendMessage', () =>
          telegram.sendMessage(chat, part, {
            ...extra,
            ...(last && markup ? { reply_markup: markup } : {}),
            link_preview_options: { is_disabled: true },
          }),
        ).catch((error: unknown) => {
          progress.stoppedAt(key, index);
          throw error;
        });
        ids.push(sent.message_id);
      } else {
        const attachment = attachments[index - parts.length] as Attachment;
        const id = await sendFile(chat, attachment, extra).catch((error: unknown) => {
          progress.stoppedAt(key, index);
          throw error;
        });
        ids.push(id);
      }
    }
    progress.finished(key);
    return ids;
  }

  function track<T>(task: Promise<T>): Promise<T> {
    sendsInFlight.add(task);
    void task.then(
      () => sendsInFlight.delete(task),
      () => sendsInFlight.delete(task),
    );
    return task;
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
    await track(
      sendLock.run(chat, () =>
        deliver(chat, text, message.attachments ?? [], extra, optionKeyboard(message.options)),
      ),
    );
  }

  // ---- inbound: buyers ----------------------------------------------------------------------------

  async function handOn(message: InboundMessage): Promise<void> {
    try {
      await onInbound(message);
    } catch (error) {
      // The handler never throws by contract; if it does, one bad message must not stop the channel.
      logger.error({ err: error, id: message.id }, 'inbound handler failed');
    }
  }

  function inboundOf(updateId: number, message: TelegramMessage, from: TelegramUser): InboundMessage {
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

  async function onBuyerMessage(
    updateId: number,
    message: TelegramMessage,
    from: TelegramUser,
  ): Promise<void> {
    const chat = String(message.chat.id);
    if (/^\/start(?:@\w+)?(?:\s|$)/.test(message.text ?? '')) {
      const greeting: OutboundMessage = {
        conversationId: conversationId('telegram', chat),
        from: 'bot',
        text: buyerGreeting(from.language_code),
      };
      await (options.greet ?? send)(greeting).catch((error: unknown) =>
        logger.error({ err: error, chat }, 'greeting not delivered'),
      );
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
    if (staffGroupId && chat && String(chat.id) === staffGroupId) return onStaffButton(query, data);
    const value = optionButtons.decode(data);
    const answer = value === null ? 'This button has expired: please type your answer.' : undefined;
    await call(`cb:${query.id}`, 'answerCallbackQuery', () => telegram.answerCbQuery(query.id, answer)).catch(
      (error: unknown) => logger.warn({ err: error }, 'callback query not answered'),
    );
    if (value === null || !chat || chat.type !== 'private') return;
    await handOn({
      id: String(updateId),
      platform: 'telegram',
      conversationId: conversationId('telegram', chat.id),
      author: { id: `telegram:${query.from.id}`, name: userName(query.from), role: 'buyer' },
      text: value,
      attachments: [],
      receivedAt: new Date(),
    });
  }

  // ---- inbound: staff -----------------------------------------------------------------------------

  let staffIsForum = false;
  let botId: number | undefined;

  function placeTarget(place: string): SendExtra {
    const [kind, id] = place.split(':');
    if (kind === 'topic') return { message_thread_id: Number(id) };
    return { reply_parameters: { message_id: Number(id), allow_sending_without_reply: true } };
  }

  async function postToGroup(
    place: string | null,
    text: string,
    markup?: SendExtra['reply_markup'],
  ): Promise<number> {
    const group = staffGroupId as string;
    const extra = place ? placeTarget(place) : {};
    const [first] = splitText(text, TELEGRAM_TEXT_LIMIT);
    const sent = await call(group, 'sendMessage', () =>
      telegram.sendMessage(group, first ?? '…', { ...extra, ...(markup ? { reply_markup: markup } : {}) }),
    );
    return sent.message_id;
  }

  const surface: StaffSurface = {
    via: 'telegram',
    titleLimit: 128,
    async openCase(record, card) {
      const group = staffGroupId as string;
      if (staffIsForum) {
        try {
          const topic = await call(group, 'createForumTopic', () =>
            telegram.createForumTopic(group, card.title),
          );
          const place = `topic:${topic.message_thread_id}`;
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
      const group = staffGroupId as string;
      const ids = [await postToGroup(place, text, staffKeyboard(buttons))];
      for (const attachment of attachments) ids.push(await sendFile(group, attachment, placeTarget(place)));
      // In a topic every message shows its place; under a card, only the desk's links know it.
      return place.startsWith('card:') ? ids.map(String) : [];
    },
    async updateCard(place, cardId, card: CaseCard) {
      const group = staffGroupId as string;
      const [text] = splitText(card.text, TELEGRAM_TEXT_LIMIT);
      const markup = staffKeyboard(card.buttons) ?? { inline_keyboard: [] };
      await call(group, 'editMessageText', () =>
        telegram.editMessageText(group, Number(cardId), undefined, text ?? '…', { reply_markup: markup }),
      ).catch((error: unknown) => {
        // "message is not modified" and a deleted card are both fine: the status line was posted.
        logger.debug({ err: error, place }, 'case card not edited');
      });
    },
  };

  const staffDesk: StaffDesk | null =
    options.staff && desk
      ? createStaffDesk({ desk, surface, logger, ...(options.links ? { links: options.links } : {}) })
      : null;

  function staffActor(from: TelegramUser) {
    const actor = telegramStaffActor(
      { id: from.id, name: userName(from) },
      { agents: options.staff?.userIds ?? [], supervisors: options.staff?.supervisorUserIds ?? [] },
    );
    if (!actor && groupsSeen.add(`user:${from.id}`)) {
      // Tells the operator which id to add to CALMDESK_TELEGRAM_STAFF_USER_IDS.
      logger.info(
        { userId: from.id, name: userName(from) },
        'a person who is not configured as staff wrote in the staff group',
      );
    }
    return actor;
  }

  async function answerInGroup(replyTo: TelegramMessage, text: string): Promise<void> {
    const group = staffGroupId as string;
    const extra: SendExtra = {
      ...(replyTo.is_topic_message && replyTo.message_thread_id
        ? { message_thread_id: replyTo.message_thread_id }
        : {}),
      reply_parameters: { message_id: replyTo.message_id, allow_sending_without_reply: true },
    };
    const [first] = splitText(text, TELEGRAM_TEXT_LIMIT);
    await call(group, 'sendMessage', () => telegram.sendMessage(group, first ?? '…', extra)).catch(
      (error: unknown) => logger.warn({ err: error }, 'staff answer not delivered'),
    );
  }

  /** A bot message replied to in a group without topics: a line the desk posted, else a card. */
  async function placeOfReply(reply: z.infer<typeof BaseMessageSchema>): Promise<string | undefined> {
    const known = await staffDesk?.placeOfMessage(String(reply.message_id));
    if (known) return known;
    return reply.from?.id === botId ? `card:${reply.message_id}` : undefined;
  }

  async function onStaffMessage(message: TelegramMessage, from: TelegramUser): Promise<void> {
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
  }

  async function onStaffButton(query: TelegramCallbackQuery, data: string): Promise<void> {
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
    await call(`cb:${query.id}`, 'answerCallbackQuery', () =>
      telegram.answerCbQuery(query.id, text?.slice(0, 200), { show_alert: Boolean(text) }),
    ).catch((error: unknown) => logger.warn({ err: error }, 'callback query not answered'));
  }

  // ---- files for other platforms -------------------------------------------------------------------

  async function fetchFile(attachment: Attachment, maxBytes: number): Promise<FetchedFileResult> {
    if (!attachment.ref.startsWith('telegram-file:')) return { ok: false, reason: 'not_mine' };
    const fileId = attachment.ref.slice('telegram-file:'.length);
    try {
      const info = FileInfoSchema.parse(
        await call('files', 'getFile', () => telegram.callApi('getFile', { file_id: fileId })),
      );
      if (info.file_size !== undefined && info.file_size > maxBytes) {
        return { ok: false, reason: 'too_big', size: info.file_size };
      }
      // A local Bot API server answers with a path on its own disk, which is not ours to read.
      if (!info.file_path || info.file_path.startsWith('/')) return { ok: false, reason: 'failed' };
      const root = (options.apiRoot ?? 'https://api.telegram.org').replace(/\/$/, '');
      const response = await fetch(`${root}/file/bot${options.token}/${info.file_path}`, {
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return { ok: false, reason: 'failed' };
      }
      const data = await readCapped(response, maxBytes);
      if (!data.ok) return { ok: false, reason: 'too_big', size: data.size };
      const name = attachment.name ?? info.file_path.split('/').at(-1) ?? 'file';
      const mime =
        attachment.mime ??
        (attachment.kind === 'photo' ? 'image/jpeg' : response.headers.get('content-type'));
      return { ok: true, file: { name, data: data.bytes, ...(mime ? { mime } : {}) } };
    } catch (error) {
      // The token is in the download URL: log the error's message only, never the URL.
      logger.warn(
        { reason: String(error instanceof Error ? error.message : error) },
        'Telegram file not fetched',
      );
      return { ok: false, reason: 'failed' };
    }
  }

  // ---- routing ------------------------------------------------------------------------------------

  async function route(update: TelegramUpdate): Promise<void> {
    if (update.callback_query) return onCallbackQuery(update.update_id, update.callback_query);
    const message = update.message;
    if (!message?.from || message.from.is_bot) return;
    if (staffGroupId && String(message.chat.id) === staffGroupId)
      return onStaffMessage(message, message.from);
    // Buyers talk to the bot in private chats; other groups the bot was added to are not ours to answer.
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

  /**
   * Telegram sends an album as one update per photo. The first photo takes the album's place in the
   * chat's queue and waits a moment for the others, so "here are the photos" is one message with every
   * photo (one reply, not one per photo). Returns true when the update was taken.
   */
  function collectAlbum(update: TelegramUpdate): boolean {
    const message = update.message;
    const from = message?.from;
    if (!message?.media_group_id || message.chat.type !== 'private' || !from || from.is_bot) return false;
    const chat = String(message.chat.id);
    const key = `${chat}:${message.media_group_id}`;
    const inbound = inboundOf(update.update_id, message, from);
    const album = albums.get(key);
    if (album) {
      album.message.attachments.push(...inbound.attachments);
      if (!album.message.text && inbound.text) album.message.text = inbound.text;
      return true;
    }
    albums.set(key, { message: inbound });
    // Not awaited: the rest of the album may come in the next getUpdates batch.
    void inboundLock.run(chat, async () => {
      await sleep(albumWindowMs);
      const collected = albums.get(key);
      albums.delete(key);
      if (collected) await handOn(collected.message);
    });
    return true;
  }

  async function handleUpdate(body: unknown): Promise<void> {
    const parsed = UpdateSchema.safeParse(body);
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
    if (collectAlbum(update)) return;
    // One chat's updates are handled one at a time, in the order they came; chats run in parallel.
    await inboundLock.run(String(chat), () =>
      route(update).catch((error: unknown) => {
        logger.error({ err: error, updateId: update.update_id }, 'update handling failed');
      }),
    );
  }

  // ---- polling and webhook ------------------------------------------------------------------------

  async function pollLoop(state: { abort: AbortController; offset: number }): Promise<void> {
    let failures = 0;
    while (!state.abort.signal.aborted) {
      let updates: unknown[];
      try {
        updates = (await telegram.callApi(
          'getUpdates',
          { offset: state.offset, timeout: pollTimeout, allowed_updates: [...ALLOWED_UPDATES] },
          { signal: state.abort.signal as never },
        )) as unknown[];
        failures = 0;
      } catch (error) {
        if (state.abort.signal.aborted) return;
        if (error instanceof TelegramError && error.code === 401) {
          logger.error({ err: error }, 'Telegram rejected the token; polling stopped');
          return;
        }
        failures++;
        const retryAfter = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
        const delay =
          retryAfter !== undefined ? retryAfter * 1_000 : Math.min(30_000, backoffMs * 2 ** (failures - 1));
        logger.warn({ err: error, delay }, 'getUpdates failed, retrying');
        await sleep(delay);
        continue;
      }
      // Each update is handed on before the next offset confirms it to Telegram: a crash redelivers
      // instead of losing, and the pipeline's dedupe absorbs the repeat.
      await Promise.all(updates.map((update) => handleUpdate(update)));
      const last = updates.at(-1) as { update_id?: unknown } | undefined;
      if (typeof last?.update_id === 'number') state.offset = last.update_id + 1;
    }
  }

  function readBody(req: IncomingMessage): Promise<string | null> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_WEBHOOK_BODY) {
          resolve(null);
          req.destroy();
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', () => resolve(null));
    });
  }

  const webhook: TelegramWebhook | null =
    options.mode === 'webhook' && options.webhook
      ? {
          path: TELEGRAM_WEBHOOK_PATH,
          verifySecret: (header) => sameSecret(options.webhook?.secret ?? '', header),
          handleUpdate,
          handleRequest(req, res) {
            const end = (status: number) => {
              res.writeHead(status, { 'content-type': 'text/plain' });
              res.end(status === 200 ? 'ok' : '');
            };
            if (req.method !== 'POST') return end(405);
            // The secret is checked before a single byte of the body is read or parsed.
            if (!sameSecret(options.webhook?.secret ?? '', req.headers[SECRET_HEADER])) {
              logger.warn({ remote: req.socket.remoteAddress }, 'webhook call with a wrong secret refused');
              req.resume();
              return end(401);
            }
            void readBody(req).then(async (raw) => {
              if (raw === null) return end(413);
              let body: unknown;
              try {
                body = JSON.parse(raw);
              } catch {
                return end(400);
              }
              await handleUpdate(body);
              end(200);
            });
          },
        }
      : null;

  return {
    platform: 'telegram',
    webhook,
    staffDesk,
    fetchFile,
    async start() {
      if (started) return;
      const me = await call('me', 'getMe', () => telegram.getMe());
      botId = me.id;
      logger.info({ bot: me.username, mode: options.mode }, 'Telegram bot connected');
      if (staffDesk && staffGroupId) {
        const chat = await call(staffGroupId, 'getChat', () => telegram.getChat(staffGroupId)).catch(
          (error: unknown) => {
            logger.warn({ err: error }, 'staff group not reachable; is the bot a member?');
            return null;
          },
        );
        staffIsForum = Boolean(chat && 'is_forum' in chat && chat.is_forum);
        staffDesk.start();
      }
      if (options.mode === 'polling') {
        await call('webhook', 'deleteWebhook', () => telegram.deleteWebhook({ drop_pending_updates: false }));
        // One object: pollLoop moves `offset` forward and stop() confirms the latest one.
        const state = { abort: new AbortController(), offset: 0, done: Promise.resolve() };
        state.done = pollLoop(state);
        polling = state;
      } else if (options.webhook) {
        const { url, secret, port, host } = options.webhook;
        await call('webhook', 'setWebhook', () =>
          telegram.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }),
        );
        if (port !== undefined && webhook) {
          const own = createServer((req, res) => {
            if ((req.url ?? '').split('?')[0] !== TELEGRAM_WEBHOOK_PATH) {
              res.writeHead(404).end();
              return;
            }
            webhook.handleRequest(req, res);
          });
          await new Promise<void>((resolve) => own.listen(port, host ?? '0.0.0.0', resolve));
          server = own;
        }
      }
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      if (polling) {
        polling.abort.abort();
        await polling.done;
        // Confirm what was handled, so the next start does not receive it again.
        await telegram
          .callApi('getUpdates', { offset: polling.offset, limit: 1, timeout: 0 })
          .catch(() => undefined);
        polling = null;
      }
      if (server) {
        const own = server;
        server = null;
        await new Promise<void>((resolve) => own.close(() => resolve()));
      }
      await staffDesk?.stop();
      await inboundLock.drain();
      await Promise.allSettled([...sendsInFlight]);
    },
    send,
  };
}
