import type { Server } from 'node:http';
import { Telegram, TelegramError } from 'telegraf';
import { CalmdeskError } from '../core/errors.ts';
import { sleep } from './delivery.ts';
import { OptionButtons } from './option-buttons.ts';
import { channelLogger, checkChannelOptions } from './platform-shared.ts';
import type { TelegramApi } from './telegram-api.ts';
import { createTelegramFileFetcher } from './telegram-files.ts';
import { createTelegramInbound } from './telegram-inbound.ts';
import {
  type TelegramChannel,
  type TelegramChannelOptions,
  TelegramOptionsSchema,
} from './telegram-options.ts';
import { createTelegramSender } from './telegram-outbound.ts';
import { createTelegramStaff } from './telegram-staff.ts';
import { ALLOWED_UPDATES } from './telegram-updates.ts';
import {
  closeServer,
  createTelegramWebhook,
  listenForWebhook,
  TELEGRAM_WEBHOOK_PATH,
  type TelegramWebhook,
} from './telegram-webhook.ts';

/** The channel's types and webhook, importable from here as before the split. */
export type { TelegramChannel, TelegramChannelOptions } from './telegram-options.ts';
export { TELEGRAM_WEBHOOK_PATH, type TelegramWebhook };

/**
 * The Telegram channel: buyers in private chats, agents in a staff group. It only translates: updates
 * become `InboundMessage`s (telegram-inbound.ts) or staff input (telegram-staff.ts), outbound messages
 * become Bot API calls (telegram-outbound.ts), one message per call. The only file that imports telegraf:
 * it makes the Bot API calls (retried), polls or sets the webhook, and puts the parts together.
 */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  checkChannelOptions(TelegramOptionsSchema, options, 'Telegram');
  const logger = channelLogger(options.logger, 'telegram');
  const telegram = new Telegram(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    webhookReply: false,
  });
  const pollTimeout = options.pollTimeoutSeconds ?? 50;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  /** Per chat: no call before this time (a 429's retry_after). */
  const notBefore = new Map<string, number>();

  let polling: { abort: AbortController; done: Promise<void>; offset: number } | null = null;
  let server: Server | null = null;
  let started = false;

  // ---- Bot API calls with retry -----------------------------------------------------------------

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

  const api: TelegramApi = {
    sendMessage: async (chat, text, extra) =>
      (await call(chat, 'sendMessage', () => telegram.sendMessage(chat, text, extra))).message_id,
    sendPhoto: async (chat, photo, extra) =>
      (await call(chat, 'sendPhoto', () => telegram.sendPhoto(chat, photo, extra))).message_id,
    sendDocument: async (chat, document, extra) =>
      (await call(chat, 'sendDocument', () => telegram.sendDocument(chat, document, extra))).message_id,
    createForumTopic: async (chat, name) =>
      (await call(chat, 'createForumTopic', () => telegram.createForumTopic(chat, name))).message_thread_id,
    async editMessageText(chat, messageId, text, markup) {
      await call(chat, 'editMessageText', () =>
        telegram.editMessageText(chat, messageId, undefined, text, { reply_markup: markup }),
      );
    },
    async answerCallbackQuery(queryId, text, extra) {
      await call(`cb:${queryId}`, 'answerCallbackQuery', () => telegram.answerCbQuery(queryId, text, extra));
    },
    async isForum(chat) {
      const found = await call(chat, 'getChat', () => telegram.getChat(chat));
      return Boolean('is_forum' in found && found.is_forum);
    },
    getFile: (fileId) => call('files', 'getFile', () => telegram.callApi('getFile', { file_id: fileId })),
  };

  // ---- the parts --------------------------------------------------------------------------------

  const optionButtons = new OptionButtons(64);
  const sender = createTelegramSender(api, optionButtons);
  const staff = options.staff
    ? {
        groupId: String(options.staff.groupId),
        handler: createTelegramStaff({
          api,
          groupId: String(options.staff.groupId),
          userIds: options.staff.userIds,
          supervisorUserIds: options.staff.supervisorUserIds ?? [],
          desk: options.desk,
          links: options.links,
          sendFile: sender.sendFile,
          logger,
        }),
      }
    : null;
  const inbound = createTelegramInbound({
    api,
    onInbound: options.onInbound,
    greet: options.greet ?? sender.send,
    optionButtons,
    staff,
    albumWindowMs: options.albumWindowMs ?? 800,
    logger,
  });
  const webhook: TelegramWebhook | null =
    options.mode === 'webhook' && options.webhook
      ? createTelegramWebhook(options.webhook.secret, inbound.handleUpdate, logger)
      : null;

  // ---- polling ----------------------------------------------------------------------------------

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
      await Promise.all(updates.map((update) => inbound.handleUpdate(update)));
      const last = updates.at(-1) as { update_id?: unknown } | undefined;
      if (typeof last?.update_id === 'number') state.offset = last.update_id + 1;
    }
  }

  return {
    platform: 'telegram',
    webhook,
    staffDesk: staff?.handler.staffDesk ?? null,
    fetchFile: createTelegramFileFetcher({ api, token: options.token, apiRoot: options.apiRoot, logger }),
    async start() {
      if (started) return;
      const me = await call('me', 'getMe', () => telegram.getMe());
      logger.info({ bot: me.username, mode: options.mode }, 'Telegram bot connected');
      await staff?.handler.start(me.id);
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
        if (port !== undefined && webhook) server = await listenForWebhook(webhook, port, host ?? '0.0.0.0');
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
        await closeServer(own);
      }
      await staff?.handler.stop();
      await inbound.drain();
      await sender.settle();
    },
    send: sender.send,
  };
}
