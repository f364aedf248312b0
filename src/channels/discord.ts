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
  discordStaffActor,
  encodeStaffButton,
  parseStaffCommand,
  STAFF_SLASH_COMMANDS,
  type StaffButton,
  type StaffDesk,
  type StaffSurface,
  staffButtonInput,
  staffCommandFrom,
} from '../handoff/staff-desk.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import { createMemoryChannelLinks } from '../storage/memory/channel-links.ts';
import type { Channel, InboundHandler } from './channel.ts';
import {
  DeliveryProgress,
  type FetchedFile,
  type FetchedFileResult,
  type FileFetcher,
  type Greeter,
  RecentIds,
  sizeText,
} from './delivery.ts';
import { buyerGreeting, languageOfText } from './greeting.ts';
import { OptionButtons } from './option-buttons.ts';
import { DISCORD_TEXT_LIMIT, splitText, withOptionsListed } from './split-text.ts';

/**
 * The Discord channel: buyers in direct messages or in a support channel (each buyer gets a private
 * thread there), agents in a staff channel (a thread per case). It only translates between discord.js
 * and calmdesk's messages; the only file that imports discord.js. Rate limits are the REST manager's
 * job; gateway reconnects and resumes are discord.js's, and a replayed event is handed on once.
 */

export interface DiscordChannelOptions {
  token: string;
  /** REST root for a proxy or the tests' fake, e.g. `http://127.0.0.1:PORT/api` (default Discord's). */
  apiRoot?: string;
  /** The channel where buyers write to get a private support thread. */
  supportChannelId?: string;
  /**
   * The staff channel (a thread per case), the role whose members act as agents, and the role whose
   * members act as supervisors (they decide compensation approvals).
   */
  staff?: { channelId: string; roleId: string; supervisorRoleId?: string };
  onInbound: InboundHandler;
  /** Without a desk the staff channel is not served. */
  desk?: HandoffDesk;
  /**
   * Which buyer owns which support thread, and where each case's thread is, kept across restarts (the
   * store's `channelLinks`). Default: in memory, forgotten on restart.
   */
  links?: ChannelLinkRepo;
  /**
   * Sends the support thread's greeting through the outbox, so it is in the transcript (the lead passes
   * `outbox.send`). Without it the channel sends the greeting itself, unrecorded.
   */
  greet?: Greeter;
  /**
   * Fetches files Discord cannot show from a ref (an agent's Telegram photo) so they are uploaded; the
   * Telegram channel's `fetchFile`. Without it such files are named in a line.
   */
  fetchFile?: FileFetcher;
  /** Largest file uploaded to Discord; a bigger one is named in a line with a note (default 8 MB). */
  maxUploadBytes?: number;
  logger: Logger;
  /** How long `start` waits for the gateway's READY and the guilds (default 30 s). */
  readyTimeoutMs?: number;
  /** Retries of the REST manager for 5xx and network errors before `send` fails (default 3). */
  restRetries?: number;
}

export interface DiscordChannel extends Channel {
  readonly platform: 'discord';
  readonly staffDesk: StaffDesk | null;
}

const Snowflake = z.string().regex(/^\d{15,21}$/, 'a Discord id (snowflake)');
const OptionsSchema = z.object({
  token: z.string().min(1),
  apiRoot: z.url().optional(),
  supportChannelId: Snowflake.optional(),
  staff: z
    .object({ channelId: Snowflake, roleId: Snowflake, supervisorRoleId: Snowflake.optional() })
    .optional(),
  maxUploadBytes: z.number().int().positive().optional(),
});

/** What we read of a message the REST API created. */
const CreatedSchema = z.object({ id: Snowflake });

const PRIVATE_THREAD = 12;
const ONE_WEEK = 10_080;
const BUTTON_LABEL_LIMIT = 80;
const THREAD_NAME_LIMIT = 100;
/** Discord's upload limit for bots in servers without boosts. */
const DEFAULT_MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

type Component = { type: 1; components: { type: 2; style: number; label: string; custom_id: string }[] };

function attachmentsOf(message: Message): Attachment[] {
  return [...message.attachments.values()].map((file) => {
    const mime = file.contentType ?? undefined;
    const kind = mime?.startsWith('image/') ? 'photo' : mime?.startsWith('video/') ? 'video' : 'document';
    return {
      kind,
      ref: file.url,
      ...(file.name ? { name: file.name.slice(0, 256) } : {}),
      ...(mime ? { mime: mime.slice(0, 128) } : {}),
    } satisfies Attachment;
  });
}

const isUrl = (attachment: Attachment) => /^https?:\/\//.test(attachment.ref);

/**
 * A file as a line Discord can show: URLs embed themselves; another platform's file that could not be
 * uploaded is named, with why when it was too big.
 */
function attachmentLine(attachment: Attachment, fetched?: FetchedFileResult): string {
  if (isUrl(attachment)) return attachment.ref;
  const name = attachment.name ? `: ${attachment.name}` : '';
  if (fetched && !fetched.ok && fetched.reason === 'too_big') {
    const size = fetched.size !== undefined ? ` (${sizeText(fetched.size)})` : '';
    return `📎 ${attachment.kind}${name}: too large to forward here${size}; kept with the case`;
  }
  return `📎 ${attachment.kind}${name} (kept with the case)`;
}

function buttonRows(buttons: { label: string; customId: string; primary: boolean }[]): Component[] {
  const rows: Component[] = [];
  // Discord allows 5 buttons in a row and 5 rows in a message.
  for (let i = 0; i < buttons.length && rows.length < 5; i += 5) {
    rows.push({
      type: 1,
      components: buttons.slice(i, i + 5).map((button) => ({
        type: 2,
        style: button.primary ? 1 : 2,
        label: button.label.slice(0, BUTTON_LABEL_LIMIT),
        custom_id: button.customId,
      })),
    });
  }
  return rows;
}

export function createDiscordChannel(options: DiscordChannelOptions): DiscordChannel {
  const checked = OptionsSchema.safeParse(options);
  if (!checked.success) {
    throw new CalmdeskError('CALMDESK_CONFIG_INVALID', `Discord channel: ${z.prettifyError(checked.error)}`);
  }
  const { onInbound, desk, supportChannelId, staff } = options;
  const links = options.links ?? createMemoryChannelLinks();
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  // The caller may have labelled the logger already; a second `channel` key would repeat in every line.
  const logger = options.logger.bindings().channel
    ? options.logger
    : options.logger.child({ channel: 'discord' });
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
  const sendLock = new KeyedLock();
  const optionButtons = new OptionButtons(100);
  const progress = new DeliveryProgress();
  const sendsInFlight = new Set<Promise<unknown>>();
  /** Strangers already logged once per thread, so a chatty one does not flood the log. */
  const strangersSeen = new RecentIds(1_000);
  let started = false;

  function failed(what: string, error: unknown): CalmdeskError {
    const detail =
      error instanceof DiscordAPIError ? `${error.status} ${error.code} ${error.message}` : String(error);
    return new CalmdeskError('CALMDESK_CHANNEL_FAILED', `Discord ${what} failed: ${detail}`, {
      cause: error,
    });
  }

  /** One REST call. 429s are waited out and 5xx retried by discord.js's REST manager; what is left failed. */
  async function rest<T = unknown>(what: string, call: () => Promise<unknown>): Promise<T> {
    try {
      return (await call()) as T;
    } catch (error) {
      throw failed(what, error);
    }
  }

  async function postMessage(channelId: string, body: Record<string, unknown>): Promise<string> {
    const created = await rest('create message', () =>
      client.rest.post(Routes.channelMessages(channelId), {
        body: { allowed_mentions: { parse: [] }, ...body },
      }),
    );
    return CreatedSchema.parse(created).id;
  }

  // ---- outbound -----------------------------------------------------------------------------------

  function optionComponents(replyOptions: readonly ReplyOption[] | undefined): Component[] {
    return buttonRows(
      (replyOptions ?? []).map((option) => ({
        label: option.label,
        customId: optionButtons.encode(option.value),
        primary: true,
      })),
    );
  }

  function staffComponents(buttons: readonly StaffButton[]): Component[] {
    return buttonRows(
      buttons.map((button) => ({
        label: button.label,
        customId: encodeStaffButton(button.action, button.id),
        primary: button.action === 'claim',
      })),
    );
  }

  /** Another platform's file, fetched for an upload when it can be; never throws. */
  async function fetched(attachment: Attachment): Promise<FetchedFileResult> {
    if (isUrl(attachment) || !options.fetchFile) return { ok: false, reason: 'not_mine' };
    return options.fetchFile(attachment, maxUploadBytes);
  }

  async function upload(target: string, file: FetchedFile): Promise<string> {
    const created = await rest('upload file', () =>
      client.rest.post(Routes.channelMessages(target), {
        body: { allowed_mentions: { parse: [] } },
        files: [{ name: file.name, data: file.data, ...(file.mime ? { contentType: file.mime } : {}) }],
      }),
    );
    return CreatedSchema.parse(created).id;
  }

  /** One file as one message: uploaded when its bytes could be fetched, else its line. */
  async function postAttachment(target: string, attachment: Attachment): Promise<void> {
    const result = await fetched(attachment);
    if (result.ok) await upload(target, result.file);
    else await postMessage(target, { content: attachmentLine(attachment, result) });
  }

  /**
   * Sends text parts (buttons on the last), then each file, one REST call each, resuming after a
   * failure where it stopped.
   */
  async function deliver(
    target: string,
    text: string,
    attachments: readonly Attachment[],
    components: Component[],
  ) {
    const parts = splitText(text, DISCORD_TEXT_LIMIT);
    const total = parts.length + attachments.length;
    const key = DeliveryProgress.key(target, parts, attachments);
    for (let index = progress.start(key); index < total; index++) {
      try {
        const content = parts[index];
        if (content !== undefined) {
          const body =
            index === parts.length - 1 && components.length > 0 ? { content, components } : { content };
          await postMessage(target, body);
        } else {
          await postAttachment(target, attachments[index - parts.length] as Attachment);
        }
      } catch (error) {
        progress.stoppedAt(key, index);
        throw error;
      }
    }
    progress.finished(key);
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
    if (parts?.platform !== 'discord') {
      throw new CalmdeskError(
        'CALMDESK_BAD_CONVERSATION_ID',
        `not a Discord conversation: ${message.conversationId}`,
      );
    }
    const target = parts.thread ?? parts.chat;
    const body =
      message.from === 'agent' && message.agentName
        ? `**${message.agentName}**: ${message.text}`
        : message.text;
    const text = withOptionsListed(body, message.options);
    await track(
      sendLock.run(target, () =>
        deliver(target, text, message.attachments ?? [], optionComponents(message.options)),
      ),
    );
  }

  // ---- inbound: buyers ----------------------------------------------------------------------------

  async function handOn(message: InboundMessage): Promise<void> {
    try {
      await onInbound(message);
    } catch (error) {
      logger.error({ err: error, id: message.id }, 'inbound handler failed');
    }
  }

  function buyerName(message: Message): string {
    return message.member?.displayName ?? message.author.globalName ?? message.author.username;
  }

  function inbound(message: Message, conversation: string): InboundMessage {
    return {
      id: message.id,
      platform: 'discord',
      conversationId: conversation,
      author: { id: `discord:${message.author.id}`, name: buyerName(message), role: 'buyer' },
      text: message.content,
      attachments: attachmentsOf(message),
      receivedAt: message.createdAt,
    };
  }

  /** The buyer's private thread under the support channel, opened (and greeted) on their first message. */
  async function supportThread(message: Message, support: string): Promise<string> {
    const known = await links.threadOfBuyer('discord', message.author.id);
    if (known) return known.thread_id;
    const name = `Support · ${buyerName(message)}`.slice(0, THREAD_NAME_LIMIT);
    const created = await rest('create thread', () =>
      client.rest.post(Routes.threads(support), {
        body: { name, type: PRIVATE_THREAD, invitable: false, auto_archive_duration: ONE_WEEK },
      }),
    );
    // Linked before the buyer can see it: nobody else can ever be taken for its buyer.
    const { link } = await links.linkBuyerThread(
      'discord',
      message.author.id,
      CreatedSchema.parse(created).id,
      new Date(),
    );
    const thread = link.thread_id;
    await rest('add thread member', () => client.rest.put(Routes.threadMembers(thread, message.author.id)));
    const language = languageOfText(message.content);
    const greeting: OutboundMessage = {
      conversationId: conversationId('discord', support, thread),
      from: 'bot',
      text: buyerGreeting(language),
    };
    await (options.greet ?? send)(greeting).catch((error: unknown) =>
      logger.error({ err: error, thread }, 'greeting not delivered'),
    );
    const pointer =
      language === 'zh'
        ? `<@${message.author.id}> 已为您开了一个私密对话：<#${thread}>`
        : `<@${message.author.id}> I've opened a private thread for you: <#${thread}>`;
    await postMessage(support, {
      content: pointer,
      allowed_mentions: { users: [message.author.id] },
      message_reference: { message_id: message.id, fail_if_not_exists: false },
    }).catch((error: unknown) => logger.warn({ err: error }, 'support channel pointer not posted'));
    return thread;
  }

  async function onBuyerInSupport(message: Message, support: string): Promise<void> {
    if (!message.content.trim() && message.attachments.size === 0) return;
    const thread = await supportThread(message, support);
    await handOn(inbound(message, conversationId('discord', support, thread)));
  }

  /**
   * Whether `userId` is the buyer of a support thread. A thread's buyer is fixed once; a thread calmdesk
   * opened before it kept links goes to the first buyer who writes in it (and has no thread yet).
   */
  async function isThreadBuyer(thread: { id: string; ownerId: string | null }, userId: string) {
    const link =
      (await links.buyerOfThread('discord', thread.id)) ??
      (thread.ownerId && thread.ownerId === client.user?.id
        ? (await links.linkBuyerThread('discord', userId, thread.id, new Date())).link
        : null);
    if (link?.thread_id === thread.id && link.buyer_id === userId) return true;
    if (strangersSeen.add(`${thread.id}:${userId}`)) {
      logger.info(
        { threadId: thread.id, userId, buyerId: link?.thread_id === thread.id ? link.buyer_id : null },
        'someone who is not the thread’s buyer wrote in a support thread; not relayed',
      );
    }
    return false;
  }

  // ---- inbound: staff -----------------------------------------------------------------------------

  const staffSurface: StaffSurface = {
    via: 'discord',
    titleLimit: THREAD_NAME_LIMIT,
    async openCase(_record, card) {
      const channel = staff?.channelId as string;
      const cardId = await postMessage(channel, {
        content: cardContent(card),
        components: staffComponents(card.buttons),
      });
      // A thread started from a message takes the message's id: the card is always findable from its thread.
      await rest('start thread', () =>
        client.rest.post(Routes.threads(channel, cardId), {
          body: { name: card.title, auto_archive_duration: ONE_WEEK },
        }),
      );
      return { place: `thread:${cardId}`, cardId };
    },
    async post(place, text, attachments = [], buttons = []) {
      const thread = place.slice('thread:'.length);
      const results = await Promise.all(attachments.map(fetched));
      const lines = attachments.flatMap((attachment, i) => {
        const result = results[i];
        return result?.ok ? [] : [attachmentLine(attachment, result)];
      });
      const parts = splitText([text, ...lines].join('\n'), DISCORD_TEXT_LIMIT);
      const components = staffComponents(buttons);
      for (const [i, content] of parts.entries()) {
        const last = i === parts.length - 1;
        await postMessage(thread, last && components.length > 0 ? { content, components } : { content });
      }
      for (const result of results) if (result.ok) await upload(thread, result.file);
      // Every message in a thread shows its place.
      return [];
    },
    async updateCard(place, cardId, card) {
      await rest('edit card', () =>
        client.rest.patch(Routes.channelMessage(staff?.channelId as string, cardId), {
          body: { content: cardContent(card), components: staffComponents(card.buttons) },
        }),
      ).catch((error: unknown) => logger.debug({ err: error, place }, 'case card not edited'));
    },
  };

  function cardContent(card: CaseCard): string {
    return splitText(card.text, DISCORD_TEXT_LIMIT)[0] ?? card.title;
  }

  const staffDesk: StaffDesk | null =
    staff && desk ? createStaffDesk({ desk, surface: staffSurface, links, logger }) : null;

  function roleIdsOf(member: unknown): string[] {
    const roles = (member as { roles?: unknown } | null)?.roles;
    if (Array.isArray(roles)) return roles.map(String);
    const cache = (roles as { cache?: Map<string, unknown> } | undefined)?.cache;
    return cache ? [...cache.keys()] : [];
  }

  function staffActor(user: { id: string; globalName: string | null; username: string }, member: unknown) {
    const name = (member as { displayName?: string } | null)?.displayName ?? user.globalName ?? user.username;
    return discordStaffActor(
      { id: user.id, name, roleIds: roleIdsOf(member) },
      { agentRoleId: staff?.roleId, supervisorRoleId: staff?.supervisorRoleId },
    );
  }

  function isStaffMember(member: unknown): boolean {
    const roles = roleIdsOf(member);
    return Boolean(
      staff &&
        (roles.includes(staff.roleId) || (staff.supervisorRoleId && roles.includes(staff.supervisorRoleId))),
    );
  }

  async function onStaffMessage(
    message: Message,
    place: string | undefined,
    contextText: string | undefined,
  ) {
    if (!staffDesk) return;
    const answer = await staffDesk.handle({
      actor: staffActor(message.author, message.member),
      command: parseStaffCommand(message.content, attachmentsOf(message)),
      // A case's thread was started from its card, so both have the same id.
      ...(place ? { place, cardId: place.slice('thread:'.length) } : {}),
      ...(contextText ? { contextText } : {}),
    });
    if (!answer) return;
    await postMessage(message.channelId, {
      content: answer.text.slice(0, DISCORD_TEXT_LIMIT),
      message_reference: { message_id: message.id, fail_if_not_exists: false },
    }).catch((error: unknown) => logger.warn({ err: error }, 'staff answer not delivered'));
  }

  // ---- routing ------------------------------------------------------------------------------------

  async function route(message: Message): Promise<void> {
    if (!message.inGuild()) {
      if (!message.content.trim() && message.attachments.size === 0) return;
      return handOn(inbound(message, conversationId('discord', message.channelId)));
    }
    const channel = message.channel;
    // Staff who look into the support channel or a buyer's thread are not buyers.
    const isStaff = isStaffMember(message.member);
    if (channel.isThread()) {
      if (staff && channel.parentId === staff.channelId) {
        return onStaffMessage(message, `thread:${channel.id}`, channel.name);
      }
      if (supportChannelId && channel.parentId === supportChannelId) {
        if (isStaff) return;
        if (!message.content.trim() && message.attachments.size === 0) return;
        // Only the buyer speaks for the buyer; others in the thread (moderators) are not relayed.
        if (!(await isThreadBuyer(channel, message.author.id))) return;
        return handOn(inbound(message, conversationId('discord', supportChannelId, channel.id)));
      }
      return;
    }
    if (supportChannelId && message.channelId === supportChannelId && !isStaff)
      return onBuyerInSupport(message, supportChannelId);
    if (staff && message.channelId === staff.channelId) {
      // In the staff channel itself, a reply to a case card is about that card's case.
      const replied = message.reference?.messageId;
      return onStaffMessage(message, replied ? `thread:${replied}` : undefined, undefined);
    }
  }

  function onMessage(message: Message): void {
    if (message.author.bot || message.system) return;
    // A RESUME replays what the gateway thinks we missed; each message is handed on once.
    if (!recent.add(message.id)) return;
    void inboundLock.run(message.channelId, () =>
      route(message).catch((error: unknown) =>
        logger.error({ err: error, id: message.id }, 'message handling failed'),
      ),
    );
  }

  function conversationOf(channelId: string, parentId: string | null): string | null {
    if (parentId && parentId === supportChannelId) return conversationId('discord', parentId, channelId);
    if (!parentId) return conversationId('discord', channelId);
    return null;
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const staffButton = decodeStaffButton(interaction.customId);
    await interaction.deferUpdate();
    if (staffButton) {
      if (!staffDesk) return;
      const input = staffButtonInput(staffButton);
      const channel = interaction.channel;
      const inCaseThread = Boolean(channel?.isThread() && staff && channel.parentId === staff.channelId);
      // A card's button sits on the card, whose id is its thread's; an approval's sits in the thread.
      const place = input.caseId
        ? `thread:${interaction.message.id}`
        : inCaseThread
          ? `thread:${interaction.channelId}`
          : undefined;
      const answer = await staffDesk.handle({
        actor: staffActor(interaction.user, interaction.member),
        ...input,
        ...(place ? { place } : {}),
        ...(input.caseId ? { cardId: interaction.message.id } : {}),
      });
      if (answer) await interaction.followUp({ content: answer.text, flags: MessageFlags.Ephemeral });
      return;
    }
    const value = optionButtons.decode(interaction.customId);
    if (value === null) {
      await interaction.followUp({
        content: 'This button has expired: please type your answer.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const channel = interaction.channel;
    const inDm = !interaction.inGuild();
    const parentId = channel && 'parentId' in channel && channel.isThread() ? channel.parentId : null;
    const conversation = inDm
      ? conversationId('discord', interaction.channelId)
      : conversationOf(interaction.channelId, parentId);
    if (!conversation || (!inDm && !parentId)) return;
    const user = interaction.user;
    if (channel?.isThread() && parentId === supportChannelId && !(await isThreadBuyer(channel, user.id))) {
      await interaction.followUp({
        content: 'These buttons are for the buyer of this thread.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await handOn({
      id: interaction.id,
      platform: 'discord',
      conversationId: conversation,
      author: { id: `discord:${user.id}`, name: user.globalName ?? user.username, role: 'buyer' },
      text: value,
      attachments: [],
      receivedAt: interaction.createdAt,
    });
  }

  async function onSlashCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (!staffDesk) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const channel = interaction.channel;
    const inCaseThread = Boolean(channel?.isThread() && staff && channel.parentId === staff.channelId);
    const values = Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value]));
    const answer = await staffDesk.handle({
      actor: staffActor(interaction.user, interaction.member),
      command: staffCommandFrom(interaction.commandName, values),
      ...(inCaseThread ? { place: `thread:${interaction.channelId}`, cardId: interaction.channelId } : {}),
      ...(channel && 'name' in channel && channel.name ? { contextText: channel.name } : {}),
    });
    await interaction.editReply({ content: answer?.text ?? '✓ Done.' });
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
    const body = STAFF_SLASH_COMMANDS.map((command) => ({
      name: command.name,
      description: command.description,
      type: 1,
      options: command.options.map((option) => ({
        type: option.type === 'number' ? 10 : 3,
        name: option.name,
        description: option.description,
        required: option.required,
        ...(option.choices
          ? { choices: option.choices.map((choice) => ({ name: choice, value: choice })) }
          : {}),
      })),
    }));
    await rest('register commands', () =>
      client.rest.put(Routes.applicationGuildCommands(applicationId, guildId), { body }),
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
      await Promise.allSettled([...sendsInFlight]);
      await client.destroy();
    },
    send,
  };
}
