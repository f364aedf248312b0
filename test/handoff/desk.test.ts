import { beforeEach, describe, expect, it } from 'vitest';
import type { DeskEvent } from '../../src/handoff/desk.ts';
import { parseOpeningHours } from '../../src/handoff/opening-hours.ts';
import { canTransition, HANDOFF_STATUSES, TRANSITIONS } from '../../src/handoff/types.ts';
import type { Order } from '../../src/orders/types.ts';
import { ana, createDeskFixture, type DeskFixture, fakeDialogue, mei, openCase, tom } from './fakes.ts';

describe('the transition table', () => {
  it('allows exactly queued → claimed → resolved | returned_to_bot | expired, and release back', () => {
    const allowed = HANDOFF_STATUSES.flatMap((from) =>
      HANDOFF_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'queued→claimed',
        'queued→expired',
        'claimed→queued',
        'claimed→resolved',
        'claimed→returned_to_bot',
        'claimed→expired',
      ].sort(),
    );
    for (const closed of ['resolved', 'returned_to_bot', 'expired'] as const)
      expect(TRANSITIONS[closed]).toEqual([]);
  });
});

describe('the desk', () => {
  let f: DeskFixture;
  let events: DeskEvent[];

  beforeEach(() => {
    f = createDeskFixture();
    events = [];
    f.desk.subscribe((event) => events.push(event));
    fakeDialogue.resumed.length = 0;
  });

  describe('a buyer asks for a person', () => {
    it('opens a queued case, logs why, and gives a calm notice with the expected wait', async () => {
      f.desk.setPresence(mei, true);
      const { record, created, notice } = await openCase(f, 'web:lin', 'urgent', ['health_safety']);
      expect(created).toBe(true);
      expect(record).toMatchObject({ status: 'queued', priority: 'urgent', reasons: ['health_safety'] });
      expect(notice).toBe('[en] a colleague will answer (urgent, 1 online, about 6 min, health)');
      const logged = await f.store.events.list('web:lin', { types: ['handoff_requested'] });
      expect(logged[0]?.data).toMatchObject({
        handoff_id: record.id,
        reasons: ['health_safety'],
        priority: 'urgent',
      });
      expect(events.map((e) => e.type)).toEqual(['handoff_requested']);
    });

    it('tells the buyer nobody is online yet when no agent is present', async () => {
      const { notice } = await openCase(f, 'web:lin');
      expect(notice).toContain('0 online');
      expect(f.desk.agentsOnline()).toEqual([]);
    });

    it('says when the shop opens outside opening hours, even with an agent logged in', async () => {
      // 02:00 UTC on a Monday is 10:00 in Shanghai; the desk opens at 11:00 there.
      f = createDeskFixture({
        config: { openingHours: parseOpeningHours('mon-fri 11:00-18:00 Asia/Shanghai') },
      });
      f.desk.setPresence(mei, true);
      const { notice } = await openCase(f, 'web:lin');
      expect(notice).toContain('0 online, opens 2026-03-02T03:00:00.000Z');
    });

    it('forgets an agent who has not been seen for a while', async () => {
      f.desk.setPresence(mei, true);
      f.advance(6);
      expect(f.desk.agentsOnline()).toEqual([]);
      f.desk.setPresence(tom, true);
      f.desk.setPresence(tom, false);
      expect(f.desk.agentsOnline()).toEqual([]);
    });

    it('raises the open case instead of opening a second one, and says nothing new', async () => {
      const first = await openCase(f, 'web:lin', 'normal', ['human_requested']);
      const again = await openCase(f, 'web:lin', 'urgent', ['health_safety']);
      expect(again.created).toBe(false);
      expect(again.notice).toBeNull();
      expect(again.record).toMatchObject({
        id: first.record.id,
        priority: 'urgent',
        reasons: ['human_requested', 'health_safety'],
      });
      expect(events.map((e) => e.type)).toEqual(['handoff_requested', 'handoff_escalated']);
    });
  });

  describe('the queue', () => {
    it('orders by priority, then by waiting time, and flags cases past the SLA', async () => {
      await openCase(f, 'web:normal-early', 'normal');
      f.advance(3);
      await openCase(f, 'web:high', 'high');
      f.advance(3);
      await openCase(f, 'web:urgent', 'urgent');
      f.advance(3);
      await openCase(f, 'web:normal-late', 'normal');
      f.advance(7);
      const queue = await f.desk.queue();
      expect(queue.map((e) => [e.record.conversation_id, e.waiting_minutes, e.overdue])).toEqual([
        ['web:urgent', 10, false],
        ['web:high', 13, false],
        ['web:normal-early', 16, true],
        ['web:normal-late', 7, false],
      ]);
    });

    it('stops the waiting clock when a case is claimed', async () => {
      const { record } = await openCase(f, 'web:lin');
      f.advance(20);
      await f.desk.claim(record.id, mei);
      f.advance(30);
      const [entry] = await f.desk.queue();
      expect(entry).toMatchObject({ waiting_minutes: 20, overdue: false, record: { status: 'claimed' } });
    });
  });

  describe('claiming', () => {
    it('gives the case to the first agent and tells the second who has it', async () => {
      const { record } = await openCase(f, 'web:lin');
      const claims = await Promise.all([f.desk.claim(record.id, mei), f.desk.claim(record.id, tom)]);
      expect(claims[0]).toMatchObject({ ok: true, value: { status: 'claimed', holder: { id: mei.id } } });
      expect(claims[1]).toMatchObject({ ok: false, code: 'already_claimed', holder: { name: 'Mei' } });
      expect(claims[1]?.ok === false && claims[1].message).toBe('Mei already has this case');
      const logged = await f.store.events.list('web:lin', { types: ['handoff_claimed'] });
      expect(logged).toHaveLength(1);
      expect(
        f.desk
          .agentsOnline()
          .map((a) => a.name)
          .sort(),
      ).toEqual(['Mei', 'Tom']);
    });

    it('refuses an unknown case', async () => {
      expect(await f.desk.claim('nope', mei)).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  describe('while an agent holds the conversation', () => {
    it('relays every buyer message to the agent and records it', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      const result = await f.desk.onBuyerMessage('web:lin', f.buyerMessage('web:lin', 'Are you there?'));
      expect(result).toMatchObject({ relayed: true, record: { id: record.id } });
      const relayed = await f.store.events.list('web:lin', { types: ['message_relayed'] });
      expect(relayed[0]?.data).toMatchObject({ handoff_id: record.id, status: 'claimed', to: mei.id });
      const live = events.find((e) => e.type === 'buyer_message');
      expect(live).toMatchObject({ entry: { role: 'buyer', text: 'Are you there?' } });
    });

    it('keeps the bot talking while the case only waits in the queue', async () => {
      await openCase(f, 'web:lin');
      const result = await f.desk.onBuyerMessage(
        'web:lin',
        f.buyerMessage('web:lin', 'Here is my order number'),
      );
      expect(result.relayed).toBe(false);
      expect(events.some((e) => e.type === 'buyer_message')).toBe(true);
      expect(await f.desk.onBuyerMessage('web:other', f.buyerMessage('web:other', 'hi'))).toEqual({
        relayed: false,
        record: null,
      });
    });

    it('sends the holder’s reply to the buyer through the outbox, and refuses anyone else', async () => {
      const { record } = await openCase(f, 'web:lin');
      expect(await f.desk.reply(record.id, mei, 'Hello')).toMatchObject({ ok: false, code: 'bad_status' });
      await f.desk.claim(record.id, mei);
      const sent = await f.desk.reply(record.id, mei, 'I am Mei, I will take care of this.');
      expect(sent).toMatchObject({ ok: true, value: { role: 'agent', name: 'Mei' } });
      expect(f.sent).toEqual([
        {
          conversationId: 'web:lin',
          text: 'I am Mei, I will take care of this.',
          from: 'agent',
          agentName: 'Mei',
        },
      ]);
      const refused = await f.desk.reply(record.id, tom, 'Tom here');
      expect(refused).toMatchObject({ ok: false, code: 'not_holder', holder: { name: 'Mei' } });
      expect(f.sent).toHaveLength(1);
    });

    it('lets the holder release the case back to the queue, and a supervisor too, but no other agent', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      expect(await f.desk.release(record.id, tom)).toMatchObject({ ok: false, code: 'not_holder' });
      expect(await f.desk.release(record.id, mei)).toMatchObject({
        ok: true,
        value: { status: 'queued', holder: null },
      });
      await f.desk.claim(record.id, tom);
      expect(await f.desk.release(record.id, ana)).toMatchObject({ ok: true, value: { status: 'queued' } });
      const released = await f.store.events.list('web:lin', { types: ['handoff_released'] });
      expect(released.map((e) => e.data.holder_id)).toEqual([mei.id, tom.id]);
    });

    it('keeps private notes from any agent', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      const note = await f.desk.note(record.id, tom, 'Same buyer wrote last week about a late parcel.');
      expect(note).toMatchObject({ ok: true, value: { author: { name: 'Tom' } } });
      expect(f.sent).toEqual([]);
      expect((await f.store.handoffs.notes(record.id)).map((n) => n.text)).toEqual([
        'Same buyer wrote last week about a late parcel.',
      ]);
    });
  });

  describe('handing back and resolving', () => {
    it('hands the conversation back: the bot resumes with what was agreed and asks for satisfaction', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      const back = await f.desk.handBack(record.id, mei, {
        outcome_note: 'Reship on Monday',
        remedy: 'reship',
      });
      expect(back).toMatchObject({
        ok: true,
        value: { status: 'returned_to_bot', outcome: 'Reship on Monday' },
      });
      expect(fakeDialogue.resumed).toEqual([{ state: { version: 1, step: 'handoff' }, resolved: false }]);
      expect(f.sent.map((m) => [m.from, m.text])).toEqual([
        ['bot', 'I am back. Agreed: Reship on Monday'],
        ['bot', 'How satisfied are you, 1 to 5?'],
      ]);
      const conversation = await f.store.conversations.get('web:lin');
      expect(conversation?.state).toMatchObject({ step: 'follow_up', agreed: 'Reship on Monday' });
      expect(await f.desk.held('web:lin')).toBeNull();
      expect(events.map((e) => e.type)).toContain('handoff_returned');
    });

    it('records the step change and carries out the remedy the agent agreed', async () => {
      const acted: unknown[] = [];
      f = createDeskFixture({
        act: async (conversationId, buyerId, action) => void acted.push({ conversationId, buyerId, action }),
      });
      const { record } = await openCase(f, 'web:lin');
      const conversation = await f.store.conversations.get('web:lin');
      await f.store.conversations.saveState(
        'web:lin',
        { version: 1, step: 'handoff', order_id: 'CD1001' },
        conversation!.version,
        f.now(),
      );
      await f.desk.claim(record.id, mei);
      await f.desk.handBack(record.id, mei, { outcome_note: 'Refund', remedy: 'refund_only' });
      expect(acted).toEqual([
        {
          conversationId: 'web:lin',
          buyerId: 'buyer-web:lin',
          action: { type: 'apply_remedy', order_id: 'CD1001', remedy: 'refund_only' },
        },
      ]);
      const steps = await f.store.events.list('web:lin', { types: ['step_changed', 'case_outcome'] });
      expect(steps.map((e) => [e.type, e.data])).toEqual([
        ['case_outcome', { outcome: 'settled', note: 'Refund' }],
        ['step_changed', { from: 'handoff', to: 'follow_up' }],
      ]);
    });

    it('resolves with the outcome recorded and asks the buyer the same question', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      expect(await f.desk.resolve(record.id, tom, { outcome_note: 'x' })).toMatchObject({
        code: 'not_holder',
      });
      const resolved = await f.desk.resolve(record.id, mei, {
        outcome_note: 'Refunded 89 CNY',
        remedy: 'refund_only',
      });
      expect(resolved).toMatchObject({ ok: true, value: { status: 'resolved', outcome: 'Refunded 89 CNY' } });
      expect(f.sent.map((m) => m.text)).toEqual(['How satisfied are you, 1 to 5?']);
      const logged = await f.store.events.list('web:lin', { types: ['handoff_resolved'] });
      expect(logged[0]?.data).toMatchObject({
        outcome_note: 'Refunded 89 CNY',
        remedy: 'refund_only',
        agent_id: mei.id,
      });
      expect(await f.desk.resolve(record.id, mei, { outcome_note: 'again' })).toMatchObject({
        ok: false,
        code: 'bad_status',
      });
    });
  });

  describe('compensation above the agent limit', () => {
    it('needs a supervisor: requested, decided once, and the agent is told', async () => {
      const { record } = await openCase(f, 'web:lin', 'urgent', ['health_safety']);
      await f.desk.claim(record.id, mei);
      expect(await f.desk.resolve(record.id, mei, { outcome_note: 'Pay doctor', amount: 300 })).toMatchObject(
        {
          ok: false,
          code: 'approval_required',
        },
      );
      const requested = await f.desk.requestApproval(record.id, mei, { amount: 300, reason: 'Doctor visit' });
      expect(requested).toMatchObject({
        ok: true,
        value: { status: 'pending', amount: 300, currency: 'CNY' },
      });
      const approvalId = requested.ok ? requested.value.id : '';
      expect((await f.desk.pendingApprovals()).map((a) => a.id)).toEqual([approvalId]);

      expect(await f.desk.decideApproval(approvalId, tom, { approved: true, comment: 'ok' })).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
      const decided = await f.desk.decideApproval(approvalId, ana, {
        approved: true,
        comment: 'Goodwill, documented.',
      });
      expect(decided).toMatchObject({ ok: true, value: { status: 'approved', decided_by: { name: 'Ana' } } });
      expect(
        await f.desk.decideApproval(approvalId, ana, { approved: false, comment: 'changed my mind' }),
      ).toMatchObject({
        ok: false,
        code: 'already_decided',
      });
      const told = events.find((e) => e.type === 'approval_decided');
      expect(told).toMatchObject({
        approval: { requested_by: { id: mei.id }, comment: 'Goodwill, documented.' },
      });

      expect(await f.desk.resolve(record.id, mei, { outcome_note: 'Pay doctor', amount: 300 })).toMatchObject(
        {
          ok: true,
        },
      );
    });

    it('lets an agent settle within the limit alone', async () => {
      const { record } = await openCase(f, 'web:lin');
      await f.desk.claim(record.id, mei);
      expect(await f.desk.handBack(record.id, mei, { outcome_note: 'Coupon', amount: 50 })).toMatchObject({
        ok: true,
      });
    });
  });

  describe('expiry', () => {
    it('expires cases nobody claimed in time and leaves fresh ones', async () => {
      f = createDeskFixture({ config: { expireAfterMinutes: 60 } });
      await openCase(f, 'web:old');
      f.advance(50);
      await openCase(f, 'web:new');
      f.advance(15);
      const expired = await f.desk.expireStale(f.now());
      expect(expired.map((r) => [r.conversation_id, r.status])).toEqual([['web:old', 'expired']]);
      expect((await f.desk.queue()).map((e) => e.record.conversation_id)).toEqual(['web:new']);
      expect(await f.store.events.list('web:old', { types: ['handoff_expired'] })).toHaveLength(1);
    });
  });

  describe('the case file', () => {
    it('gathers order, evidence, policy, offers, refusals, anger, notes and the transcript', async () => {
      const order: Order = {
        id: 'CD1001',
        buyer_id: 'buyer-web:lin',
        state: 'delivered',
        category: 'cosmetics',
        amount: 189,
        currency: 'CNY',
        ordered_at: '2026-02-20T08:00:00.000Z',
        delivered_at: '2026-02-24T08:00:00.000Z',
        items: [{ sku: 'FC-1', name: 'Face cream', quantity: 1, price: 189 }],
      };
      f = createDeskFixture({ orders: [order] });
      const at = f.now();
      await f.store.events.append([
        {
          conversationId: 'web:lin',
          type: 'message_received',
          at,
          data: {
            author: { id: 'buyer-web:lin', name: 'Lin', role: 'buyer' },
            text: 'My face is red after the cream <script>',
            attachments: [{ kind: 'photo', ref: '/uploads/face.jpg' }],
          },
        },
        {
          conversationId: 'web:lin',
          type: 'intent_classified',
          at,
          data: { intent: 'health_safety', anger: 0.4, slots: { problem: 'health', wants: 'refund_only' } },
        },
        {
          conversationId: 'web:lin',
          type: 'remedy_offered',
          at,
          data: {
            remedies: ['return_refund'],
            policy_rule: 'opened_cosmetics',
            allowed_remedies: ['return_refund'],
          },
        },
        {
          conversationId: 'web:lin',
          type: 'remedy_refused',
          at,
          data: { remedies: ['return_refund'], refusals: 1 },
        },
        {
          conversationId: 'web:lin',
          type: 'intent_classified',
          at,
          data: { intent: 'complaint', anger: 0.8 },
        },
        { conversationId: 'web:lin', type: 'reply_sent', at, data: { text: 'I am sorry to hear that.' } },
      ]);
      const { record } = await f.desk.request(
        'web:lin',
        { reasons: ['health_safety', 'anger'], priority: 'urgent', summary: 'Rash after face cream.' },
        { buyerId: 'buyer-web:lin', buyerName: 'Lin', language: 'en', orderId: 'CD1001' },
      );
      await f.desk.claim(record.id, mei);
      await f.desk.note(record.id, mei, 'Asked for a doctor note.');
      const file = await f.desk.caseFile(record.id);
      expect(file).toMatchObject({
        buyer: { id: 'buyer-web:lin', name: 'Lin', platform: 'web' },
        order: { id: 'CD1001', amount: 189, state: 'delivered' },
        problem: 'health',
        wants: 'refund_only',
        intent: 'complaint',
        evidence: [{ kind: 'photo', ref: '/uploads/face.jpg' }],
        policy: { rule: 'opened_cosmetics', allowed: ['return_refund'] },
        offered: [{ remedy: 'return_refund' }],
        refused: [{ remedy: 'return_refund' }],
        anger: [{ anger: 0.4 }, { anger: 0.8 }],
        reasons: ['health_safety', 'anger'],
        notes: [{ text: 'Asked for a doctor note.' }],
      });
      expect(file?.transcript.map((t) => [t.role, t.text])).toEqual([
        ['buyer', 'My face is red after the cream <script>'],
        ['bot', 'I am sorry to hear that.'],
      ]);
      expect(file?.history.map((h) => h.type)).toEqual(['handoff_requested', 'handoff_claimed']);
      expect(await f.desk.caseFile('nope')).toBeNull();
    });
  });

  it('stops telling a listener once it unsubscribes, and survives a listener that throws', async () => {
    const seen: string[] = [];
    f.desk.subscribe(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = f.desk.subscribe((e) => seen.push(e.type));
    const { record } = await openCase(f, 'web:lin');
    unsubscribe();
    await f.desk.claim(record.id, mei);
    expect(seen).toEqual(['handoff_requested']);
    expect(events.map((e) => e.type)).toEqual(['handoff_requested', 'handoff_claimed']);
  });
});
