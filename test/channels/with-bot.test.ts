import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/app.ts';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord.ts';
import { startPlatforms } from '../../src/channels/platforms.ts';
import { createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage, OutboundMessage } from '../../src/core/messages.ts';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { buyerPhoto, buyerText, FakeTelegram, staffText, waitFor } from '../helpers/fake-telegram.ts';
import { testNlu } from '../helpers/test-bot.ts';
import { webAgent } from './desk-fixture.ts';

/**
 * The whole bot (the lead's createBot: real NLU, dialogue, policy, pipeline, outbox and desk) behind
 * both platform channels, each against its fake platform. The bot's wording belongs to the dialogue;
 * these tests check what the channels promise: every buyer message is answered once, in the buyer's
 * chat, and a person can take the conversation over from a staff desk.
 */

const group = -1_001_234_567_890;
const alice = { id: 1_111_111_111, firstName: 'Alice' };
const mei = { id: 5_123_456_789, firstName: 'Mei', languageCode: 'zh-hans' };

describe('calmdesk on Telegram and Discord', () => {
  let bot: Bot;
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let telegramChannel: TelegramChannel;
  let discordChannel: DiscordChannel;

  function telegramOptions() {
    return {
      token: telegram.token,
      mode: 'polling' as const,
      apiRoot: telegram.apiRoot,
      staff: { groupId: group, userIds: [alice.id] },
      desk: bot.desk,
      ...(bot.store.channelLinks ? { links: bot.store.channelLinks } : {}),
      greet: (message: OutboundMessage) => bot.outbox.send(message),
      onInbound: async (message: InboundMessage) => {
        await bot.pipeline.handleInbound(message);
      },
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      backoffMs: 20,
      albumWindowMs: 50,
    };
  }

  beforeAll(async () => {
    telegram = await FakeTelegram.start({
      chats: [{ id: group, type: 'supergroup', title: 'Shop staff', is_forum: true }],
    });
    discord = await FakeDiscord.start();
    bot = await createBot({
      config: { store: 'memory', logLevel: 'silent' },
      orders: new MemoryOrderSource([]),
      nlu: await testNlu(),
      logger: silentLogger,
    });
    telegramChannel = createTelegramChannel(telegramOptions());
    discordChannel = createDiscordChannel({
      token: discord.token,
      apiRoot: discord.apiRoot,
      supportChannelId: discord.supportChannelId,
      ...(bot.store.channelLinks ? { links: bot.store.channelLinks } : {}),
      greet: (message) => bot.outbox.send(message),
      onInbound: async (message) => {
        await bot.pipeline.handleInbound(message);
      },
      logger: silentLogger,
      readyTimeoutMs: 10_000,
    });
    bot.addChannel(telegramChannel);
    bot.addChannel(discordChannel);
    await Promise.all([telegramChannel.start(), discordChannel.start()]);
  }, 60_000);

  afterAll(async () => {
    await telegramChannel.stop();
    await discordChannel.stop();
    await bot.stop();
    await telegram.close();
    await discord.close();
  });

  it('answers a Telegram buyer in their chat, once per message, even when Telegram repeats an update', async () => {
    const first = telegram.pushUpdate(buyerText(mei, '你好，我的杯子收到的时候就碎了'));
    await waitFor(() => telegram.sent(mei.id).length > 0, 10_000);
    const answered = telegram.sent(mei.id).length;
    expect(answered).toBeGreaterThan(0);
    // After a restart the channel forgets what it saw; the pipeline's dedupe still answers once.
    await telegramChannel.stop();
    telegramChannel = createTelegramChannel(telegramOptions());
    bot.addChannel(telegramChannel);
    await telegramChannel.start();
    telegram.pushUpdate(first);
    const next = telegram.pushUpdate(buyerPhoto(mei, '这是照片'));
    await waitFor(() => telegram.confirmedOffset > Number(next.update_id), 10_000);
    await waitFor(() => telegram.sent(mei.id).length > answered, 10_000);
    const log = await bot.store.events.list(`telegram:${mei.id}`, { types: ['message_received'] });
    expect(log.map((e) => e.data.text)).toEqual(['你好，我的杯子收到的时候就碎了', '这是照片']);
  });

  it('records the /start greeting in the transcript, like every reply', async () => {
    const lee = { id: 1_222_333_444, firstName: 'Lee', languageCode: 'en' };
    telegram.pushUpdate(buyerText(lee, '/start'));
    await waitFor(() => telegram.sent(lee.id).length === 1, 10_000);
    const log = await bot.store.events.list(`telegram:${lee.id}`);
    expect(log.map((e) => e.type)).toEqual(['reply_sent']);
    expect(log[0]?.data.text).toBe(telegram.sent(lee.id)[0]?.params.text);
    expect(String(log[0]?.data.text)).toMatch(/^Hi, and welcome/);
  });

  it('lets an agent take a Telegram buyer over from the staff group', async () => {
    telegram.pushUpdate(buyerText(mei, '转人工客服'));
    const topic = await waitFor(() => telegram.callsOf('createForumTopic')[0], 10_000);
    const card = await waitFor(() => telegram.sent(group)[0]);
    const threadId = Number(card.params.message_thread_id);
    const open = await bot.desk.held(`telegram:${mei.id}`);
    expect(String(topic.params.name)).toContain(`case ${open?.id}`);
    telegram.pushUpdate(
      staffText(group, alice, '/claim', { threadId, topicName: String(topic.params.name) }),
    );
    await waitFor(() =>
      telegram.sent(group).some((c) => c.params.text === '🙋 Alice (telegram) claimed the case.'),
    );
    const before = telegram.sent(mei.id).length;
    telegram.pushUpdate(
      staffText(group, alice, '您好，我是客服 Alice。', { threadId, topicName: String(topic.params.name) }),
    );
    await waitFor(() => telegram.sent(mei.id).length > before);
    expect(telegram.sent(mei.id).at(-1)?.params.text).toBe('Alice: 您好，我是客服 Alice。');
    // The buyer's next words go to Alice, and the bot stays quiet.
    telegram.pushUpdate(buyerText(mei, '好的，谢谢'));
    await waitFor(() => telegram.sent(group).some((c) => c.params.text === '👤 Mei: 好的，谢谢'));
    expect(telegram.sent(mei.id).length).toBe(before + 1);
  });

  it('answers a Discord buyer in a direct message and in their private support thread', async () => {
    const sam = { id: '1500000000000000001', username: 'sam_example', global_name: 'Sam' };
    const dm = String(discord.directMessage(sam, 'Hi, my parcel has not arrived yet').channel_id);
    await waitFor(() => discord.botMessages(dm).length > 0, 10_000);
    discord.userMessage(discord.supportChannelId, sam, 'the lamp I ordered arrived broken');
    const [thread] = await waitFor(
      () =>
        discord.threadsOf(discord.supportChannelId).length === 1 &&
        discord.threadsOf(discord.supportChannelId),
    );
    // The greeting, then the bot's answer.
    await waitFor(() => discord.botMessages(String(thread?.id)).length >= 2, 10_000);
    const conversations = (await bot.store.conversations.list()).map((c) => c.id);
    expect(conversations).toContain(`discord:${dm}`);
    const threadConversation = `discord:${discord.supportChannelId}:${thread?.id}`;
    expect(conversations).toContain(threadConversation);
    // The thread's greeting is the first line of its transcript, before the buyer's own words.
    const log = await bot.store.events.list(threadConversation, {
      types: ['message_received', 'reply_sent'],
    });
    expect(log.slice(0, 2).map((e) => e.type)).toEqual(['reply_sent', 'message_received']);
    expect(log[0]?.data.text).toBe(discord.botMessages(String(thread?.id))[0]?.content);
  });
});

describe('calmdesk start: the platforms wired from the configuration', () => {
  let bot: Bot;
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  const kai = { id: '1500000000000000007', username: 'kai_example', global_name: 'Kai' };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    discord = await FakeDiscord.start();
    bot = await createBot({
      config: {
        store: 'memory',
        logLevel: 'silent',
        host: '127.0.0.1',
        port: 0,
        telegram: {
          token: telegram.token,
          mode: 'polling',
          webhookUrl: undefined,
          webhookSecret: undefined,
          staffGroupId: undefined,
          staffUserIds: [],
          supervisorUserIds: [],
          apiRoot: telegram.apiRoot,
        },
        discord: {
          token: discord.token,
          supportChannelId: discord.supportChannelId,
          staffChannelId: undefined,
          staffRoleId: undefined,
          supervisorRoleId: undefined,
          apiRoot: discord.apiRoot,
        },
      },
      orders: new MemoryOrderSource([]),
      nlu: await testNlu(),
      logger: silentLogger,
    });
    await startPlatforms(bot);
    await bot.listen();
    // Both channels start in the background; polling begins right after the webhook is cleared.
    await waitFor(() => telegram.callsOf('deleteWebhook').length > 0 && discord.identifies === 1, 10_000);
  }, 60_000);

  afterAll(async () => {
    await bot.stop();
    await telegram.close();
    await discord.close();
  });

  it('greets through the outbox and keeps the support thread’s buyer in the store', async () => {
    const lee = { id: 1_222_333_555, firstName: 'Lee', languageCode: 'zh-hant' };
    telegram.pushUpdate(buyerText(lee, '/start'));
    await waitFor(() => telegram.sent(lee.id).length === 1, 10_000);
    expect((await bot.store.events.list(`telegram:${lee.id}`)).map((e) => e.type)).toEqual(['reply_sent']);

    discord.userMessage(discord.supportChannelId, kai, 'my order never came');
    const [thread] = await waitFor(
      () => discord.threadsOf(discord.supportChannelId)[0] && discord.threadsOf(discord.supportChannelId),
      10_000,
    );
    const link = await bot.store.channelLinks?.buyerOfThread('discord', String(thread?.id));
    expect(link?.buyer_id).toBe(kai.id);
  });

  it('uploads a Telegram file an agent sends to a Discord buyer', async () => {
    const dm = String(discord.directMessage(kai, 'I want to talk to a person').channel_id);
    await waitFor(() => discord.botMessages(dm).length > 0, 10_000);
    const conversation = `discord:${dm}`;
    const { record } = await bot.desk.request(
      conversation,
      { reasons: ['human_requested'], priority: 'normal', summary: 'Kai asks for a person.' },
      { buyerId: `discord:${kai.id}`, buyerName: 'Kai', language: 'en' },
    );
    expect((await bot.desk.claim(record.id, webAgent)).ok).toBe(true);
    const photo = Buffer.from('a small photo of the parcel label');
    telegram.putFile('AgAC_label', photo);
    const sent = await bot.desk.reply(record.id, webAgent, 'This is the label we printed.', [
      { kind: 'photo', ref: 'telegram-file:AgAC_label' },
    ]);
    expect(sent.ok).toBe(true);
    const upload = await waitFor(() => discord.uploads.find((u) => u.channelId === dm), 10_000);
    expect(upload.data.equals(photo)).toBe(true);
  });
});
