import type { Bot } from '../app.ts';
import type { OutboundMessage } from '../core/messages.ts';
import type { InboundHandler } from './channel.ts';
import type { FileFetcher } from './delivery.ts';

/**
 * Adds the chat-app channels the configuration asks for. A platform without a token is simply not
 * started, with one log line saying so; a platform that fails later never stops the others.
 */
export async function startPlatforms(bot: Bot): Promise<void> {
  const { config, logger, desk } = bot;
  const onInbound: InboundHandler = async (message) => {
    await bot.pipeline.handleInbound(message);
  };
  // Greetings go through the outbox like every reply, so the transcript has them; the links keep
  // buyer threads and case places across restarts.
  const greet = (message: OutboundMessage) => bot.outbox.send(message);
  const links = bot.store.channelLinks;
  let fetchFile: FileFetcher | undefined;

  const telegram = config.telegram;
  if (!telegram) {
    logger.info('telegram: not started (no CALMDESK_TELEGRAM_TOKEN)');
  } else {
    // Loaded only when configured: the platform SDKs are most of calmdesk's start-up time.
    const { createTelegramChannel } = await import('./telegram.ts');
    const channel = createTelegramChannel({
      token: telegram.token,
      mode: telegram.mode,
      ...(telegram.mode === 'webhook' && telegram.webhookUrl && telegram.webhookSecret
        ? { webhook: { url: telegram.webhookUrl, secret: telegram.webhookSecret } }
        : {}),
      ...(telegram.apiRoot ? { apiRoot: telegram.apiRoot } : {}),
      ...(telegram.staffGroupId
        ? {
            staff: {
              groupId: telegram.staffGroupId,
              userIds: telegram.staffUserIds,
              supervisorUserIds: telegram.supervisorUserIds,
            },
          }
        : {}),
      onInbound,
      desk,
      ...(links ? { links } : {}),
      greet,
      logger: logger.child({ channel: 'telegram' }),
    });
    bot.addChannel(channel);
    // An agent's Telegram photo reaches a Discord buyer as an upload.
    fetchFile = (attachment, maxBytes) => channel.fetchFile(attachment, maxBytes);
    const webhook = channel.webhook;
    if (webhook) {
      bot.addRoutes((app) => {
        // Hijacked in onRequest: the secret-token header is checked before a byte of the body is parsed.
        app.route({
          method: 'POST',
          url: webhook.path,
          onRequest: (request, reply, done) => {
            reply.hijack();
            webhook.handleRequest(request.raw, reply.raw);
            done();
          },
          handler: async () => undefined,
        });
      });
    }
    logger.info({ mode: telegram.mode, staff: Boolean(telegram.staffGroupId) }, 'telegram: configured');
  }

  const discord = config.discord;
  if (!discord) {
    logger.info('discord: not started (no CALMDESK_DISCORD_TOKEN)');
  } else {
    const { createDiscordChannel } = await import('./discord.ts');
    const channel = createDiscordChannel({
      token: discord.token,
      ...(discord.apiRoot ? { apiRoot: discord.apiRoot } : {}),
      ...(discord.supportChannelId ? { supportChannelId: discord.supportChannelId } : {}),
      ...(discord.staffChannelId && discord.staffRoleId
        ? {
            staff: {
              channelId: discord.staffChannelId,
              roleId: discord.staffRoleId,
              ...(discord.supervisorRoleId ? { supervisorRoleId: discord.supervisorRoleId } : {}),
            },
          }
        : {}),
      onInbound,
      desk,
      ...(links ? { links } : {}),
      greet,
      ...(fetchFile ? { fetchFile } : {}),
      logger: logger.child({ channel: 'discord' }),
    });
    bot.addChannel(channel);
    logger.info({ staff: Boolean(discord.staffChannelId) }, 'discord: configured');
  }
}
