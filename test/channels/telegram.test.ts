import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTelegramChannel,
  TELEGRAM_WEBHOOK_PATH,
  type TelegramChannel,
} from '../../src/channels/telegram.ts';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import {
  buyerDocument,
  buyerPhoto,
  buyerPress,
  buyerText,
  FakeTelegram,
  telegramFixture,
  waitFor,
} from '../helpers/fake-telegram.ts';

const mei = { id: 5_123_456_789, firstName: 'Mei', languageCode: 'zh-hans' };
const sam = { id: 6_234_567_890, firstName: 'Sam', languageCode: 'en' };

describe('Telegram buyers (long polling against a fake Bot API)', () => {
  let fake: FakeTelegram;
  let channel: TelegramChannel;
  let received: InboundMessage[];
  /** The stub pipeline: records, then answers every message with an echo offering two remedies. */
  let handler: (message: InboundMessage) => Promise<void>;

  beforeAll(async () => {
    fake = await FakeTelegram.start();
    received = [];
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
    channel = createTelegramChannel({
      token: fake.token,
      mode: 'polling',
      apiRoot: fake.apiRoot,
      onInbound: (message) => handler(message),
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      backoffMs: 20,
      albumWindowMs: 100,
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

  it('connects with getMe and clears any webhook before polling', () => {
    expect(fake.callsOf('getMe')).toHaveLength(1);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
  });

  it('greets a Chinese-speaking buyer in Chinese on /start, and an English one in English', async () => {
    fake.pushUpdate(buyerText(mei, '/start'));
    fake.pushUpdate(buyerText(sam, '/start'));
    const [zh] = await waitFor(() => fake.sent(mei.id).length === 1 && fake.sent(mei.id));
    const [en] = await waitFor(() => fake.sent(sam.id).length === 1 && fake.sent(sam.id));
    expect(zh?.params.text).toMatch(/您好/);
    expect(en?.params.text).toMatch(/^Hi/);
    // /start is the platform's hello, not something the buyer said about an order.
    expect(received).toEqual([]);
  });

  it('hands a text message on as an InboundMessage keyed by update_id, and the echo comes back with buttons', async () => {
    const buyer = { id: 700_001, firstName: 'Lin', languageCode: 'zh-hant' };
    const update = fake.pushUpdate(buyerText(buyer, '杯子碎了，我要退款'));
    const [reply] = await waitFor(() => fake.sent(buyer.id).length === 1 && fake.sent(buyer.id));
    expect(received[0]).toMatchObject({
      id: String(update.update_id),
      platform: 'telegram',
      conversationId: `telegram:${buyer.id}`,
      author: { id: `telegram:${buyer.id}`, name: 'Lin', role: 'buyer' },
      text: '杯子碎了，我要退款',
      attachments: [],
    });
    // Buttons where the platform has them, and the options listed in the text for everyone else.
    expect(reply?.params.text).toBe('echo: 杯子碎了，我要退款\n\n• Refund\n• Send a new one');
    expect(reply?.params.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Refund', callback_data: 'o:refund_only' }],
        [{ text: 'Send a new one', callback_data: 'o:reship' }],
      ],
    });
  });

  it('turns a button press into a message whose text is the option value, and answers the press', async () => {
    const press = fake.pushUpdate(buyerPress(sam, 'o:reship'));
    await waitFor(() => received.length === 1);
    expect(received[0]).toMatchObject({
      id: String(press.update_id),
      text: 'reship',
      conversationId: `telegram:${sam.id}`,
    });
    const answered = await waitFor(() => fake.callsOf('answerCallbackQuery').at(-1));
    expect(answered.params.callback_query_id).toBe((press.callback_query as { id: string }).id);
  });

  it('keeps photos and documents as evidence by file id (largest photo size)', async () => {
    fake.pushUpdate(buyerPhoto(mei, '盒子一打开就是这样'));
    fake.pushUpdate(buyerDocument(sam, 'the delivery note'));
    await waitFor(() => received.length === 2);
    const photo = received.find((m) => m.author.id === `telegram:${mei.id}`);
    const document = received.find((m) => m.author.id === `telegram:${sam.id}`);
    expect(photo).toMatchObject({
      text: '盒子一打开就是这样',
      attachments: [{ kind: 'photo', ref: 'telegram-file:AgACAgUAAxkBAAIBNmc_sanitized_large' }],
    });
    expect(document?.attachments).toEqual([
      {
        kind: 'document',
        ref: 'telegram-file:BQACAgUAAxkBAAIBN2c_sanitized_doc',
        name: 'delivery-note.pdf',
        mime: 'application/pdf',
      },
    ]);
  });

  it('hands an album of photos on as one message with every photo, ahead of what the buyer wrote next', async () => {
    const buyer = { id: 700_002, firstName: 'Hui' };
    fake.pushUpdate(buyerPhoto(buyer, '三张照片', 'album-1'));
    fake.pushUpdate(buyerPhoto(buyer, undefined, 'album-1'));
    fake.pushUpdate(buyerText(buyer, '就是这样'));
    fake.pushUpdate(buyerPhoto(buyer, undefined, 'album-1'));
    await waitFor(() => received.length === 2);
    expect(received.map((m) => [m.text, m.attachments.length])).toEqual([
      ['三张照片', 3],
      ['就是这样', 0],
    ]);
  });

  it('hands a redelivered update on only once', async () => {
    const buyer = { id: 700_003, firstName: 'Dup' };
    const update = fake.pushUpdate(buyerText(buyer, 'where is my parcel?'));
    await waitFor(() => received.length === 1);
    // Telegram redelivers an update it thinks was not confirmed (e.g. after a restart).
    fake.pushUpdate(update);
    fake.pushUpdate(buyerText(buyer, 'hello?'));
    await waitFor(() => received.length === 2);
    expect(received.map((m) => m.text)).toEqual(['where is my parcel?', 'hello?']);
  });

  it('answers one chat in order, even when its handler is slow, while other chats go on', async () => {
    const slow = { id: 700_004, firstName: 'Slow' };
    const quick = { id: 700_005, firstName: 'Quick' };
    const order: string[] = [];
    handler = async (message) => {
      if (message.author.id === `telegram:${slow.id}` && message.text === 'one') {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      order.push(message.text);
    };
    fake.pushUpdate(buyerText(slow, 'one'));
    fake.pushUpdate(buyerText(quick, 'other chat'));
    fake.pushUpdate(buyerText(slow, 'two'));
    fake.pushUpdate(buyerText(slow, 'three'));
    await waitFor(() => order.length === 4);
    expect(order.filter((t) => t !== 'other chat')).toEqual(['one', 'two', 'three']);
    expect(order.indexOf('other chat')).toBeLessThan(order.indexOf('one'));
  });

  it('waits retry_after before polling again when getUpdates is rate limited', async () => {
    const before = fake.callsOf('getUpdates').length;
    fake.failNext('getUpdates', 1, { code: 429, retryAfter: 1 });
    const [limited, next] = await waitFor(() => {
      const calls = fake.callsOf('getUpdates').slice(before);
      const index = calls.findIndex((call) => call.status === 429);
      const after = index >= 0 ? calls[index + 1] : undefined;
      return after ? [calls[index], after] : undefined;
    }, 6_000);
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('confirms handled updates to Telegram so they are not delivered again', async () => {
    const last = fake.pushUpdate(buyerText({ id: 700_006, firstName: 'Off' }, 'offset check'));
    await waitFor(() => fake.confirmedOffset > Number(last.update_id));
  });
});

describe('Telegram replies', () => {
  let fake: FakeTelegram;
  let channel: TelegramChannel;
  const chat = 800_001;
  const conversationId = `telegram:${chat}`;

  beforeAll(async () => {
    fake = await FakeTelegram.start();
    channel = createTelegramChannel({
      token: fake.token,
      mode: 'polling',
      apiRoot: fake.apiRoot,
      onInbound: async () => undefined,
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      maxAttempts: 4,
      backoffMs: 20,
    });
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await fake.close();
  });

  it('splits a long reply at sentence ends into parts of at most 4096 characters, in order', async () => {
    const sentence = 'We are sorry the parcel arrived late, and we will refund the shipping fee today. ';
    const text = sentence.repeat(130).trim();
    await channel.send({ conversationId, from: 'bot', text });
    const parts = fake.sent(chat).map((call) => String(call.params.text));
    expect(parts.length).toBe(Math.ceil(text.length / 4096));
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(part.endsWith('today.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('honours 429 retry_after and never retries sooner', async () => {
    const before = fake.callsOf('sendMessage').length;
    fake.failNext('sendMessage', 2, { code: 429, retryAfter: 1 });
    await channel.send({ conversationId, from: 'bot', text: '请稍等，我们正在核实。' });
    const calls = fake.callsOf('sendMessage').slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 200]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps one chat in order through a 429 storm: nothing overtakes the message that is waiting', async () => {
    const before = fake.sent(chat).length;
    fake.failNext('sendMessage', 1, { code: 429, retryAfter: 1 });
    await Promise.all(
      ['first', 'second', 'third'].map((text) => channel.send({ conversationId, from: 'bot', text })),
    );
    expect(
      fake
        .sent(chat)
        .slice(before)
        .map((c) => c.params.text),
    ).toEqual(['first', 'second', 'third']);
  });

  it('retries a failing platform, then gives up loudly with CALMDESK_CHANNEL_FAILED', async () => {
    const before = fake.callsOf('sendMessage').length;
    fake.failNext('sendMessage', 4, { code: 502 });
    const error = await channel.send({ conversationId, from: 'bot', text: 'lost?' }).catch((e: unknown) => e);
    expect(isCalmdeskError(error, 'CALMDESK_CHANNEL_FAILED')).toBe(true);
    expect(fake.callsOf('sendMessage').length - before).toBe(4);
  });

  it('does not retry what can never succeed (the buyer blocked the bot)', async () => {
    const before = fake.callsOf('sendMessage').length;
    fake.failNext('sendMessage', 1, { code: 403, description: 'Forbidden: bot was blocked by the user' });
    const error = await channel.send({ conversationId, from: 'bot', text: 'hello' }).catch((e: unknown) => e);
    expect(isCalmdeskError(error, 'CALMDESK_CHANNEL_FAILED')).toBe(true);
    expect(fake.callsOf('sendMessage').length - before).toBe(1);
  });

  it('resumes a half-delivered long reply where it stopped when the outbox retries it', async () => {
    const text = 'Part of a long answer. '.repeat(400).trim();
    const before = fake.sent(chat).length;
    // The first part goes out, then the platform fails until this send gives up.
    fake.failNext('sendMessage', 4, { code: 502 }, 1);
    await expect(channel.send({ conversationId, from: 'bot', text })).rejects.toThrow(
      /CALMDESK_CHANNEL_FAILED/,
    );
    await channel.send({ conversationId, from: 'bot', text });
    const parts = fake
      .sent(chat)
      .slice(before)
      .map((c) => String(c.params.text));
    expect(parts.length).toBe(3);
    expect(parts.join(' ')).toBe(text);
  });

  it('relays an agent reply with the agent name, and the agent’s photo by file id', async () => {
    const before = fake.sent(chat).length;
    await channel.send({
      conversationId,
      from: 'agent',
      agentName: 'Alice',
      text: 'Here is the replacement we are sending.',
      attachments: [{ kind: 'photo', ref: 'telegram-file:AgAC_agent_photo' }],
    });
    const sent = fake.sent(chat).slice(before);
    expect(sent.map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(sent[0]?.params.text).toBe('Alice: Here is the replacement we are sending.');
    expect(sent[1]?.params.photo).toBe('AgAC_agent_photo');
  });
});

describe('Telegram webhook mode', () => {
  let fake: FakeTelegram;
  let channel: TelegramChannel;
  let server: FastifyInstance;
  const received: InboundMessage[] = [];
  const secret = 'a-long-webhook-secret_0123456789';

  beforeAll(async () => {
    fake = await FakeTelegram.start();
    // Mounted on Fastify the way the app does it: hijacked in onRequest, before the body is parsed.
    server = Fastify();
    server.route({
      method: 'POST',
      url: TELEGRAM_WEBHOOK_PATH,
      onRequest: (request, reply, done) => {
        reply.hijack();
        channel.webhook?.handleRequest(request.raw, reply.raw);
        done();
      },
      handler: async () => undefined,
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    channel = createTelegramChannel({
      token: fake.token,
      mode: 'webhook',
      webhook: { url: `http://127.0.0.1:${port}${TELEGRAM_WEBHOOK_PATH}`, secret },
      apiRoot: fake.apiRoot,
      onInbound: async (message) => {
        received.push(message);
      },
      logger: silentLogger,
    });
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await server.close();
    await fake.close();
  });

  it('registers the webhook with its secret token', () => {
    expect(fake.webhook?.secret).toBe(secret);
    expect(fake.callsOf('setWebhook')[0]?.params.allowed_updates).toEqual(['message', 'callback_query']);
    expect(fake.callsOf('getUpdates')).toEqual([]);
  });

  it('accepts an update carrying the right secret', async () => {
    const status = await fake.deliverToWebhook({ update_id: 9_100_001, ...buyerText(sam, 'webhook hello') });
    expect(status).toBe(200);
    expect(received.map((m) => [m.id, m.text])).toEqual([['9100001', 'webhook hello']]);
  });

  it('refuses a wrong secret before looking at the body (even a body that is not JSON)', async () => {
    const url = new URL(fake.webhook?.url ?? '');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: '{ not json',
    });
    expect(response.status).toBe(401);
    expect(await fake.deliverToWebhook({ update_id: 9_100_002, ...buyerText(sam, 'forged') }, 'nope')).toBe(
      401,
    );
    expect(received.map((m) => m.text)).not.toContain('forged');
  });

  it('answers 400 to a right secret with a broken body, and drops an update that is not one', async () => {
    const url = new URL(fake.webhook?.url ?? '');
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret };
    expect((await fetch(url, { method: 'POST', headers, body: '{ not json' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers, body: '{"hello":1}' })).status).toBe(200);
  });

  it('hands a redelivered webhook update on once', async () => {
    const update = { ...telegramFixture('private-text'), update_id: 9_100_003 };
    received.length = 0;
    expect(await fake.deliverToWebhook(update)).toBe(200);
    expect(await fake.deliverToWebhook(update)).toBe(200);
    expect(received).toHaveLength(1);
  });
});
