import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord.ts';
import { createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeTelegram, staffPhoto, staffText, waitFor } from '../helpers/fake-telegram.ts';
import { createDeskWorld, type DeskWorld } from './desk-fixture.ts';

/**
 * A Discord buyer, a Telegram agent: the agent's photo is fetched from Telegram and uploaded to
 * Discord, so the buyer sees the picture itself; a photo over the upload cap arrives as a line saying so.
 */

const group = -1_001_234_567_890;
const alice = { id: 1_111_111_111, firstName: 'Alice' };
const mei = { id: '1500000000000000002', username: 'mei_example', global_name: 'Mei' };
const CAP = 4_096;

describe('an agent’s Telegram photo reaches a Discord buyer', () => {
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let world: DeskWorld;
  let telegramChannel: TelegramChannel;
  let discordChannel: DiscordChannel;
  let dm: string;
  let threadId: number;
  let topicName: string;

  beforeAll(async () => {
    telegram = await FakeTelegram.start({
      chats: [{ id: group, type: 'supergroup', title: 'Shop staff', is_forum: true }],
    });
    discord = await FakeDiscord.start();
    world = createDeskWorld();
    telegramChannel = createTelegramChannel({
      token: telegram.token,
      mode: 'polling',
      apiRoot: telegram.apiRoot,
      staff: { groupId: group, userIds: [alice.id] },
      desk: world.desk,
      onInbound: world.handler,
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      backoffMs: 20,
    });
    discordChannel = createDiscordChannel({
      token: discord.token,
      apiRoot: discord.apiRoot,
      onInbound: world.handler,
      fetchFile: (attachment, maxBytes) => telegramChannel.fetchFile(attachment, maxBytes),
      maxUploadBytes: CAP,
      logger: silentLogger,
      readyTimeoutMs: 10_000,
    });
    world.register(telegramChannel);
    world.register(discordChannel);
    await Promise.all([telegramChannel.start(), discordChannel.start()]);

    dm = String(discord.directMessage(mei, 'the vase arrived in pieces').channel_id);
    await waitFor(() => discord.botMessages(dm).length === 1);
    await world.escalate(`discord:${dm}`, 'Mei');
    const topic = await waitFor(() => telegram.callsOf('createForumTopic')[0]);
    topicName = String(topic.params.name);
    threadId = Number((topic.result as { message_thread_id: number }).message_thread_id);
    telegram.pushUpdate(staffText(group, alice, '/claim', { threadId, topicName }));
    await waitFor(() => world.events.some((e) => e.type === 'handoff_claimed'));
  }, 30_000);

  afterAll(async () => {
    await telegramChannel.stop();
    await discordChannel.stop();
    await world.stop();
    await telegram.close();
    await discord.close();
  });

  it('uploads the photo itself to the buyer’s Discord chat, after the agent’s words', async () => {
    const photo = Buffer.from(Array.from({ length: 3_000 }, (_, i) => i % 251));
    telegram.putFile('AgAC_agent_new_vase', photo);
    telegram.pushUpdate(
      staffPhoto(group, alice, 'AgAC_agent_new_vase', 'Here is the new vase, packed twice.', {
        threadId,
        topicName,
      }),
    );
    const upload = await waitFor(() => discord.uploads[0]);
    expect(upload).toMatchObject({
      channelId: dm,
      filename: 'AgAC_agent_new_vase.jpg',
      contentType: 'image/jpeg',
    });
    expect(upload.data.equals(photo)).toBe(true);
    const [, words, picture] = discord.botMessages(dm);
    expect(words?.content).toBe('**Alice**: Here is the new vase, packed twice.');
    expect(picture?.id).toBe(upload.messageId);
    expect(picture?.attachments).toMatchObject([{ filename: 'AgAC_agent_new_vase.jpg', size: 3_000 }]);
    // The largest size of the photo was fetched, once.
    expect(telegram.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['AgAC_agent_new_vase']);
    expect(telegram.downloads).toEqual(['photos/AgAC_agent_new_vase.jpg']);
  });

  it('names a photo over the upload cap in a line, without downloading it', async () => {
    telegram.putFile('AgAC_agent_huge_scan', Buffer.alloc(CAP + 1_000, 7));
    telegram.pushUpdate(
      staffPhoto(group, alice, 'AgAC_agent_huge_scan', 'And the courier’s receipt.', { threadId, topicName }),
    );
    await waitFor(() => discord.botMessages(dm).length === 5);
    expect(discord.botMessages(dm).at(-1)?.content).toBe(
      '📎 photo: too large to forward here (6 kB); kept with the case',
    );
    expect(discord.uploads).toHaveLength(1);
    expect(telegram.downloads).toEqual(['photos/AgAC_agent_new_vase.jpg']);
  });
});
