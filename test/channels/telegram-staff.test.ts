import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import { NOT_STAFF, NOT_SUPERVISOR } from '../../src/handoff/staff-actors.ts';
import {
  buyerPhoto,
  buyerText,
  type FakeCall,
  FakeTelegram,
  staffPress,
  staffText,
  waitFor,
} from '../helpers/fake-telegram.ts';
import { createDeskWorld, type DeskWorld, webAgent } from './desk-fixture.ts';

const alice = { id: 1_111_111_111, firstName: 'Alice', languageCode: 'en' };
const eve = { id: 2_222_222_222, firstName: 'Eve' };
const mei = { id: 5_123_456_789, firstName: 'Mei', languageCode: 'zh-hans' };
const bo = { id: 3_333_333_333, firstName: 'Bo' };
const lin = { id: 5_200_000_002, firstName: 'Lin' };

function messageId(call: FakeCall | undefined): number {
  return Number((call?.result as { message_id?: unknown } | undefined)?.message_id);
}

function texts(calls: FakeCall[]): string[] {
  return calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));
}

describe('Telegram staff group with forum topics: an agent takes a case over', () => {
  const group = -1_001_234_567_890;
  let fake: FakeTelegram;
  let world: DeskWorld;
  let channel: TelegramChannel;
  let caseId: string;
  let threadId: number;
  let card: FakeCall;

  const inTopic = () => fake.sent(group).filter((c) => Number(c.params.message_thread_id) === threadId);

  function options() {
    return {
      token: fake.token,
      mode: 'polling' as const,
      apiRoot: fake.apiRoot,
      staff: { groupId: String(group), userIds: [String(alice.id)], supervisorUserIds: [bo.id] },
      desk: world.desk,
      ...(world.store.channelLinks ? { links: world.store.channelLinks } : {}),
      onInbound: (message: InboundMessage) => world.handler(message),
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      backoffMs: 20,
    };
  }

  beforeAll(async () => {
    fake = await FakeTelegram.start({
      chats: [{ id: group, type: 'supergroup', title: 'Shop staff', is_forum: true }],
    });
    world = createDeskWorld();
    channel = createTelegramChannel(options());
    world.register(channel);
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await world.stop();
    await fake.close();
  });

  it('posts an escalated case as a forum topic with its case card and a Claim button', async () => {
    fake.pushUpdate(buyerText(mei, '杯子碎了！再不处理我就给差评'));
    await waitFor(() => fake.sent(mei.id).length === 1);
    caseId = await world.escalate(`telegram:${mei.id}`, 'Mei Lin', { orderId: 'A20241121' });
    const topic = await waitFor(() => fake.callsOf('createForumTopic')[0]);
    expect(topic.params.name).toBe(`🟠 Mei Lin · case ${caseId}`);
    card = await waitFor(() => fake.sent(group)[0]);
    threadId = Number(card.params.message_thread_id);
    expect(fake.topic(threadId)?.name).toBe(topic.params.name);
    const text = String(card.params.text);
    expect(text).toContain(`🟠 HIGH · case ${caseId}`);
    expect(text).toContain('Buyer: Mei Lin · on telegram · writes Chinese');
    expect(text).toContain('Order: A20241121');
    expect(text).toContain('Reasons: anger, threat');
    expect(text).toContain('Summary: The mug arrived broken');
    expect(card.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: '🙋 Claim', callback_data: `cd:claim:${caseId}` }]],
    });
  });

  it('refuses someone who is not staff', async () => {
    const before = fake.callsOf('answerCallbackQuery').length;
    fake.pushUpdate(
      staffPress(group, eve, `cd:claim:${caseId}`, { message_id: 0, message_thread_id: threadId }),
    );
    const answer = await waitFor(() => fake.callsOf('answerCallbackQuery')[before]);
    expect(answer.params).toMatchObject({ text: NOT_STAFF, show_alert: true });
    expect((await world.desk.held(`telegram:${mei.id}`))?.status).toBe('queued');
    fake.pushUpdate(
      staffText(group, eve, 'hi buyer, I am the boss', { threadId, topicName: `case ${caseId}` }),
    );
    await waitFor(() => texts(inTopic()).includes(NOT_STAFF));
    expect(fake.sent(mei.id)).toHaveLength(1);
  });

  it('lets a staff member claim with the button; the card changes and the claim shows for the web console too', async () => {
    const cardMessageId = Number((await waitFor(() => fake.sent(group)[0])).params.message_thread_id);
    fake.pushUpdate(
      staffPress(group, alice, `cd:claim:${caseId}`, {
        message_id: cardMessageId + 1,
        message_thread_id: threadId,
      }),
    );
    await waitFor(() => texts(inTopic()).includes('🙋 Alice (telegram) claimed the case.'));
    const record = await world.desk.held(`telegram:${mei.id}`);
    expect(record).toMatchObject({
      status: 'claimed',
      holder: { id: `telegram:${alice.id}`, name: 'Alice', via: 'telegram' },
    });
    const edit = await waitFor(() => fake.callsOf('editMessageText')[0]);
    expect(String(edit.params.text)).toContain('Status: claimed by Alice (telegram)');
    expect(edit.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '🤖 Hand back', callback_data: `cd:handback:${caseId}` },
          { text: '✅ Resolve', callback_data: `cd:resolve:${caseId}` },
          { text: '↩️ Release', callback_data: `cd:release:${caseId}` },
        ],
      ],
    });
  });

  it('relays the buyer’s words and photos into the topic, and the agent’s reply to the buyer', async () => {
    fake.pushUpdate(buyerText(mei, '还在吗？'));
    fake.pushUpdate(buyerPhoto(mei, '照片'));
    await waitFor(() => inTopic().some((c) => c.method === 'sendPhoto'));
    expect(texts(inTopic())).toContain('👤 Mei: 还在吗？');
    expect(inTopic().find((c) => c.method === 'sendPhoto')?.params.photo).toBe(
      'AgACAgUAAxkBAAIBNmc_sanitized_large',
    );
    // The bot stays silent while a person holds the case.
    expect(fake.sent(mei.id)).toHaveLength(1);

    fake.pushUpdate(
      staffText(group, alice, '您好，我是 Alice，马上为您处理退款。', {
        threadId,
        topicName: `case ${caseId}`,
      }),
    );
    const reply = await waitFor(() => fake.sent(mei.id)[1]);
    expect(reply.params.text).toBe('Alice: 您好，我是 Alice，马上为您处理退款。');
  });

  it('keeps notes private, and shows a web agent’s note in the topic', async () => {
    fake.pushUpdate(
      staffText(group, alice, '/note buyer sent two photos, glass clearly broken', {
        threadId,
        topicName: `case ${caseId}`,
      }),
    );
    await waitFor(() => texts(inTopic()).some((t) => t.startsWith('📝 Note saved')));
    await world.desk.note(caseId, webAgent, 'refund approved by the shop owner');
    await waitFor(() => texts(inTopic()).includes('📝 Note by Wen: refund approved by the shop owner'));
    const notes = (await world.desk.caseFile(caseId))?.notes.map((n) => n.text);
    expect(notes).toEqual([
      'buyer sent two photos, glass clearly broken',
      'refund approved by the shop owner',
    ]);
    expect(fake.sent(mei.id)).toHaveLength(2);
  });

  it('resolves with /resolve, recording remedy and outcome', async () => {
    fake.pushUpdate(
      staffText(group, alice, '/resolve refund_only 25 refunded the broken mug', {
        threadId,
        topicName: `case ${caseId}`,
      }),
    );
    await waitFor(() => texts(inTopic()).includes('✅ Resolved by Alice: refunded the broken mug'));
    expect(await world.desk.held(`telegram:${mei.id}`)).toBeNull();
    const resolved = world.events.find((e) => e.type === 'handoff_resolved');
    expect(resolved?.record).toMatchObject({
      id: caseId,
      status: 'resolved',
      outcome: 'refunded the broken mug',
    });
  });

  describe('after a restart, and with supervisors', () => {
    let linCase: string;
    let linTopic: number;
    let linCard: number;
    const inLinTopic = () =>
      texts(fake.sent(group).filter((c) => Number(c.params.message_thread_id) === linTopic));
    const say = (who: typeof alice, text: string) =>
      fake.pushUpdate(staffText(group, who, text, { threadId: linTopic, topicName: `case ${linCase}` }));

    it('keeps posting a case in its old topic after a restart: no second topic, and the card is still edited', async () => {
      fake.pushUpdate(buyerText(lin, 'the kettle leaks'));
      await waitFor(() => fake.sent(lin.id).length === 1);
      linCase = await world.escalate(`telegram:${lin.id}`, 'Lin');
      const topic = await waitFor(() =>
        fake.callsOf('createForumTopic').find((c) => String(c.params.name).includes(linCase)),
      );
      linTopic = Number((topic.result as { message_thread_id: number }).message_thread_id);
      const card = await waitFor(() =>
        fake.sent(group).find((c) => String(c.params.text).includes(`· case ${linCase}`)),
      );
      linCard = messageId(card);
      await channel.stop();
      channel = createTelegramChannel(options());
      world.register(channel);
      await channel.start();
      const topics = fake.callsOf('createForumTopic').length;

      fake.pushUpdate(buyerText(lin, 'hello? it is still leaking'));
      await waitFor(() => inLinTopic().includes('👤 Lin: hello? it is still leaking'));
      expect(fake.callsOf('createForumTopic')).toHaveLength(topics);

      say(alice, '/claim');
      await waitFor(() => inLinTopic().includes('🙋 Alice (telegram) claimed the case.'));
      const edit = await waitFor(() =>
        fake.callsOf('editMessageText').find((c) => Number(c.params.message_id) === linCard),
      );
      expect(String(edit.params.text)).toContain('Status: claimed by Alice (telegram)');
    });

    it('lets an agent ask for an approval, refuses the agent deciding it, and lets a supervisor approve it with the button', async () => {
      say(alice, '/approval 150 third leaking kettle this year');
      const request = await waitFor(() =>
        fake
          .sent(group)
          .find((c) => String(c.params.text).startsWith('💰 Alice asks a supervisor to approve')),
      );
      const [pending] = await world.desk.pendingApprovals();
      const id = String(pending?.id);
      expect(request.params.text).toBe(
        `💰 Alice asks a supervisor to approve 150 CNY: third leaking kettle this year\n` +
          `Approval ${id}: /approve ${id} [COMMENT] or /deny ${id} [COMMENT]`,
      );
      expect(request.params.reply_markup).toEqual({
        inline_keyboard: [
          [
            { text: '✅ Approve', callback_data: `cd:approve:${id}` },
            { text: '⛔ Deny', callback_data: `cd:deny:${id}` },
          ],
        ],
      });

      say(alice, `/approve ${id} looks fine to me`);
      await waitFor(() => inLinTopic().includes(NOT_SUPERVISOR));
      const before = fake.callsOf('answerCallbackQuery').length;
      fake.pushUpdate(
        staffPress(group, alice, `cd:approve:${id}`, {
          message_id: messageId(request),
          message_thread_id: linTopic,
        }),
      );
      const refusal = await waitFor(() => fake.callsOf('answerCallbackQuery')[before]);
      expect(refusal.params).toMatchObject({ text: NOT_SUPERVISOR, show_alert: true });
      expect(await world.desk.pendingApprovals()).toHaveLength(1);

      fake.pushUpdate(
        staffPress(group, bo, `cd:approve:${id}`, {
          message_id: messageId(request),
          message_thread_id: linTopic,
        }),
      );
      await waitFor(() => inLinTopic().includes('💰 Bo approved 150 CNY'));
      expect((await world.desk.caseFile(linCase))?.approvals[0]).toMatchObject({
        status: 'approved',
        decided_by: { id: `telegram:${bo.id}`, name: 'Bo' },
      });
    });

    it('lets a supervisor deny from the group’s general chat with /deny and the first characters of the id', async () => {
      say(alice, '/approval 300 a whole new kettle set');
      await waitFor(() =>
        inLinTopic().some((t) => t.startsWith('💰 Alice asks a supervisor to approve 300')),
      );
      const [pending] = await world.desk.pendingApprovals();
      const id = String(pending?.id);
      fake.pushUpdate(staffText(group, bo, `/deny ${id.slice(0, 8)} too much for one kettle`));
      await waitFor(() => inLinTopic().includes('💰 Bo denied 300 CNY: too much for one kettle'));
      await waitFor(() => texts(fake.sent(group)).includes(`💰 Denied: 300 CNY for case ${linCase}.`));
      expect(await world.desk.pendingApprovals()).toEqual([]);
    });
  });
});

describe('Telegram staff group without topics: cards, replies to the card, and the web console', () => {
  const group = -1_009_876_543_210;
  let fake: FakeTelegram;
  let world: DeskWorld;
  let channel: TelegramChannel;
  let caseId: string;
  let cardId: number;
  const conversation = 'telegram:5300000001';
  const buyer = { id: 5_300_000_001, firstName: 'Hao' };

  function options() {
    return {
      token: fake.token,
      mode: 'polling' as const,
      apiRoot: fake.apiRoot,
      staff: { groupId: group, userIds: [alice.id] },
      desk: world.desk,
      ...(world.store.channelLinks ? { links: world.store.channelLinks } : {}),
      onInbound: world.handler,
      logger: silentLogger,
      pollTimeoutSeconds: 1,
      backoffMs: 20,
    };
  }

  beforeAll(async () => {
    fake = await FakeTelegram.start({ chats: [{ id: group, type: 'supergroup', title: 'Shop staff' }] });
    world = createDeskWorld();
    channel = createTelegramChannel(options());
    world.register(channel);
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await world.stop();
    await fake.close();
  });

  it('posts the card in the group itself', async () => {
    caseId = await world.escalate(conversation, 'Hao');
    const card = await waitFor(() => fake.sent(group)[0]);
    expect(card.params.message_thread_id).toBeUndefined();
    expect(String(card.params.text)).toContain(`case ${caseId}`);
    expect(fake.callsOf('createForumTopic')).toEqual([]);
    cardId = 1_000; // the fake's first message id
  });

  it('shows a claim made in the web console, and refuses a reply from an agent who does not hold the case', async () => {
    const claimed = await world.desk.claim(caseId, webAgent);
    expect(claimed.ok).toBe(true);
    await waitFor(() => texts(fake.sent(group)).includes('🙋 Wen (web) claimed the case.'));
    const cardText = String(fake.sent(group)[0]?.params.text);
    fake.pushUpdate(
      staffText(group, alice, 'Hello Hao!', { replyTo: { message_id: cardId, text: cardText } }),
    );
    await waitFor(() => texts(fake.sent(group)).some((t) => t.startsWith('Not sent to the buyer')));
    expect(texts(fake.sent(group))).toContain(
      'Not sent to the buyer: Wen (web) holds this case; only they can do that.',
    );
    fake.pushUpdate(staffText(group, alice, '/claim', { replyTo: { message_id: cardId, text: cardText } }));
    await waitFor(() => texts(fake.sent(group)).includes('Wen (web) already has this case.'));
    expect(fake.sent(buyer.id)).toEqual([]);
  });

  it('finds the case again from the card after a restart, and relays the reply to the buyer', async () => {
    await world.desk.release(caseId, webAgent);
    await waitFor(() => texts(fake.sent(group)).includes('↩️ Wen put the case back in the queue.'));
    await channel.stop();
    channel = createTelegramChannel(options());
    world.register(channel);
    await channel.start();
    const cardText = String(fake.sent(group)[0]?.params.text);
    fake.pushUpdate(staffText(group, alice, '/claim', { replyTo: { message_id: cardId, text: cardText } }));
    await waitFor(() => texts(fake.sent(group)).includes('🙋 Alice (telegram) claimed the case.'));
    fake.pushUpdate(
      staffText(group, alice, 'Hello Hao, I am on it.', { replyTo: { message_id: cardId, text: cardText } }),
    );
    const reply = await waitFor(() => fake.sent(buyer.id)[0]);
    expect(reply.params.text).toBe('Alice: Hello Hao, I am on it.');
    // The old card was found again: no second card, and the claim was answered under the first one.
    expect(texts(fake.sent(group)).filter((t) => t.includes(`· case ${caseId}`))).toHaveLength(1);
    const claimedLine = fake
      .sent(group)
      .find((c) => c.params.text === '🙋 Alice (telegram) claimed the case.');
    expect(claimedLine?.params.reply_parameters).toMatchObject({ message_id: cardId });
    // In the console the case now belongs to Alice on Telegram.
    expect((await world.desk.held(conversation))?.holder).toMatchObject({ name: 'Alice', via: 'telegram' });
  });

  it('hands the conversation back to the bot with the card’s button', async () => {
    fake.pushUpdate(staffPress(group, alice, `cd:handback:${caseId}`, { message_id: cardId }));
    await waitFor(() =>
      texts(fake.sent(group)).some((t) => t.startsWith('🤖 Alice handed the conversation back')),
    );
    expect(await world.desk.held(conversation)).toBeNull();
    await waitFor(() => texts(fake.sent(buyer.id)).includes('I am back with you.'));
  });

  it('ignores group chatter that is not about a case', async () => {
    const before = fake.sent(group).length;
    fake.pushUpdate(staffText(group, eve, 'lunch at noon?'));
    fake.pushUpdate(staffText(group, alice, 'sure'));
    const last = fake.pushUpdate(staffText(group, alice, '/help'));
    await waitFor(() => fake.confirmedOffset > Number(last.update_id));
    const after = texts(fake.sent(group).slice(before));
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(/^Case commands/);
  });

  it('finds the case from a reply to a relayed buyer line (not the card) after a restart', async () => {
    const pei = { id: 5_300_000_002, firstName: 'Pei' };
    fake.pushUpdate(buyerText(pei, 'where is my parcel?'));
    await waitFor(() => fake.sent(pei.id).length === 1);
    const peiCase = await world.escalate(`telegram:${pei.id}`, 'Pei');
    const card = await waitFor(() =>
      fake.sent(group).find((c) => String(c.params.text).includes(`· case ${peiCase}`)),
    );
    fake.pushUpdate(staffPress(group, alice, `cd:claim:${peiCase}`, { message_id: messageId(card) }));
    await waitFor(() => world.events.some((e) => e.type === 'handoff_claimed' && e.record.id === peiCase));
    fake.pushUpdate(buyerText(pei, 'hello??'));
    const line = await waitFor(() => fake.sent(group).find((c) => c.params.text === '👤 Pei: hello??'));
    await channel.stop();
    channel = createTelegramChannel(options());
    world.register(channel);
    await channel.start();

    fake.pushUpdate(
      staffText(group, alice, 'Sorry Pei, it left the warehouse today.', {
        replyTo: { message_id: messageId(line), text: '👤 Pei: hello??' },
      }),
    );
    const reply = await waitFor(() => fake.sent(pei.id)[1]);
    expect(reply.params.text).toBe('Alice: Sorry Pei, it left the warehouse today.');
  });
});
