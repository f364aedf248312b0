import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord.ts';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage, OutboundMessage } from '../../src/core/messages.ts';
import { createMemoryChannelLinks } from '../../src/storage/memory/channel-links.ts';
import { capturingLogger } from '../helpers/capturing-logger.ts';
import { BOT_USER, discordAttachment, FakeDiscord } from '../helpers/fake-discord.ts';
import { waitFor } from '../helpers/fake-telegram.ts';

const mei = { id: '1500000000000000002', username: 'mei_example', global_name: 'Mei' };
const sam = { id: '1500000000000000001', username: 'sam_example', global_name: 'Sam' };

type Json = Record<string, unknown>;

describe('Discord buyers (real discord.js against a fake gateway and REST API)', () => {
  let fake: FakeDiscord;
  let channel: DiscordChannel;
  const received: InboundMessage[] = [];
  let handler: (message: InboundMessage) => Promise<void>;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    handler = async (message) => {
      received.push(message);
      await channel.send({
        conversationId: message.conversationId,
        from: 'bot',
        text: `echo: ${message.text}`,
        options: [
          { label: 'Refund', value: 'refund_only' },
          { label: 'Send a new one', value: 'reship' },
        ],
      });
    };
    channel = createDiscordChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      supportChannelId: fake.supportChannelId,
      onInbound: (message) => handler(message),
      logger: silentLogger,
      readyTimeoutMs: 10_000,
    });
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await fake.close();
  });

  afterEach(() => {
    received.length = 0;
  });

  it('finds the gateway through GET /gateway/bot and identifies once', () => {
    expect(fake.callsOf('GET', /\/gateway\/bot$/)).toHaveLength(1);
    expect(fake.identifies).toBe(1);
    const identify = fake.fromClient.find((p) => p.op === 2)?.d as Json;
    // Guilds, GuildMessages, DirectMessages and MessageContent.
    expect(identify.intents).toBe(1 | 512 | 4096 | 32768);
  });

  it('hands a direct message on, keyed by the message id, and replies with buttons and the options listed', async () => {
    const sent = fake.directMessage(mei, '你好，我的快递一直没到');
    const dm = String(sent.channel_id);
    const [reply] = await waitFor(() => fake.botMessages(dm).length === 1 && fake.botMessages(dm));
    expect(received[0]).toMatchObject({
      id: sent.id,
      platform: 'discord',
      conversationId: `discord:${dm}`,
      author: { id: `discord:${mei.id}`, name: 'Mei', role: 'buyer' },
      text: '你好，我的快递一直没到',
      attachments: [],
    });
    expect(reply?.content).toBe('echo: 你好，我的快递一直没到\n\n• Refund\n• Send a new one');
    expect(reply?.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 1, label: 'Refund', custom_id: 'o:refund_only' },
          { type: 2, style: 1, label: 'Send a new one', custom_id: 'o:reship' },
        ],
      },
    ]);
  });

  it('turns a button press into a message whose text is the option value', async () => {
    const dm = fake.dmChannelOf(mei);
    const [offer] = fake.botMessages(dm);
    const id = fake.pressButton(offer as Json, mei, 'o:refund_only');
    await waitFor(() => received.length === 1);
    expect(received[0]).toMatchObject({ id, text: 'refund_only', conversationId: `discord:${dm}` });
    // The press is acknowledged (deferred update) so Discord does not show "interaction failed".
    expect(fake.interactionAnswers(id)[0]?.body).toMatchObject({ type: 6 });
  });

  it('opens a private thread for a buyer who writes in the support channel, greets them, and keeps them there', async () => {
    const first = fake.userMessage(fake.supportChannelId, sam, 'my order arrived with a cracked screen', {
      attachments: [discordAttachment('screen.jpg', 'image/jpeg')],
    });
    const [thread] = await waitFor(
      () => fake.threadsOf(fake.supportChannelId).length === 1 && fake.threadsOf(fake.supportChannelId),
    );
    const threadId = String(thread?.id);
    expect(thread).toMatchObject({ type: 12, name: 'Support · Sam' });
    await waitFor(() => fake.threadMembers.get(threadId)?.has(sam.id));
    await waitFor(() => fake.botMessages(threadId).length === 2);
    const [greeting, echo] = fake.botMessages(threadId);
    expect(greeting?.content).toMatch(/^Hi, and welcome/);
    expect(echo?.content).toMatch(/^echo: my order arrived/);
    // The pointer in the channel mentions the buyer, so Discord tells them where to go.
    expect(fake.botMessages(fake.supportChannelId)[0]?.content).toBe(
      `<@${sam.id}> I've opened a private thread for you: <#${threadId}>`,
    );
    const pointer = fake.callsOf('POST', new RegExp(`/channels/${fake.supportChannelId}/messages$`))[0];
    expect((pointer?.body as Json | undefined)?.allowed_mentions).toEqual({ users: [sam.id] });
    expect(received[0]).toMatchObject({
      id: first.id,
      conversationId: `discord:${fake.supportChannelId}:${threadId}`,
      attachments: [{ kind: 'photo', name: 'screen.jpg', mime: 'image/jpeg' }],
    });
    expect(received[0]?.attachments[0]?.ref).toMatch(/^https:\/\/cdn\.discordapp\.com\/attachments\//);

    fake.userMessage(threadId, sam, 'here is another photo', {
      attachments: [discordAttachment('box.png', 'image/png')],
    });
    await waitFor(() => received.length === 2);
    expect(received[1]?.conversationId).toBe(`discord:${fake.supportChannelId}:${threadId}`);
    // A second message in the support channel goes to the same thread, not a new one.
    fake.userMessage(fake.supportChannelId, sam, 'hello again');
    await waitFor(() => received.length === 3);
    expect(fake.threadsOf(fake.supportChannelId)).toHaveLength(1);
  });

  it('splits long replies at 2000 characters on sentence ends', async () => {
    const dm = fake.dmChannelOf(sam);
    const text = '我们已经为您登记了退款申请，款项会在三个工作日内原路退回。'.repeat(150);
    await channel.send({ conversationId: `discord:${dm}`, from: 'bot', text });
    const parts = fake.botMessages(dm).map((m) => String(m.content));
    expect(parts.length).toBe(Math.ceil(text.length / 2000));
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part.endsWith('。')).toBe(true);
    }
    expect(parts.join('')).toBe(text);
  });

  it('waits out 429s through the REST manager, never sooner than retry-after, and keeps order', async () => {
    const dm = fake.dmChannelOf(mei);
    const before = fake.callsOf('POST', new RegExp(`/channels/${dm}/messages$`)).length;
    fake.failNext('POST', new RegExp(`/channels/${dm}/messages$`), 3, 429, 0.3);
    await Promise.all(
      ['one', 'two', 'three'].map((text) =>
        channel.send({ conversationId: `discord:${dm}`, from: 'bot', text }),
      ),
    );
    const calls = fake.callsOf('POST', new RegExp(`/channels/${dm}/messages$`)).slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 429, 200, 200, 200]);
    for (let i = 1; i <= 3; i++) {
      expect((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(290);
    }
    expect(
      fake
        .botMessages(dm)
        .slice(-3)
        .map((m) => m.content),
    ).toEqual(['one', 'two', 'three']);
  });

  it('fails loudly with CALMDESK_CHANNEL_FAILED when Discord keeps failing', async () => {
    const dm = fake.dmChannelOf(mei);
    fake.failNext('POST', new RegExp(`/channels/${dm}/messages$`), 4, 503);
    const error = await channel
      .send({ conversationId: `discord:${dm}`, from: 'bot', text: 'lost?' })
      .catch((e: unknown) => e);
    expect(isCalmdeskError(error, 'CALMDESK_CHANNEL_FAILED')).toBe(true);
  });

  it('ignores its own messages and other bots', async () => {
    fake.directMessage({ ...BOT_USER, username: 'calmdesk-test' }, 'I am the bot');
    fake.directMessage({ id: '1600000000000000001', username: 'other-bot', bot: true }, 'beep');
    fake.directMessage(mei, 'real buyer');
    await waitFor(() => received.length === 1);
    expect(received.map((m) => m.text)).toEqual(['real buyer']);
  });
});

describe('Discord gateway reconnects', () => {
  let fake: FakeDiscord;
  let channel: DiscordChannel;
  const received: InboundMessage[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    channel = createDiscordChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      onInbound: async (message) => {
        received.push(message);
        await channel.send({
          conversationId: message.conversationId,
          from: 'bot',
          text: `got: ${message.text}`,
        });
      },
      logger: silentLogger,
      readyTimeoutMs: 10_000,
    });
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await fake.close();
  });

  it('resumes after RECONNECT, gets what it missed, and hands a replayed message on only once', async () => {
    fake.directMessage(mei, 'before the reconnect');
    await waitFor(() => received.length === 1);
    fake.requestReconnect(2);
    // Sent while the client is away: the gateway keeps it for the RESUME.
    await waitFor(() => !fake.connected);
    fake.directMessage(mei, 'while away');
    await waitFor(() => fake.resumes === 1, 5_000);
    await waitFor(() => received.length === 2);
    fake.directMessage(mei, 'after the resume');
    await waitFor(() => received.length === 3);
    expect(received.map((m) => m.text)).toEqual(['before the reconnect', 'while away', 'after the resume']);
    expect(fake.identifies).toBe(1);
    const dm = fake.dmChannelOf(mei);
    await waitFor(() => fake.botMessages(dm).length === 3);
    expect(fake.botMessages(dm).map((m) => m.content)).toEqual([
      'got: before the reconnect',
      'got: while away',
      'got: after the resume',
    ]);
  });

  it('resumes after the connection drops', async () => {
    received.length = 0;
    fake.dropConnection();
    await waitFor(() => fake.resumes === 2, 5_000);
    fake.directMessage(sam, 'after a drop');
    await waitFor(() => received.length === 1);
    expect(received[0]?.text).toBe('after a drop');
  });

  it('identifies again after an invalid session and keeps working', async () => {
    received.length = 0;
    fake.invalidateSession();
    await waitFor(() => fake.identifies === 2, 8_000);
    fake.directMessage(sam, 'new session');
    await waitFor(() => received.length === 1);
    expect(received[0]?.text).toBe('new session');
  });
});

describe('Discord support threads across a restart', () => {
  let fake: FakeDiscord;
  let channel: DiscordChannel;
  const links = createMemoryChannelLinks();
  const log = capturingLogger();
  const received: InboundMessage[] = [];
  const greeted: OutboundMessage[] = [];
  const eve = { id: '1600000000000000002', username: 'eve_example', global_name: 'Eve' };
  let thread: string;

  function start(withLinks = links): Promise<void> {
    channel = createDiscordChannel({
      token: fake.token,
      apiRoot: fake.apiRoot,
      supportChannelId: fake.supportChannelId,
      links: withLinks,
      // Stands in for the outbox: records the greeting, then hands it back to the channel.
      greet: async (message) => {
        greeted.push(message);
        await channel.send(message);
      },
      onInbound: async (message) => {
        received.push(message);
        await channel.send({ conversationId: message.conversationId, from: 'bot', text: 'echo' });
      },
      logger: log.logger,
      readyTimeoutMs: 10_000,
    });
    return channel.start();
  }

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    await start();
    fake.userMessage(fake.supportChannelId, sam, 'the lamp arrived broken');
    const [opened] = await waitFor(
      () => fake.threadsOf(fake.supportChannelId).length === 1 && fake.threadsOf(fake.supportChannelId),
    );
    thread = String(opened?.id);
    await waitFor(() => received.length === 1);
    await channel.stop();
    await start();
  });

  afterAll(async () => {
    await channel.stop();
    await fake.close();
  });

  it('greets through the outbox, so the greeting is in the thread conversation’s transcript', () => {
    expect(greeted).toEqual([
      {
        conversationId: `discord:${fake.supportChannelId}:${thread}`,
        from: 'bot',
        text: expect.stringMatching(/^Hi, and welcome/),
      },
    ]);
    expect(fake.botMessages(thread)[0]?.content).toBe(greeted[0]?.text);
  });

  it('sends a buyer who writes in the support channel again back to their thread after a restart', async () => {
    fake.userMessage(fake.supportChannelId, sam, 'any news?');
    await waitFor(() => received.length === 2);
    expect(received[1]?.conversationId).toBe(`discord:${fake.supportChannelId}:${thread}`);
    expect(fake.threadsOf(fake.supportChannelId)).toHaveLength(1);
    expect(greeted).toHaveLength(1);
  });

  it('ignores a stranger writing in a buyer’s thread after a restart, and logs it', async () => {
    fake.userMessage(thread, eve, 'I am Sam, refund me instead');
    fake.userMessage(thread, sam, 'still waiting');
    await waitFor(() => received.length === 3);
    expect(received.map((m) => m.text)).toEqual(['the lamp arrived broken', 'any news?', 'still waiting']);
    expect(log.lines()).toContainEqual(
      expect.objectContaining({
        threadId: thread,
        userId: eve.id,
        buyerId: sam.id,
        msg: 'someone who is not the thread’s buyer wrote in a support thread; not relayed',
      }),
    );
    // The stranger does not get a thread of their own out of it either.
    expect(await links.threadOfBuyer('discord', eve.id)).toBeNull();
  });

  it('does not take a stranger’s press of the buyer’s option button as the buyer’s answer', async () => {
    const offer = fake.botMessages(thread).at(-1) as Json;
    const press = fake.pressButton(offer, eve, 'o:refund_only');
    await waitFor(() => fake.interactionAnswers(press).length === 2);
    expect(fake.interactionAnswers(press)[1]?.body).toMatchObject({
      content: 'These buttons are for the buyer of this thread.',
    });
    fake.pressButton(offer, sam, 'o:refund_only');
    await waitFor(() => received.length === 4);
    expect(received[3]).toMatchObject({ text: 'refund_only', author: { id: `discord:${sam.id}` } });
  });

  it('gives a thread it opened before links were kept to the first buyer who writes in it, once', async () => {
    await channel.stop();
    await start(createMemoryChannelLinks());
    fake.userMessage(thread, sam, 'hello after the upgrade');
    await waitFor(() => received.length === 5);
    fake.userMessage(thread, eve, 'me too');
    fake.userMessage(thread, sam, 'and again');
    await waitFor(() => received.length === 6);
    expect(received.slice(4).map((m) => m.text)).toEqual(['hello after the upgrade', 'and again']);
  });
});
