import { once } from 'node:events';
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Options,
  Partials,
  Routes,
} from 'discord.js';
import { z } from 'zod';
import { CalmdeskError } from '../core/errors.ts';
import { KeyedLock } from '../core/keyed-lock.ts';
import { createMemoryChannelLinks } from '../storage/memory/channel-links.ts';
import { RecentIds } from './delivery.ts';
import type { DiscordApi } from './discord-api.ts';
import { createDiscordInbound } from './discord-inbound.ts';
import {
  type DiscordChannel,
  type DiscordChannelOptions,
  DiscordOptionsSchema,
  Snowflake,
} from './discord-options.ts';
import { createDiscordSender } from './discord-outbound.ts';
import {
  attachmentOf,
  type DiscordCommand,
  type DiscordPerson,
  type DiscordPost,
  type DiscordPress,
  type DiscordThread,
} from './discord-payloads.ts';
import { createDiscordStaff, discordSlashCommands } from './discord-staff.ts';
import { createSupportThreads } from './discord-threads.ts';
import { OptionButtons } from './option-buttons.ts';
import { channelLogger, checkChannelOptions } from './platform-shared.ts';

/** The channel's types, importable from here as before the split. */
export type { DiscordChannel, DiscordChannelOptions } from './discord-options.ts';

/**
 * The Discord channel: buyers in direct messages or in a support channel (each buyer gets a private
 * thread there, discord-threads.ts), agents in a staff channel (a thread per case, discord-staff.ts). It
 * only translates between discord.js and calmdesk's messages; the only file that imports discord.js: it
 * makes the REST calls, reads messages and interactions into plain data (discord-payloads.ts) and puts the
 * parts together. Rate limits are the REST manager's job; gateway reconnects and resumes are discord.js's,
 * and a replayed event is handed on once.
 */

/** What we read of a message the REST API created. */
const CreatedSchema = z.object({ id: Snowflake });

const PRIVATE_THREAD = 12;
const ONE_WEEK = 10_080;
/** Discord's upload limit for bots in servers without boosts. */
const DEFAULT_MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/** Role ids of a member, whether discord.js gave a cached GuildMember or the API's raw member. */
function roleIdsOf(member: unknown): string[] {
  const roles = (member as { roles?: unknown } | null)?.roles;
  if (Array.isArray(roles)) return roles.map(String);
  const cache = (roles as { cache?: Map<string, unknown> } | undefined)?.cache;
  return cache ? [...cache.keys()] : [];
}

function personOf(
  user: { id: string; globalName: string | null; username: string },
  member: unknown,
): DiscordPerson {
  const name = (member as { displayName?: string } | null)?.displayName ?? user.globalName ?? user.username;
  return { id: user.id, name, roleIds: roleIdsOf(member) };
}

function threadOf(channel: Message['channel'] | Interaction['channel']): DiscordThread | null {
  return channel?.isThread()
    ? { id: channel.id, parentId: channel.parentId, name: channel.name, ownerId: channel.ownerId }
    : null;
}

function postOf(message: Message): DiscordPost {
  return {
    id: message.id,
    content: message.content,
    author: personOf(message.author, message.member),
    inGuild: message.inGuild(),
    channelId: message.channelId,
    thread: threadOf(message.channel),
    replyToId: message.reference?.messageId,
    attachments: [...message.attachments.values()].map(attachmentOf),
    createdAt: message.createdAt,
  };
}

function pressOf(interaction: ButtonInteraction): DiscordPress {
  return {
    id: interaction.id,
    customId: interaction.customId,
    user: personOf(interaction.user, interaction.member),
    userName: interaction.user.globalName ?? interaction.user.username,
    inGuild: interaction.inGuild(),
    channelId: interaction.channelId,
    thread: threadOf(interaction.channel),
    messageId: interaction.message.id,
    createdAt: interaction.createdAt,
  };
}

function commandOf(interaction: ChatInputCommandInteraction): DiscordCommand {
  const channel = interaction.channel;
  return {
    name: interaction.commandName,
    values: Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value])),
    user: personOf(interaction.user, interaction.member),
    channelId: interaction.channelId,
    thread: threadOf(channel),
    channelName: channel && 'name' in channel && channel.name ? channel.name : undefined,
  };
}

/** The Discord channel (see the file's opening comment). */
export function createDiscordChannel(options: DiscordChannelOptions): DiscordChannel {
  checkChannelOptions(DiscordOptionsSchema, options, 'Discord');
  const { staff } = options;
  const links = options.links ?? createMemoryChannelLinks();
  const logger = channelLogger(options.logger, 'discord');
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    // DM channels are never announced by the gateway; without this partial their messages are dropped.
    partials: [Partials.Channel],
    rest: { ...(options.apiRoot ? { api: options.apiRoot } : {}), retries: options.restRetries ?? 3 },
    allowedMentions: { parse: [] },
    // Messages are handed on and forgotten; keeping 200 per DM channel would only grow with every buyer.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
  const recent = new RecentIds();
  const inboundLock = new KeyedLock();
  let started = false;

  // ---- REST calls ---------------------------------------------------------------------------------

  function failed(what: string, error: unknown): CalmdeskError {
    const detail =
      error instanceof DiscordAPIError ? `${error.status} ${error.code} ${error.message}` : String(error);
    return new CalmdeskError('CALMDESK_CHANNEL_FAILED', `Discord ${what} failed: ${detail}`, {
      cause: error,
    });
  }

  /** One REST call. 429s are waited out and 5xx retried by discord.js's REST manager; what is left failed. */
  async function rest(what: string, call: () => Promise<unknown>): Promise<unknown> {
    try {
      return await call();
    } catch (error) {
      throw failed(what, error);
    }
  }

  const api: DiscordApi = {
    async postMessage(channelId, body) {
      const created = await rest('create message', () =>
        client.rest.post(Routes.channelMessages(channelId), {
          body: { allowed_mentions: { parse: [] }, ...body },
        }),
      );
      return CreatedSchema.parse(created).id;
    },
    async upload(channelId, file) {
      const created = await rest('upload file', () =>
        client.rest.post(Routes.channelMessages(channelId), {
          body: { allowed_mentions: { parse: [] } },
          files: [{ name: file.name, data: file.data, ...(file.mime ? { contentType: file.mime } : {}) }],
        }),
      );
      return CreatedSchema.parse(created).id;
    },
    async createPrivateThread(channelId, name) {
      const created = await rest('create thread', () =>
        client.rest.post(Routes.threads(channelId), {
          body: { name, type: PRIVATE_THREAD, invitable: false, auto_archive_duration: ONE_WEEK },
        }),
      );
      return CreatedSchema.parse(created).id;
    },
    async addThreadMember(threadId, userId) {
      await rest('add thread member', () => client.rest.put(Routes.threadMembers(threadId, userId)));
    },
    async startThread(channelId, messageId, name) {
      await rest('start thread', () =>
        client.rest.post(Routes.threads(channelId, messageId), {
          body: { name, auto_archive_duration: ONE_WEEK },
        }),
      );
    },
    async editCard(channelId, messageId, body) {
      await rest('edit card', () => client.rest.patch(Routes.channelMessage(channelId, messageId), { body }));
    },
  };

  // ---- the parts ----------------------------------------------------------------------------------

  const optionButtons = new OptionButtons(100);
  const sender = createDiscordSender({
    api,
    optionButtons,
    fetchFile: options.fetchFile,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  });
  const staffHandler = staff
    ? createDiscordStaff({ api, staff, desk: options.desk, links, fetched: sender.fetched, logger })
    : null;
  const staffDesk = staffHandler?.staffDesk ?? null;
  const inbound = createDiscordInbound({
    onInbound: options.onInbound,
    supportChannelId: options.supportChannelId,
    staff: staff && staffHandler ? { channelId: staff.channelId, handler: staffHandler } : null,
    threads: createSupportThreads({
      api,
      links,
      botUserId: () => client.user?.id,
      greet: options.greet ?? sender.send,
      logger,
    }),
    optionButtons,
    logger,
  });

  // ---- gateway events -----------------------------------------------------------------------------

  function onMessage(message: Message): void {
    if (message.author.bot || message.system) return;
    // A RESUME replays what the gateway thinks we missed; each message is handed on once.
    if (!recent.add(message.id)) return;
    void inboundLock.run(message.channelId, () =>
      inbound
        .route(postOf(message))
        .catch((error: unknown) => logger.error({ err: error, id: message.id }, 'message handling failed')),
    );
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    await interaction.deferUpdate();
    await inbound.onButton(pressOf(interaction), (content) =>
      interaction.followUp({ content, flags: MessageFlags.Ephemeral }),
    );
  }

  async function onSlashCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (!staffHandler || !staffDesk) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const answer = await staffHandler.onCommand(commandOf(interaction));
    await interaction.editReply({ content: answer ?? '✓ Done.' });
  }

  function onInteraction(interaction: Interaction): void {
    if (!recent.add(interaction.id)) return;
    const key = interaction.channelId ?? interaction.id;
    const task = async () => {
      if (interaction.isButton()) return onButton(interaction);
      if (interaction.isChatInputCommand()) return onSlashCommand(interaction);
    };
    void inboundLock.run(key, () =>
      task().catch((error: unknown) =>
        logger.error({ err: error, id: interaction.id }, 'interaction handling failed'),
      ),
    );
  }

  async function registerSlashCommands(): Promise<void> {
    if (!staff || !staffDesk) return;
    const channel = client.channels.cache.get(staff.channelId);
    const guildId = channel && 'guildId' in channel ? channel.guildId : null;
    const applicationId = client.application?.id;
    if (!guildId || !applicationId) {
      logger.warn(
        { staffChannelId: staff.channelId },
        'staff channel not visible to the bot; slash commands not registered',
      );
      return;
    }
    await rest('register commands', () =>
      client.rest.put(Routes.applicationGuildCommands(applicationId, guildId), {
        body: discordSlashCommands(),
      }),
    ).catch((error: unknown) =>
      logger.warn(
        { err: error },
        'slash commands not registered; buttons and /commands typed in threads still work',
      ),
    );
  }

  client.on(Events.MessageCreate, onMessage);
  client.on(Events.InteractionCreate, onInteraction);
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event) => logger.warn({ code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, () => logger.info('gateway reconnecting'));
  client.on(Events.ShardResume, (_shard, replayed) => logger.info({ replayed }, 'gateway session resumed'));

  return {
    platform: 'discord',
    staffDesk,
    async start() {
      if (started) return;
      const timeoutMs = options.readyTimeoutMs ?? 30_000;
      const abort = new AbortController();
      const ready = once(client, Events.ClientReady, { signal: abort.signal });
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        await client.login(options.token);
        await ready;
      } catch (error) {
        abort.abort();
        await client.destroy().catch(() => undefined);
        throw failed(abort.signal.aborted ? `ready within ${timeoutMs} ms` : 'login', error);
      } finally {
        clearTimeout(timer);
      }
      logger.info({ bot: client.user?.tag }, 'Discord bot connected');
      await registerSlashCommands();
      staffDesk?.start();
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await staffDesk?.stop();
      await inboundLock.drain();
      await sender.settle();
      await client.destroy();
    },
    send: sender.send,
  };
}
