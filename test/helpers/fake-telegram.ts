import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Telegram Bot API on 127.0.0.1 for the real telegraf client: getMe, getUpdates (long polling),
 * sendMessage, sendPhoto, sendDocument, getFile (and the file download under /file/bot<token>/),
 * getChat, answerCallbackQuery, setWebhook, deleteWebhook, createForumTopic, editMessageReplyMarkup.
 * Tests push updates, inject failures (429 with retry_after, 5xx) and read every call back with its
 * arrival time.
 */

type Json = Record<string, unknown>;

export interface FakeCall {
  method: string;
  params: Json;
  /** ms since the epoch when the request arrived. */
  at: number;
  /** HTTP status the fake answered. */
  status: number;
  /** What the fake answered with (e.g. the sent message, with its message_id). */
  result?: unknown;
}

export interface InjectedFailure {
  code: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  is_forum?: boolean;
  first_name?: string;
}

export const FAKE_BOT = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: 'Calmdesk Test',
  username: 'calmdesk_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

const FIXTURES = new URL('../fixtures/telegram/', import.meta.url);

/** A sanitized real payload from test/fixtures/telegram, parsed fresh for each use. */
export function telegramFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Json;
}

export class FakeTelegram {
  readonly token: string;
  readonly calls: FakeCall[] = [];
  webhook: { url: string; secret: string | undefined } | null = null;
  readonly #server: Server;
  readonly #chats = new Map<number, FakeChat>();
  readonly #pending: Json[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #failures = new Map<string, { skip: number; failure: InjectedFailure }[]>();
  readonly #topics = new Map<number, { chatId: number; name: string; createdMessage: Json }>();
  /** Files the fake serves at /file/bot<token>/<path>, by file id. */
  readonly #files = new Map<string, { path: string; data: Buffer }>();
  /** Downloads of files, by path, in order. */
  readonly downloads: string[] = [];
  #nextUpdateId = 804_561_000;
  #nextMessageId = 1_000;
  #confirmedOffset = 0;
  #port = 0;

  private constructor(token: string) {
    this.token = token;
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
  }

  static async start(options: { token?: string; chats?: FakeChat[] } = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(options.token ?? '123456789:TEST-token_for_the_fake_api');
    for (const chat of options.chats ?? []) fake.#chats.set(chat.id, chat);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  addChat(chat: FakeChat): void {
    this.#chats.set(chat.id, chat);
  }

  /** A file Telegram holds (a photo someone sent): getFile describes it and the file URL serves its bytes. */
  putFile(fileId: string, data: Buffer, path = `photos/${fileId}.jpg`): void {
    this.#files.set(fileId, { path, data });
  }

  /** Queues an update for getUpdates; `update_id` is assigned when missing. Returns the update. */
  pushUpdate(update: Json): Json {
    const full = { update_id: this.#nextUpdateId++, ...update };
    if (typeof full.update_id === 'number' && full.update_id >= this.#nextUpdateId) {
      this.#nextUpdateId = full.update_id + 1;
    }
    this.#pending.push(full);
    for (const wake of this.#waiters) wake();
    return full;
  }

  /**
   * The next `times` calls of `method` fail with this error (429 carries parameters.retry_after), after
   * `afterOk` calls that still succeed.
   */
  failNext(method: string, times: number, failure: InjectedFailure, afterOk = 0): void {
    const queue = this.#failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ skip: i === 0 ? afterOk : 0, failure });
    this.#failures.set(method, queue);
  }

  #takeFailure(method: string): InjectedFailure | undefined {
    const queue = this.#failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (head.skip > 0) {
      head.skip--;
      return undefined;
    }
    queue.shift();
    return head.failure;
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Successful sendMessage/sendPhoto/sendDocument calls, optionally to one chat. */
  sent(chatId?: number): FakeCall[] {
    return this.calls.filter(
      (call) =>
        call.status === 200 &&
        ['sendMessage', 'sendPhoto', 'sendDocument'].includes(call.method) &&
        (chatId === undefined || Number(call.params.chat_id) === chatId),
    );
  }

  /** The forum topic the bot created, with the service message Telegram posts at its top. */
  topic(threadId: number): { chatId: number; name: string; createdMessage: Json } | undefined {
    return this.#topics.get(threadId);
  }

  /** The highest offset the client has confirmed with getUpdates. */
  get confirmedOffset(): number {
    return this.#confirmedOffset;
  }

  /** Posts an update to the registered webhook the way Telegram does. */
  async deliverToWebhook(update: Json, secretOverride?: string): Promise<number> {
    if (!this.webhook) throw new Error('no webhook set');
    const url = new URL(this.webhook.url);
    const body = JSON.stringify(update);
    const secret = secretOverride ?? this.webhook.secret;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (download) return this.#download(req, res, download[1] ?? '', download[2] ?? '');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    let params: Json;
    try {
      params = parseParams(req.headers['content-type'], await readBody(req));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 400, description: String(error) }));
      return;
    }
    const reply = (status: number, payload: Json) => {
      this.calls.push({ method: match?.[2] ?? req.url ?? '', params, at, status, result: payload.result });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (!match || match[1] !== this.token) {
      return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const method = match[2] as string;
    const failure = this.#takeFailure(method);
    if (failure) {
      if (failure.code >= 500) {
        this.calls.push({ method, params, at, status: failure.code });
        res.writeHead(failure.code, { 'content-type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
        return;
      }
      return reply(failure.code, {
        ok: false,
        error_code: failure.code,
        description:
          failure.description ??
          (failure.code === 429
            ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}`
            : 'Bad Request'),
        ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
      });
    }
    if (method === 'getUpdates') return this.#getUpdates(req, params, reply);
    const result = this.#answer(method, params);
    if ('error' in result) {
      return reply(result.error, { ok: false, error_code: result.error, description: result.description });
    }
    return reply(200, { ok: true, result: result.ok });
  }

  #download(req: IncomingMessage, res: ServerResponse, token: string, path: string): void {
    req.resume();
    const file = [...this.#files.values()].find((f) => f.path === path);
    if (token !== this.token || !file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    this.downloads.push(path);
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': file.data.length });
    res.end(file.data);
  }

  async #getUpdates(req: IncomingMessage, params: Json, reply: (status: number, payload: Json) => void) {
    const offset = Number(params.offset ?? 0);
    if (offset > this.#confirmedOffset) this.#confirmedOffset = offset;
    // Telegram forgets every update below the offset: they are confirmed.
    while (this.#pending.length > 0 && Number(this.#pending[0]?.update_id) < offset) this.#pending.shift();
    const limit = Number(params.limit ?? 100);
    const timeout = Number(params.timeout ?? 0);
    if (this.#pending.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, timeout * 1000);
        this.#waiters.add(wake);
        req.socket.once('close', wake);
      });
    }
    if (req.socket.destroyed) return;
    reply(200, { ok: true, result: this.#pending.slice(0, limit) });
  }

  #chat(id: unknown): FakeChat | null {
    const chatId = Number(id);
    if (!Number.isFinite(chatId)) return null;
    return (
      this.#chats.get(chatId) ?? (chatId > 0 ? { id: chatId, type: 'private', first_name: 'Buyer' } : null)
    );
  }

  #message(params: Json, extra: Json): { ok: Json } | { error: number; description: string } {
    const chat = this.#chat(params.chat_id);
    if (!chat) return { error: 400, description: 'Bad Request: chat not found' };
    const message: Json = {
      message_id: this.#nextMessageId++,
      from: { id: FAKE_BOT.id, is_bot: true, first_name: FAKE_BOT.first_name, username: FAKE_BOT.username },
      chat,
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
    if (params.message_thread_id !== undefined) {
      message.message_thread_id = Number(params.message_thread_id);
      message.is_topic_message = true;
    }
    if (params.reply_markup !== undefined) {
      message.reply_markup =
        typeof params.reply_markup === 'string' ? JSON.parse(params.reply_markup) : params.reply_markup;
    }
    return { ok: message };
  }

  #answer(method: string, params: Json): { ok: unknown } | { error: number; description: string } {
    switch (method) {
      case 'getMe':
        return { ok: FAKE_BOT };
      case 'deleteWebhook':
        this.webhook = null;
        return { ok: true };
      case 'setWebhook':
        this.webhook = { url: String(params.url), secret: params.secret_token as string | undefined };
        return { ok: true };
      case 'getChat': {
        const chat = this.#chat(params.chat_id);
        return chat ? { ok: chat } : { error: 400, description: 'Bad Request: chat not found' };
      }
      case 'sendMessage': {
        const text = String(params.text ?? '');
        if (text.length === 0) return { error: 400, description: 'Bad Request: message text is empty' };
        if (text.length > 4096) return { error: 400, description: 'Bad Request: message is too long' };
        return this.#message(params, { text });
      }
      case 'sendPhoto':
      case 'sendDocument': {
        const caption = params.caption === undefined ? undefined : String(params.caption);
        if (caption && caption.length > 1024) {
          return { error: 400, description: 'Bad Request: message caption is too long' };
        }
        const fileId = String(method === 'sendPhoto' ? params.photo : params.document);
        const media =
          method === 'sendPhoto'
            ? {
                photo: [
                  { file_id: fileId, file_unique_id: `u-${fileId.slice(-8)}`, width: 1280, height: 960 },
                ],
              }
            : { document: { file_id: fileId, file_unique_id: `u-${fileId.slice(-8)}`, file_name: 'file' } };
        return this.#message(params, { ...media, ...(caption ? { caption } : {}) });
      }
      case 'getFile': {
        const file = this.#files.get(String(params.file_id));
        if (!file) return { error: 400, description: 'Bad Request: invalid file_id' };
        return {
          ok: {
            file_id: params.file_id,
            file_unique_id: `u-${String(params.file_id).slice(-8)}`,
            file_size: file.data.length,
            file_path: file.path,
          },
        };
      }
      case 'answerCallbackQuery':
        return { ok: true };
      case 'editMessageReplyMarkup':
      case 'editMessageText':
        return { ok: true };
      case 'createForumTopic': {
        const chat = this.#chat(params.chat_id);
        if (!chat) return { error: 400, description: 'Bad Request: chat not found' };
        if (!chat.is_forum) return { error: 400, description: 'Bad Request: the chat is not a forum' };
        const name = String(params.name ?? '');
        if (name.length < 1 || name.length > 128)
          return { error: 400, description: 'Bad Request: invalid name' };
        const threadId = this.#nextMessageId++;
        const createdMessage = {
          message_id: threadId,
          from: {
            id: FAKE_BOT.id,
            is_bot: true,
            first_name: FAKE_BOT.first_name,
            username: FAKE_BOT.username,
          },
          chat,
          date: Math.floor(Date.now() / 1000),
          message_thread_id: threadId,
          forum_topic_created: { name, icon_color: 7_322_096 },
          is_topic_message: true,
        };
        this.#topics.set(threadId, { chatId: chat.id, name, createdMessage });
        return { ok: { message_thread_id: threadId, name, icon_color: 7_322_096 } };
      }
      default:
        return { error: 404, description: 'Not Found: method not found' };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseParams(contentType: string | undefined, body: string): Json {
  if (!body) return {};
  if (contentType?.includes('application/json')) return JSON.parse(body) as Json;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  throw new Error(`the fake Telegram API does not read ${contentType ?? 'bodies without a content type'}`);
}

/** Waits until `probe` returns something other than undefined/false, polling every 10 ms. */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------------------------------------------
// Update builders: the sanitized fixtures with the fields a test cares about changed.

type Person = { id: number; firstName?: string; languageCode?: string };

function withPerson(user: Json, person: Person): Json {
  const out: Json = { ...user, id: person.id, first_name: person.firstName ?? user.first_name };
  delete out.last_name;
  delete out.username;
  if (person.languageCode === undefined) delete out.language_code;
  else out.language_code = person.languageCode;
  return out;
}

function privateMessage(fixture: string, buyer: Person, fields: Json): Json {
  const { update_id: _, ...update } = telegramFixture(fixture);
  const message = update.message as Json;
  const from = withPerson(message.from as Json, buyer);
  return {
    ...update,
    message: {
      ...message,
      message_id: Math.floor(Math.random() * 1e6),
      from,
      chat: { id: buyer.id, first_name: from.first_name, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...fields,
    },
  };
}

export function buyerText(buyer: Person, text: string): Json {
  const update = privateMessage('private-text', buyer, { text });
  if (text.startsWith('/')) {
    (update.message as Json).entities = [
      { offset: 0, length: text.split(/\s/)[0]?.length, type: 'bot_command' },
    ];
  }
  return update;
}

export function buyerPhoto(buyer: Person, caption?: string, mediaGroupId?: string): Json {
  const update = privateMessage('private-photo', buyer, mediaGroupId ? { media_group_id: mediaGroupId } : {});
  const message = update.message as Json;
  if (caption === undefined) delete message.caption;
  else message.caption = caption;
  return update;
}

export function buyerDocument(buyer: Person, caption: string): Json {
  return privateMessage('private-document', buyer, { caption });
}

export function buyerPress(buyer: Person, data: string, messageId = 56): Json {
  const { update_id: _, ...update } = telegramFixture('private-callback-query');
  const query = update.callback_query as Json;
  const from = withPerson(query.from as Json, buyer);
  return {
    callback_query: {
      ...query,
      id: String(Math.floor(Math.random() * 1e15)),
      from,
      message: { ...(query.message as Json), message_id: messageId, chat: { id: buyer.id, type: 'private' } },
      data,
    },
  };
}

export interface StaffPlace {
  /** A forum topic's thread id (the topic's creation message is what a plain message "replies" to). */
  threadId?: number;
  topicName?: string;
  /** The message replied to (a card, a relayed buyer message). */
  replyTo?: { message_id: number; text?: string };
}

export function staffText(groupId: number, agent: Person, text: string, place: StaffPlace = {}): Json {
  const { update_id: _, ...update } = telegramFixture('staff-topic-message');
  const message = update.message as Json;
  const chat = {
    id: groupId,
    title: 'Shop staff',
    type: 'supergroup',
    ...(place.threadId ? { is_forum: true } : {}),
  };
  const out: Json = {
    message_id: Math.floor(Math.random() * 1e6),
    from: withPerson(message.from as Json, agent),
    chat,
    date: Math.floor(Date.now() / 1000),
    text,
  };
  if (place.threadId !== undefined) {
    out.message_thread_id = place.threadId;
    out.is_topic_message = true;
    out.reply_to_message = place.replyTo
      ? {
          ...place.replyTo,
          chat,
          date: out.date,
          from: { id: FAKE_BOT.id, is_bot: true, first_name: 'Calmdesk Test' },
        }
      : {
          ...(message.reply_to_message as Json),
          message_id: place.threadId,
          message_thread_id: place.threadId,
          chat,
          forum_topic_created: { name: place.topicName ?? 'a topic', icon_color: 7_322_096 },
        };
  } else if (place.replyTo) {
    out.reply_to_message = {
      ...place.replyTo,
      chat,
      date: out.date,
      from: { id: FAKE_BOT.id, is_bot: true, first_name: 'Calmdesk Test', username: FAKE_BOT.username },
    };
  }
  if (text.startsWith('/'))
    out.entities = [{ offset: 0, length: text.split(/\s/)[0]?.length, type: 'bot_command' }];
  return { message: out };
}

/** An agent sends a photo (with an optional caption) in the staff group, in a topic or as a reply. */
export function staffPhoto(
  groupId: number,
  agent: Person,
  fileId: string,
  caption: string | undefined,
  place: StaffPlace = {},
): Json {
  const update = staffText(groupId, agent, caption ?? '', place);
  const message = update.message as Json;
  delete message.text;
  if (caption) message.caption = caption;
  message.photo = [
    { file_id: `${fileId}_small`, file_unique_id: 'u-small', width: 90, height: 67, file_size: 1_200 },
    { file_id: fileId, file_unique_id: 'u-large', width: 1280, height: 960 },
  ];
  return update;
}

export function staffPress(
  groupId: number,
  agent: Person,
  data: string,
  card: { message_id: number; message_thread_id?: number },
): Json {
  const { update_id: _, ...update } = telegramFixture('staff-callback-query');
  const query = update.callback_query as Json;
  return {
    callback_query: {
      ...query,
      id: String(Math.floor(Math.random() * 1e15)),
      from: withPerson(query.from as Json, agent),
      message: {
        ...(query.message as Json),
        ...card,
        ...(card.message_thread_id !== undefined ? { is_topic_message: true } : {}),
        chat: { id: groupId, title: 'Shop staff', type: 'supergroup' },
      },
      data,
    },
  };
}
