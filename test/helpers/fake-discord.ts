import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A fake Discord on 127.0.0.1 for the real discord.js client: the REST routes calmdesk uses under
 * `/api/v10`, and a gateway WebSocket (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with
 * replay, RECONNECT, INVALID_SESSION). discord.js finds the gateway through `GET /gateway/bot`, like in
 * production. Tests play users (messages, button presses, slash commands) and read back what the bot did.
 */

type Json = Record<string, unknown>;

export interface FakeRestCall {
  method: string;
  path: string;
  body: Json | Json[] | null;
  at: number;
  status: number;
}

/** A file the bot uploaded (multipart `files[n]`), with its bytes. */
export interface FakeUpload {
  messageId: string;
  channelId: string;
  filename: string;
  contentType: string | undefined;
  data: Buffer;
}

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

const FIXTURES = new URL('../fixtures/discord/', import.meta.url);

/** A sanitized real payload from test/fixtures/discord. */
export function discordFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Json;
}

let snowflakeCounter = 0;
/** Snowflake-shaped ids that grow with time, like Discord's. */
export function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1) % 4096;
  return ((BigInt(Date.now() - 1_420_070_400_000) << 22n) | BigInt(snowflakeCounter)).toString();
}

export const BOT_USER = {
  id: '1300000000000000001',
  username: 'calmdesk-test',
  global_name: null,
  bot: true,
};
export const APPLICATION_ID = BOT_USER.id;

export interface FakeDiscordSetup {
  token?: string;
  guildId?: string;
  supportChannelId?: string;
  staffChannelId?: string;
  staffRoleId?: string;
  supervisorRoleId?: string;
}

export class FakeDiscord {
  readonly token: string;
  readonly guildId: string;
  readonly supportChannelId: string;
  readonly staffChannelId: string;
  readonly staffRoleId: string;
  readonly supervisorRoleId: string;
  readonly rest: FakeRestCall[] = [];
  /** Every gateway payload the client sent (IDENTIFY, RESUME, heartbeats…). */
  readonly fromClient: Json[] = [];
  readonly channels = new Map<string, Json>();
  readonly messages = new Map<string, Json>();
  readonly threadMembers = new Map<string, Set<string>>();
  /** Files the bot uploaded, oldest first. */
  readonly uploads: FakeUpload[] = [];
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  #socket: WebSocket | null = null;
  #sessionId = '';
  #seq = 0;
  /** Dispatches of the current session, for RESUME replay. */
  #log: Json[] = [];
  #replayAlreadySeen = 0;
  #failures: { match: (method: string, path: string) => boolean; status: number; retryAfter?: number }[] = [];
  #port = 0;
  #identifies = 0;
  #resumes = 0;

  private constructor(setup: FakeDiscordSetup) {
    this.token = setup.token ?? 'MTMwMDAwMDAwMDAwMDAwMDAwMQ.fake.token-for-tests';
    this.guildId = setup.guildId ?? '1200000000000000001';
    this.supportChannelId = setup.supportChannelId ?? '1200000000000000010';
    this.staffChannelId = setup.staffChannelId ?? '1200000000000000020';
    this.staffRoleId = setup.staffRoleId ?? '1200000000000000030';
    this.supervisorRoleId = setup.supervisorRoleId ?? '1200000000000000040';
    for (const [id, name] of [
      [this.supportChannelId, 'support'],
      [this.staffChannelId, 'staff-desk'],
    ] as const) {
      this.channels.set(id, {
        id,
        type: 0,
        guild_id: this.guildId,
        name,
        position: 0,
        permission_overwrites: [],
        parent_id: null,
        topic: null,
        nsfw: false,
        rate_limit_per_user: 0,
        last_message_id: null,
        flags: 0,
      });
    }
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
    this.#wss = new WebSocketServer({ server: this.#server, path: '/gateway' });
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(setup: FakeDiscordSetup = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(setup);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** What `new Client({ rest: { api } })` takes. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get identifies(): number {
    return this.#identifies;
  }

  get resumes(): number {
    return this.#resumes;
  }

  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** The next requests matching `method path` (path as a RegExp on `/api/v10/...`) fail with `status`. */
  failNext(method: string, path: RegExp, times: number, status: number, retryAfter?: number): void {
    for (let i = 0; i < times; i++) {
      this.#failures.push({
        match: (m, p) => m === method && path.test(p),
        status,
        ...(retryAfter !== undefined ? { retryAfter } : {}),
      });
    }
  }

  callsOf(method: string, path: RegExp): FakeRestCall[] {
    return this.rest.filter((call) => call.method === method && path.test(call.path));
  }

  /** Messages the bot created in a channel (or thread), oldest first. */
  botMessages(channelId: string): Json[] {
    return [...this.messages.values()].filter(
      (m) => m.channel_id === channelId && (m.author as Json | undefined)?.id === BOT_USER.id,
    );
  }

  threadsOf(parentId: string): Json[] {
    return [...this.channels.values()].filter(
      (c) => c.parent_id === parentId && [11, 12].includes(Number(c.type)),
    );
  }

  // ---- users act ---------------------------------------------------------------------------------

  /** A user writes in a guild channel or thread; `roles` are their role ids. Returns the message. */
  userMessage(
    channelId: string,
    user: FakeUser,
    content: string,
    options: { roles?: string[]; attachments?: Json[]; replyTo?: string } = {},
  ): Json {
    const { id: _, ...template } = discordFixture('guild-message-create');
    const message: Json = {
      ...template,
      id: snowflake(),
      channel_id: channelId,
      guild_id: this.guildId,
      author: { ...(template.author as Json), ...user },
      member: { ...(template.member as Json), roles: options.roles ?? [] },
      content,
      timestamp: new Date().toISOString(),
      attachments: options.attachments ?? [],
      ...(options.replyTo
        ? {
            message_reference: {
              type: 0,
              message_id: options.replyTo,
              channel_id: channelId,
              guild_id: this.guildId,
            },
          }
        : {}),
    };
    this.messages.set(String(message.id), message);
    this.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  /** A user writes to the bot in a direct message. Returns the message. */
  directMessage(user: FakeUser, content: string, attachments: Json[] = []): Json {
    const channelId = this.#dmChannel(user);
    const { id: _, ...template } = discordFixture('dm-message-create');
    const message: Json = {
      ...template,
      id: snowflake(),
      channel_id: channelId,
      author: { ...(template.author as Json), ...user },
      content,
      timestamp: new Date().toISOString(),
      attachments,
    };
    this.messages.set(String(message.id), message);
    this.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  dmChannelOf(user: FakeUser): string {
    return this.#dmChannel(user);
  }

  #dmChannel(user: FakeUser): string {
    const existing = [...this.channels.values()].find(
      (c) => c.type === 1 && (c.recipients as Json[] | undefined)?.[0]?.id === user.id,
    );
    if (existing) return String(existing.id);
    const id = snowflake();
    this.channels.set(id, {
      id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [{ ...user, discriminator: '0' }],
    });
    return id;
  }

  /** A user presses a button on one of the bot's messages. Returns the interaction id. */
  pressButton(message: Json, user: FakeUser, customId: string, roles: string[] = []): string {
    const channel = this.channels.get(String(message.channel_id)) ?? {};
    const inGuild = channel.type !== 1;
    const { id: _, ...template } = discordFixture(
      inGuild ? 'button-interaction-guild' : 'button-interaction-dm',
    );
    const interaction: Json = {
      ...template,
      id: snowflake(),
      application_id: APPLICATION_ID,
      token: `interaction-token-${snowflake()}`,
      channel_id: message.channel_id,
      channel: { ...channel },
      message: { ...message },
      data: { custom_id: customId, component_type: 2 },
    };
    if (inGuild) {
      interaction.guild_id = this.guildId;
      interaction.member = {
        ...(template.member as Json),
        user: { ...((template.member as Json).user as Json), ...user },
        roles,
      };
    } else {
      interaction.user = { ...(template.user as Json), ...user };
    }
    this.dispatch('INTERACTION_CREATE', interaction);
    return String(interaction.id);
  }

  /** A member runs one of the bot's slash commands in a channel or thread. Returns the interaction id. */
  slashCommand(
    channelId: string,
    user: FakeUser,
    name: string,
    options: Json = {},
    roles: string[] = [],
  ): string {
    const { id: _, ...template } = discordFixture('slash-command-interaction');
    const interaction: Json = {
      ...template,
      id: snowflake(),
      application_id: APPLICATION_ID,
      token: `interaction-token-${snowflake()}`,
      guild_id: this.guildId,
      channel_id: channelId,
      channel: { ...this.channels.get(channelId) },
      member: {
        ...(template.member as Json),
        user: { ...((template.member as Json).user as Json), ...user },
        roles,
      },
      data: {
        id: snowflake(),
        name,
        type: 1,
        guild_id: this.guildId,
        options: Object.entries(options).map(([key, value]) => ({
          name: key,
          type: typeof value === 'number' ? 10 : 3,
          value,
        })),
      },
    };
    this.dispatch('INTERACTION_CREATE', interaction);
    return String(interaction.id);
  }

  /** Interaction callbacks and follow-ups the bot sent for one interaction. */
  interactionAnswers(interactionId: string): FakeRestCall[] {
    const callback = this.rest.filter((c) => c.path.startsWith(`/api/v10/interactions/${interactionId}/`));
    const token = callback[0]?.path.split('/')[5];
    const followUps = token
      ? this.rest.filter((c) => c.path.startsWith(`/api/v10/webhooks/${APPLICATION_ID}/${token}`))
      : [];
    return [...callback, ...followUps];
  }

  // ---- the gateway -------------------------------------------------------------------------------

  /** Sends a dispatch to the connected client; while disconnected it waits in the log for a RESUME. */
  dispatch(type: string, data: Json): void {
    const payload = { op: 0, t: type, s: ++this.#seq, d: data };
    this.#log.push(payload);
    if (this.connected) this.#socket?.send(JSON.stringify(payload));
  }

  /** Asks the client to reconnect and resume (op 7); on RESUME, `replayAlreadySeen` events are sent again. */
  requestReconnect(replayAlreadySeen = 0): void {
    this.#replayAlreadySeen = replayAlreadySeen;
    this.#socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  /** Drops the connection without a close frame, as a network failure does. */
  dropConnection(): void {
    this.#socket?.terminate();
  }

  /** Tells the client its session is gone (op 9, not resumable): it must IDENTIFY again. */
  invalidateSession(): void {
    this.#sessionId = '';
    this.#socket?.send(JSON.stringify({ op: 9, d: false }));
  }

  #send(socket: WebSocket, payload: Json): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  #onConnection(socket: WebSocket): void {
    this.#socket = socket;
    this.#send(socket, { op: 10, d: { heartbeat_interval: 41_250 } });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as Json;
      this.fromClient.push(payload);
      const d = payload.d as Json;
      switch (payload.op) {
        case 1:
          return this.#send(socket, { op: 11 });
        case 2:
          if (d.token !== this.token) return socket.close(4004, 'Authentication failed.');
          this.#identifies++;
          return this.#ready(socket);
        case 6: {
          if (d.session_id !== this.#sessionId || !this.#sessionId)
            return this.#send(socket, { op: 9, d: false });
          this.#resumes++;
          const from = Number(d.seq) - this.#replayAlreadySeen;
          this.#replayAlreadySeen = 0;
          for (const missed of this.#log.filter((p) => Number(p.s) > from)) this.#send(socket, missed);
          this.#seq++;
          return this.#send(socket, { op: 0, t: 'RESUMED', s: this.#seq, d: {} });
        }
      }
    });
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = null;
    });
  }

  #ready(socket: WebSocket): void {
    this.#sessionId = `session-${snowflake()}`;
    this.#seq = 0;
    this.#log = [];
    const ready = discordFixture('gateway-ready');
    this.#seq++;
    this.#send(socket, {
      op: 0,
      t: 'READY',
      s: this.#seq,
      d: {
        ...ready,
        user: { ...(ready.user as Json), ...BOT_USER },
        guilds: [{ id: this.guildId, unavailable: true }],
        session_id: this.#sessionId,
        resume_gateway_url: `ws://127.0.0.1:${this.#port}/gateway`,
        application: { id: APPLICATION_ID, flags: 0 },
      },
    });
    const guild = discordFixture('guild-create');
    const channels = [...this.channels.values()].filter((c) => c.type === 0);
    const threads = [...this.channels.values()].filter((c) => [11, 12].includes(Number(c.type)));
    this.dispatch('GUILD_CREATE', {
      ...guild,
      id: this.guildId,
      roles: [
        { ...((guild.roles as Json[])[0] as Json), id: this.guildId, name: '@everyone' },
        { ...((guild.roles as Json[])[0] as Json), id: this.staffRoleId, name: 'Support staff', position: 1 },
        {
          ...((guild.roles as Json[])[0] as Json),
          id: this.supervisorRoleId,
          name: 'Support supervisors',
          position: 2,
        },
      ],
      channels: channels.map(({ guild_id: _, ...c }) => c),
      threads,
      members: [
        {
          user: { ...BOT_USER, discriminator: '0', avatar: null },
          roles: [],
          joined_at: new Date().toISOString(),
          deaf: false,
          mute: false,
          flags: 0,
        },
      ],
    });
  }

  // ---- REST --------------------------------------------------------------------------------------

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBytes = Buffer.concat(chunks);
    const raw = rawBytes.toString('utf8');
    const contentType = String(req.headers['content-type']);
    let body: Json | Json[] | null = null;
    let files: MultipartPart[] = [];
    if (raw && contentType.includes('application/json')) body = JSON.parse(raw) as Json;
    const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
    if (boundary) {
      // discord.js sends uploads as multipart: the JSON body in payload_json, each file as files[n].
      const parts = parseMultipart(rawBytes, boundary);
      const payload = parts.find((part) => part.name === 'payload_json');
      body = payload ? (JSON.parse(payload.data.toString('utf8')) as Json) : {};
      files = parts.filter((part) => part.filename !== undefined);
    }
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.rest.push({ method, path, body, at, status });
      if (payload === null) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const interactionRoute = /^\/api\/v10\/(interactions|webhooks)\//.test(path);
    if (!interactionRoute && req.headers.authorization !== `Bot ${this.token}`) {
      return reply(401, { message: '401: Unauthorized', code: 0 });
    }
    const failure = this.#failures.find((f) => f.match(method, path));
    if (failure) {
      this.#failures.splice(this.#failures.indexOf(failure), 1);
      if (failure.status === 429) {
        const after = failure.retryAfter ?? 0.2;
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: after, global: false },
          {
            'retry-after': String(after),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(after),
            'x-ratelimit-bucket': 'fake-bucket',
            'x-ratelimit-scope': 'user',
          },
        );
      }
      return reply(failure.status, { message: 'Service unavailable', code: 0 });
    }
    const answer = this.#route(method, path, body, files);
    if (!answer) return reply(404, { message: '404: Not Found', code: 0 });
    return reply(answer.status, answer.body);
  }

  #route(
    method: string,
    path: string,
    body: Json | Json[] | null,
    files: MultipartPart[] = [],
  ): { status: number; body: unknown } | null {
    const p = path.replace(/^\/api\/v10/, '');
    const json = (body ?? {}) as Json;
    type Answer = { status: number; body: unknown } | null;
    const routes: [string, RegExp, (m: string[]) => Answer][] = [
      [
        'GET',
        /^\/gateway\/bot$/,
        () => ({
          status: 200,
          body: {
            url: `ws://127.0.0.1:${this.#port}/gateway`,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
          },
        }),
      ],
      [
        'GET',
        /^\/channels\/(\d+)$/,
        ([, id]) => {
          const channel = this.channels.get(id as string);
          return channel ? { status: 200, body: channel } : null;
        },
      ],
      [
        'POST',
        /^\/channels\/(\d+)\/messages$/,
        ([, id]) => {
          const channel = this.channels.get(id as string);
          if (!channel) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
          if (String(json.content ?? '').length > 2000) {
            return {
              status: 400,
              body: { message: 'Invalid Form Body', code: 50035, errors: { content: {} } },
            };
          }
          if (!json.content && files.length === 0 && !json.components) {
            return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
          }
          const message = this.#botMessage(String(channel.id), json);
          message.attachments = files.map((file) => {
            const id = snowflake();
            const filename = file.filename ?? 'file';
            this.uploads.push({
              messageId: String(message.id),
              channelId: String(channel.id),
              filename,
              contentType: file.contentType,
              data: file.data,
            });
            return {
              id,
              filename,
              size: file.data.length,
              url: `https://cdn.discordapp.com/attachments/${String(channel.id)}/${id}/${filename}`,
              proxy_url: `https://media.discordapp.net/attachments/${String(channel.id)}/${id}/${filename}`,
              ...(file.contentType ? { content_type: file.contentType } : {}),
            };
          });
          this.dispatch('MESSAGE_CREATE', {
            ...message,
            ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
          });
          return { status: 200, body: message };
        },
      ],
      [
        'PATCH',
        /^\/channels\/(\d+)\/messages\/(\d+)$/,
        ([, , id]) => {
          const message = this.messages.get(id as string);
          if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
          Object.assign(message, json, { edited_timestamp: new Date().toISOString() });
          return { status: 200, body: message };
        },
      ],
      // A thread started from a message takes the message's id.
      [
        'POST',
        /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
        ([, parent, id]) => ({ status: 201, body: this.#thread(parent as string, id as string, 11, json) }),
      ],
      [
        'POST',
        /^\/channels\/(\d+)\/threads$/,
        ([, parent]) => ({
          status: 201,
          body: this.#thread(parent as string, snowflake(), Number(json.type ?? 11), json),
        }),
      ],
      [
        'PUT',
        /^\/channels\/(\d+)\/thread-members\/(\d+)$/,
        ([, thread, user]) => {
          const members = this.threadMembers.get(thread as string) ?? new Set<string>();
          members.add(user as string);
          this.threadMembers.set(thread as string, members);
          return { status: 204, body: null };
        },
      ],
      [
        'PUT',
        /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        ([, application, guild]) => ({
          status: 200,
          body: (body as Json[]).map((command) => ({
            id: snowflake(),
            application_id: application,
            guild_id: guild,
            version: snowflake(),
            type: 1,
            default_member_permissions: null,
            nsfw: false,
            options: [],
            ...command,
          })),
        }),
      ],
      ['POST', /^\/interactions\/\d+\/[^/]+\/callback$/, () => ({ status: 204, body: null })],
      ['POST', /^\/webhooks\/\d+\/[^/]+$/, () => ({ status: 200, body: this.#botMessage('0', json, false) })],
      [
        'PATCH',
        /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/,
        () => ({ status: 200, body: this.#botMessage('0', json, false) }),
      ],
    ];
    for (const [routeMethod, pattern, answer] of routes) {
      const match = routeMethod === method ? pattern.exec(p) : null;
      if (match) return answer([...match]);
    }
    return null;
  }

  #botMessage(channelId: string, json: Json, keep = true): Json {
    const message: Json = {
      id: snowflake(),
      type: json.message_reference ? 19 : 0,
      channel_id: channelId,
      author: { ...BOT_USER, discriminator: '0', avatar: null, public_flags: 0 },
      content: String(json.content ?? ''),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: json.embeds ?? [],
      pinned: false,
      flags: Number(json.flags ?? 0),
      components: json.components ?? [],
      ...(json.message_reference ? { message_reference: json.message_reference } : {}),
    };
    if (keep) this.messages.set(String(message.id), message);
    return message;
  }

  #thread(parentId: string, id: string, type: number, json: Json): Json {
    const now = new Date().toISOString();
    const thread: Json = {
      id,
      type,
      guild_id: this.guildId,
      parent_id: parentId,
      owner_id: BOT_USER.id,
      name: String(json.name ?? 'thread'),
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: Number(json.auto_archive_duration ?? 4320),
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === 12 ? { invitable: Boolean(json.invitable ?? true) } : {}),
      },
    };
    this.channels.set(id, thread);
    this.threadMembers.set(id, new Set([BOT_USER.id]));
    this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }
}

/** An attachment as Discord sends it in MESSAGE_CREATE. */
export function discordAttachment(name: string, contentType: string): Json {
  const id = snowflake();
  return {
    id,
    filename: name,
    size: 84_213,
    url: `https://cdn.discordapp.com/attachments/1200000000000000010/${id}/${name}`,
    proxy_url: `https://media.discordapp.net/attachments/1200000000000000010/${id}/${name}`,
    content_type: contentType,
    width: contentType.startsWith('image/') ? 1280 : undefined,
    height: contentType.startsWith('image/') ? 960 : undefined,
  };
}

interface MultipartPart {
  name: string | undefined;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

/** Reads a multipart/form-data body into its parts, bytes untouched. */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      parts.push({
        name: /name="([^"]*)"/.exec(headers)?.[1],
        filename: /filename="([^"]*)"/.exec(headers)?.[1],
        contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(),
        data: Buffer.from(part.subarray(split + 4)),
      });
    }
    start = next;
  }
  return parts;
}
