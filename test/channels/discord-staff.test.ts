import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordChannel, type DiscordChannel } from '../../src/channels/discord.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import { NOT_STAFF, NOT_SUPERVISOR } from '../../src/handoff/staff-actors.ts';
import { APPLICATION_ID, discordAttachment, FakeDiscord } from '../helpers/fake-discord.ts';
import { waitFor } from '../helpers/fake-telegram.ts';
import { createDeskWorld, type DeskWorld, webAgent } from './desk-fixture.ts';

type Json = Record<string, unknown>;

const mei = { id: '1500000000000000002', username: 'mei_example', global_name: 'Mei' };
const lee = { id: '1500000000000000003', username: 'lee_example', global_name: 'Lee' };
const alice = { id: '1400000000000000002', username: 'alice_support', global_name: 'Alice' };
const eve = { id: '1400000000000000099', username: 'eve_example', global_name: 'Eve' };
const bo = { id: '1400000000000000003', username: 'bo_lead', global_name: 'Bo' };
const kim = { id: '1500000000000000004', username: 'kim_example', global_name: 'Kim' };

describe('Discord staff channel: a thread per case, buttons and slash commands', () => {
  let fake: FakeDiscord;
  let world: DeskWorld;
  let channel: DiscordChannel;
  let staffRoles: string[];
  let caseId: string;
  let thread: string;
  let card: Json;
  let dm: string;

  const threadTexts = () => fake.botMessages(thread).map((m) => String(m.content));
  const ephemeral = (interactionId: string) =>
    fake
      .interactionAnswers(interactionId)
      .map((c) => c.body as Json | null)
      .find((body) => body && typeof body.content === 'string' && Number(body.flags ?? 64) & 64)?.content;

  function options() {
    return {
      token: fake.token,
      apiRoot: fake.apiRoot,
      supportChannelId: fake.supportChannelId,
      staff: {
        channelId: fake.staffChannelId,
        roleId: fake.staffRoleId,
        supervisorRoleId: fake.supervisorRoleId,
      },
      desk: world.desk,
      ...(world.store.channelLinks ? { links: world.store.channelLinks } : {}),
      onInbound: (message: InboundMessage) => world.handler(message),
      logger: silentLogger,
      readyTimeoutMs: 10_000,
    };
  }

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    staffRoles = [fake.staffRoleId];
    world = createDeskWorld();
    channel = createDiscordChannel(options());
    world.register(channel);
    await channel.start();
  });

  afterAll(async () => {
    await channel.stop();
    await world.stop();
    await fake.close();
  });

  it('registers the staff slash commands in the staff channel’s server', () => {
    const [put] = fake.callsOf(
      'PUT',
      new RegExp(`/applications/${APPLICATION_ID}/guilds/${fake.guildId}/commands$`),
    );
    expect(((put?.body ?? []) as Json[]).map((c) => c.name)).toEqual([
      'claim',
      'note',
      'handback',
      'resolve',
      'release',
      'case',
      'approval',
      'approve',
      'deny',
    ]);
  });

  it('posts an escalated case as a card with a Claim button and opens its thread', async () => {
    const first = fake.directMessage(mei, '东西坏了，你们再不处理我就去投诉！');
    dm = String(first.channel_id);
    await waitFor(() => fake.botMessages(dm).length === 1);
    caseId = await world.escalate(`discord:${dm}`, 'Mei');
    card = await waitFor(() => fake.botMessages(fake.staffChannelId)[0]);
    thread = String(card.id);
    await waitFor(() => fake.channels.get(thread));
    expect(fake.channels.get(thread)).toMatchObject({
      type: 11,
      parent_id: fake.staffChannelId,
      name: `🟠 Mei · case ${caseId}`,
    });
    expect(String(card.content)).toContain(`🟠 HIGH · case ${caseId}`);
    expect(String(card.content)).toContain('Buyer: Mei · on discord');
    expect(card.components).toEqual([
      { type: 1, components: [{ type: 2, style: 1, label: '🙋 Claim', custom_id: `cd:claim:${caseId}` }] },
    ]);
  });

  it('refuses someone without the staff role', async () => {
    const press = fake.pressButton(card, eve, `cd:claim:${caseId}`, []);
    await waitFor(() => ephemeral(press));
    expect(ephemeral(press)).toBe(NOT_STAFF);
    expect((await world.desk.held(`discord:${dm}`))?.status).toBe('queued');
    const slash = fake.slashCommand(thread, eve, 'claim', {}, []);
    await waitFor(() => ephemeral(slash));
    expect(ephemeral(slash)).toBe(NOT_STAFF);
  });

  it('lets a staff member claim with the button; the card changes and the desk knows', async () => {
    const press = fake.pressButton(card, alice, `cd:claim:${caseId}`, staffRoles);
    await waitFor(() => threadTexts().includes('🙋 Alice (discord) claimed the case.'));
    expect(fake.interactionAnswers(press)[0]?.body).toMatchObject({ type: 6 });
    expect((await world.desk.held(`discord:${dm}`))?.holder).toMatchObject({
      id: `discord:${alice.id}`,
      via: 'discord',
    });
    const edit = await waitFor(
      () => fake.callsOf('PATCH', new RegExp(`/channels/${fake.staffChannelId}/messages/${thread}$`))[0],
    );
    expect(String((edit.body as Json).content)).toContain('Status: claimed by Alice (discord)');
    expect(((edit.body as Json).components as Json[])[0]).toMatchObject({
      components: [
        { label: '🤖 Hand back', custom_id: `cd:handback:${caseId}` },
        { label: '✅ Resolve', custom_id: `cd:resolve:${caseId}` },
        { label: '↩️ Release', custom_id: `cd:release:${caseId}` },
      ],
    });
  });

  it('relays the buyer into the thread (with the photo) and the agent’s thread replies to the buyer', async () => {
    const photo = discordAttachment('broken.jpg', 'image/jpeg');
    fake.directMessage(mei, '在吗？照片在这里', [photo]);
    await waitFor(() => threadTexts().some((t) => t.startsWith('👤 Mei: 在吗？照片在这里')));
    expect(threadTexts().find((t) => t.startsWith('👤 Mei'))).toBe(`👤 Mei: 在吗？照片在这里\n${photo.url}`);
    expect(fake.botMessages(dm)).toHaveLength(1);

    fake.userMessage(thread, alice, '您好，我是 Alice，这就为您安排补发。', { roles: staffRoles });
    await waitFor(() => fake.botMessages(dm).length === 2);
    expect(fake.botMessages(dm)[1]?.content).toBe('**Alice**: 您好，我是 Alice，这就为您安排补发。');
  });

  it('takes a note with the slash command, privately', async () => {
    const slash = fake.slashCommand(thread, alice, 'note', { text: 'second parcel this month' }, staffRoles);
    await waitFor(() => ephemeral(slash));
    expect(ephemeral(slash)).toBe('📝 Note saved (never shown to the buyer).');
    expect((await world.desk.caseFile(caseId))?.notes.map((n) => n.text)).toEqual([
      'second parcel this month',
    ]);
    expect(fake.botMessages(dm)).toHaveLength(2);
  });

  it('hands the conversation back to the bot with /handback', async () => {
    const slash = fake.slashCommand(
      thread,
      alice,
      'handback',
      { remedy: 'reship', note: 'reship agreed' },
      staffRoles,
    );
    await waitFor(() =>
      threadTexts().includes('🤖 Alice handed the conversation back to the bot: reship agreed'),
    );
    expect(await waitFor(() => ephemeral(slash))).toBe('✓ Done.');
    expect(await world.desk.held(`discord:${dm}`)).toBeNull();
    await waitFor(() => fake.botMessages(dm).some((m) => m.content === 'I am back with you.'));
  });

  it('shows a claim made in the web console and refuses a Discord reply from someone else', async () => {
    const first = fake.directMessage(lee, 'I want to talk to a person');
    const leeDm = String(first.channel_id);
    await waitFor(() => fake.botMessages(leeDm).length === 1);
    const second = await world.escalate(`discord:${leeDm}`, 'Lee');
    const secondCard = await waitFor(() =>
      fake.botMessages(fake.staffChannelId).find((m) => String(m.content).includes(`case ${second}`)),
    );
    const secondThread = String(secondCard.id);
    expect((await world.desk.claim(second, webAgent)).ok).toBe(true);
    await waitFor(() =>
      fake.botMessages(secondThread).some((m) => m.content === '🙋 Wen (web) claimed the case.'),
    );
    fake.userMessage(secondThread, alice, 'Hi Lee!', { roles: staffRoles });
    await waitFor(() =>
      fake
        .botMessages(secondThread)
        .some(
          (m) => m.content === 'Not sent to the buyer: Wen (web) holds this case; only they can do that.',
        ),
    );
    expect(fake.botMessages(leeDm)).toHaveLength(1);

    // The web agent answers from the console; the Discord thread sees it too.
    await world.desk.reply(second, webAgent, 'Hello Lee, Wen here.');
    await waitFor(() =>
      fake.botMessages(secondThread).some((m) => m.content === '🧑‍💼 Wen (web): Hello Lee, Wen here.'),
    );
    expect(fake.botMessages(leeDm)[1]?.content).toBe('**Wen**: Hello Lee, Wen here.');

    // Released on the web, then claimed and resolved from Discord with the card's buttons, after a restart
    // of the bot: the old card and its thread are found again, no second card is posted.
    await world.desk.release(second, webAgent);
    await channel.stop();
    channel = createDiscordChannel(options());
    world.register(channel);
    await channel.start();
    const cards = fake.botMessages(fake.staffChannelId).length;
    const claim = fake.pressButton(secondCard, alice, `cd:claim:${second}`, staffRoles);
    await waitFor(() =>
      fake.botMessages(secondThread).some((m) => m.content === '🙋 Alice (discord) claimed the case.'),
    );
    expect(ephemeral(claim)).toBeUndefined();
    fake.pressButton(secondCard, alice, `cd:resolve:${second}`, staffRoles);
    await waitFor(() =>
      fake.botMessages(secondThread).some((m) => String(m.content).startsWith('✅ Resolved by Alice')),
    );
    expect(
      world.events.find((e) => e.type === 'handoff_resolved' && e.record.id === second)?.record.status,
    ).toBe('resolved');
    expect(fake.botMessages(fake.staffChannelId)).toHaveLength(cards);
  });

  describe('after a restart, and with supervisors', () => {
    let kimDm: string;
    let kimCase: string;
    let kimThread: string;
    const texts = () => fake.botMessages(kimThread).map((m) => String(m.content));

    it('keeps posting a case in its old thread after a restart: no second card, and the card is still edited', async () => {
      kimDm = String(fake.directMessage(kim, 'I need a person').channel_id);
      await waitFor(() => fake.botMessages(kimDm).length === 1);
      kimCase = await world.escalate(`discord:${kimDm}`, 'Kim');
      const kimCard = await waitFor(() =>
        fake.botMessages(fake.staffChannelId).find((m) => String(m.content).includes(`case ${kimCase}`)),
      );
      kimThread = String(kimCard.id);
      await channel.stop();
      channel = createDiscordChannel(options());
      world.register(channel);
      await channel.start();
      const cards = fake.botMessages(fake.staffChannelId).length;
      const threads = fake.threadsOf(fake.staffChannelId).length;

      fake.directMessage(kim, 'are you there?');
      await waitFor(() => texts().includes('👤 Kim: are you there?'));
      expect(fake.botMessages(fake.staffChannelId)).toHaveLength(cards);
      expect(fake.threadsOf(fake.staffChannelId)).toHaveLength(threads);

      fake.slashCommand(kimThread, alice, 'claim', {}, staffRoles);
      await waitFor(() => texts().includes('🙋 Alice (discord) claimed the case.'));
      const edit = await waitFor(
        () => fake.callsOf('PATCH', new RegExp(`/channels/${fake.staffChannelId}/messages/${kimThread}$`))[0],
      );
      expect(String((edit.body as Json).content)).toContain('Status: claimed by Alice (discord)');
    });

    it('lets an agent ask for an approval, refuses the agent deciding it, and lets a supervisor approve it with the button', async () => {
      const ask = fake.slashCommand(
        kimThread,
        alice,
        'approval',
        { amount: 150, reason: 'third broken lamp this year' },
        staffRoles,
      );
      const request = await waitFor(() =>
        fake
          .botMessages(kimThread)
          .find((m) => String(m.content).startsWith('💰 Alice asks a supervisor to approve 150 CNY')),
      );
      expect(await waitFor(() => ephemeral(ask))).toBe('✓ Done.');
      const [pending] = await world.desk.pendingApprovals();
      const id = String(pending?.id);
      expect(String(request.content)).toBe(
        `💰 Alice asks a supervisor to approve 150 CNY: third broken lamp this year\n` +
          `Approval ${id}: /approve ${id} [COMMENT] or /deny ${id} [COMMENT]`,
      );
      expect(request.components).toEqual([
        {
          type: 1,
          components: [
            { type: 2, style: 2, label: '✅ Approve', custom_id: `cd:approve:${id}` },
            { type: 2, style: 2, label: '⛔ Deny', custom_id: `cd:deny:${id}` },
          ],
        },
      ]);

      const refused = fake.pressButton(request, alice, `cd:approve:${id}`, staffRoles);
      expect(await waitFor(() => ephemeral(refused))).toBe(NOT_SUPERVISOR);
      expect((await world.desk.pendingApprovals()).map((a) => a.id)).toEqual([id]);

      const approved = fake.pressButton(request, bo, `cd:approve:${id}`, [fake.supervisorRoleId]);
      await waitFor(() => texts().includes('💰 Bo approved 150 CNY'));
      expect(ephemeral(approved)).toBeUndefined();
      expect((await world.desk.caseFile(kimCase))?.approvals[0]).toMatchObject({
        status: 'approved',
        decided_by: { id: `discord:${bo.id}`, name: 'Bo' },
      });
    });

    it('lets a supervisor deny with the slash command and an approval id’s first characters', async () => {
      fake.slashCommand(kimThread, alice, 'approval', { amount: 300, reason: 'a whole new set' }, staffRoles);
      await waitFor(() => texts().some((t) => t.startsWith('💰 Alice asks a supervisor to approve 300 CNY')));
      const [pending] = await world.desk.pendingApprovals();
      const id = String(pending?.id);
      const agentTry = fake.slashCommand(kimThread, alice, 'deny', { approval: id }, staffRoles);
      expect(await waitFor(() => ephemeral(agentTry))).toBe(NOT_SUPERVISOR);
      const deny = fake.slashCommand(
        fake.staffChannelId,
        bo,
        'deny',
        { approval: id.slice(0, 8), comment: 'too much for one lamp' },
        [fake.supervisorRoleId],
      );
      await waitFor(() => texts().includes('💰 Bo denied 300 CNY: too much for one lamp'));
      // Said outside the case's thread, the supervisor is told what happened.
      expect(await waitFor(() => ephemeral(deny))).toBe(`💰 Denied: 300 CNY for case ${kimCase}.`);
      expect(await world.desk.pendingApprovals()).toEqual([]);
    });
  });
});
