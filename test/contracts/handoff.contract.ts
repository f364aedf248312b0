import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCalmdeskError } from '../../src/core/errors.ts';
import type { HandoffRepos, NewHandoff } from '../../src/handoff/ports.ts';

/**
 * The one contract of the handoff repositories. Every implementation (memory, SQLite) runs exactly these
 * tests; nothing here knows which one it talks to.
 */
export interface HandoffReposFixture {
  repos: HandoffRepos;
  close(): Promise<void>;
}

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function newCase(id: string, conversation: string, overrides: Partial<NewHandoff> = {}): NewHandoff {
  return {
    id,
    conversation_id: conversation,
    platform: 'web',
    buyer_id: `buyer-${conversation}`,
    buyer_name: 'Lin',
    language: 'zh',
    priority: 'normal',
    reasons: ['human_requested'],
    summary: 'Buyer asks for a person.',
    needs_approval: false,
    order_id: null,
    ...overrides,
  };
}

const mei = { id: 'agent-mei', name: 'Mei', via: 'web' as const };
const tom = { id: 'agent-tom', name: 'Tom', via: 'telegram' as const };

export function handoffReposContract(name: string, open: () => Promise<HandoffReposFixture>): void {
  describe(`handoff repos contract: ${name}`, () => {
    let fixture: HandoffReposFixture;
    let repos: HandoffRepos;

    beforeEach(async () => {
      fixture = await open();
      repos = fixture.repos;
    });
    afterEach(async () => {
      await fixture.close();
    });

    describe('cases', () => {
      it('opens a queued case with its reasons and priority', async () => {
        const { created, record } = await repos.handoffs.create(
          newCase('h1', 'web:a', { priority: 'urgent', reasons: ['health_safety'], order_id: 'O-1' }),
          at(0),
        );
        expect(created).toBe(true);
        expect(record).toMatchObject({
          id: 'h1',
          conversation_id: 'web:a',
          status: 'queued',
          priority: 'urgent',
          reasons: ['health_safety'],
          order_id: 'O-1',
          holder: null,
          requested_at: at(0).toISOString(),
          claimed_at: null,
          closed_at: null,
          outcome: null,
          needs_approval: false,
        });
        expect(await repos.handoffs.get('h1')).toEqual(record);
        expect(await repos.handoffs.openFor('web:a')).toEqual(record);
        expect(await repos.handoffs.get('nope')).toBeNull();
        expect(await repos.handoffs.openFor('web:b')).toBeNull();
      });

      it('keeps one open case per conversation', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const again = await repos.handoffs.create(newCase('h2', 'web:a'), at(1));
        expect(again.created).toBe(false);
        expect(again.record.id).toBe('h1');
        expect(await repos.handoffs.get('h2')).toBeNull();
      });

      it('opens a new case once the previous one is closed', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.claim('h1', mei, at(1));
        await repos.handoffs.transition('h1', { from: 'claimed', to: 'resolved', at: at(2) });
        const next = await repos.handoffs.create(newCase('h2', 'web:a'), at(3));
        expect(next.created).toBe(true);
        expect((await repos.handoffs.listFor('web:a')).map((r) => r.id)).toEqual(['h2', 'h1']);
      });

      it('lists open cases by priority, then by how long they have waited', async () => {
        await repos.handoffs.create(newCase('n-old', 'web:1', { priority: 'normal' }), at(0));
        await repos.handoffs.create(newCase('h-new', 'web:2', { priority: 'high' }), at(5));
        await repos.handoffs.create(newCase('u-new', 'web:3', { priority: 'urgent' }), at(9));
        await repos.handoffs.create(newCase('h-old', 'web:4', { priority: 'high' }), at(2));
        await repos.handoffs.create(newCase('n-new', 'web:5', { priority: 'normal' }), at(7));
        await repos.handoffs.create(newCase('closed', 'web:6', { priority: 'urgent' }), at(1));
        await repos.handoffs.claim('closed', mei, at(2));
        await repos.handoffs.transition('closed', { from: 'claimed', to: 'resolved', at: at(3) });
        const open = await repos.handoffs.listOpen();
        expect(open.map((r) => r.id)).toEqual(['u-new', 'h-old', 'h-new', 'n-old', 'n-new']);
      });
    });

    describe('claims', () => {
      it('lets the first claim win and tells the second who holds the case', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const first = await repos.handoffs.claim('h1', mei, at(1));
        expect(first).toMatchObject({
          ok: true,
          record: { status: 'claimed', holder: mei, claimed_at: at(1).toISOString() },
        });
        const second = await repos.handoffs.claim('h1', tom, at(1));
        expect(second).toMatchObject({ ok: false, code: 'already_claimed', holder: mei });
      });

      it('gives exactly one of many concurrent claims the case', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const agents = Array.from({ length: 20 }, (_, i) => ({
          id: `a${i}`,
          name: `Agent ${i}`,
          via: 'web' as const,
        }));
        const outcomes = await Promise.all(agents.map((agent) => repos.handoffs.claim('h1', agent, at(1))));
        const winners = outcomes.filter((o) => o.ok);
        expect(winners).toHaveLength(1);
        const holder = (await repos.handoffs.get('h1'))?.holder;
        for (const outcome of outcomes) {
          if (!outcome.ok) expect(outcome).toMatchObject({ code: 'already_claimed', holder });
        }
      });

      it('refuses to claim an unknown or closed case', async () => {
        expect(await repos.handoffs.claim('ghost', mei, at(0))).toEqual({ ok: false, code: 'not_found' });
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.claim('h1', mei, at(1));
        await repos.handoffs.transition('h1', { from: 'claimed', to: 'returned_to_bot', at: at(2) });
        expect(await repos.handoffs.claim('h1', tom, at(3))).toMatchObject({ ok: false, code: 'bad_status' });
      });
    });

    describe('transitions', () => {
      it('puts a released case back in the queue without a holder', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.claim('h1', mei, at(1));
        const released = await repos.handoffs.transition('h1', {
          from: 'claimed',
          to: 'queued',
          holderId: mei.id,
          at: at(2),
        });
        expect(released).toMatchObject({ status: 'queued', holder: null, claimed_at: null, closed_at: null });
        expect((await repos.handoffs.claim('h1', tom, at(3))).ok).toBe(true);
      });

      it('applies a change only while the case is still where the caller saw it', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.claim('h1', mei, at(1));
        expect(
          await repos.handoffs.transition('h1', {
            from: 'claimed',
            to: 'resolved',
            holderId: tom.id,
            at: at(2),
          }),
        ).toBeNull();
        expect(
          await repos.handoffs.transition('h1', { from: 'queued', to: 'expired', at: at(2) }),
        ).toBeNull();
        const resolved = await repos.handoffs.transition('h1', {
          from: 'claimed',
          to: 'resolved',
          holderId: mei.id,
          outcome: 'Refund of 89 agreed.',
          at: at(3),
        });
        expect(resolved).toMatchObject({
          status: 'resolved',
          outcome: 'Refund of 89 agreed.',
          closed_at: at(3).toISOString(),
          updated_at: at(3).toISOString(),
        });
        expect(await repos.handoffs.openFor('web:a')).toBeNull();
        expect(
          await repos.handoffs.transition('h1', { from: 'claimed', to: 'queued', at: at(4) }),
        ).toBeNull();
        expect(
          await repos.handoffs.transition('ghost', { from: 'claimed', to: 'queued', at: at(4) }),
        ).toBeNull();
      });

      it('refuses a transition the table does not allow', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const error = await repos.handoffs
          .transition('h1', { from: 'queued', to: 'resolved', at: at(1) })
          .catch((e: unknown) => e);
        expect(isCalmdeskError(error, 'CALMDESK_HANDOFF_CONFLICT')).toBe(true);
        expect((await repos.handoffs.get('h1'))?.status).toBe('queued');
      });

      it('expires a queued case', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const expired = await repos.handoffs.transition('h1', { from: 'queued', to: 'expired', at: at(60) });
        expect(expired).toMatchObject({ status: 'expired', closed_at: at(60).toISOString() });
      });
    });

    describe('escalation', () => {
      it('raises priority, adds reasons, never lowers', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a', { priority: 'high', reasons: ['anger'] }), at(0));
        const raised = await repos.handoffs.escalate(
          'h1',
          {
            priority: 'urgent',
            reasons: ['health_safety', 'anger'],
            summary: 'Rash after use.',
            needs_approval: true,
          },
          at(1),
        );
        expect(raised).toMatchObject({
          priority: 'urgent',
          reasons: ['anger', 'health_safety'],
          summary: 'Rash after use.',
          needs_approval: true,
        });
        const lowered = await repos.handoffs.escalate(
          'h1',
          { priority: 'normal', reasons: [], summary: 'Later.', needs_approval: false },
          at(2),
        );
        expect(lowered).toMatchObject({ priority: 'urgent', needs_approval: true });
        expect((await repos.handoffs.listOpen())[0]?.priority).toBe('urgent');
      });

      it('does not touch a closed case', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.transition('h1', { from: 'queued', to: 'expired', at: at(1) });
        expect(
          await repos.handoffs.escalate(
            'h1',
            { priority: 'urgent', reasons: [], summary: '', needs_approval: false },
            at(2),
          ),
        ).toBeNull();
      });
    });

    describe('notes and approvals', () => {
      it('keeps private notes per case in order', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        await repos.handoffs.create(newCase('h2', 'web:b'), at(0));
        await repos.handoffs.addNote({
          id: 'n1',
          handoff_id: 'h1',
          author: mei,
          text: 'Asked for a photo.',
          created_at: at(1).toISOString(),
        });
        await repos.handoffs.addNote({
          id: 'n2',
          handoff_id: 'h1',
          author: tom,
          text: 'Photo shows redness.',
          created_at: at(2).toISOString(),
        });
        await repos.handoffs.addNote({
          id: 'n3',
          handoff_id: 'h2',
          author: tom,
          text: 'Other case.',
          created_at: at(2).toISOString(),
        });
        const notes = await repos.handoffs.notes('h1');
        expect(notes.map((n) => [n.id, n.author.name, n.text])).toEqual([
          ['n1', 'Mei', 'Asked for a photo.'],
          ['n2', 'Tom', 'Photo shows redness.'],
        ]);
      });

      it('records a compensation request and lets it be decided once', async () => {
        await repos.handoffs.create(newCase('h1', 'web:a'), at(0));
        const approval = await repos.handoffs.addApproval({
          id: 'ap1',
          handoff_id: 'h1',
          conversation_id: 'web:a',
          requested_by: { id: mei.id, name: mei.name },
          amount: 150,
          currency: 'CNY',
          reason: 'Doctor visit after the reaction.',
          created_at: at(1).toISOString(),
        });
        expect(approval).toMatchObject({
          status: 'pending',
          decided_by: null,
          comment: null,
          decided_at: null,
          amount: 150,
        });
        expect((await repos.handoffs.approvals({ status: 'pending' })).map((a) => a.id)).toEqual(['ap1']);
        const decided = await repos.handoffs.decideApproval(
          'ap1',
          { approved: true, by: { id: 'sup-ana', name: 'Ana' }, comment: 'Covered by goodwill.' },
          at(2),
        );
        expect(decided).toMatchObject({
          status: 'approved',
          decided_by: { id: 'sup-ana', name: 'Ana' },
          comment: 'Covered by goodwill.',
          decided_at: at(2).toISOString(),
        });
        expect(
          await repos.handoffs.decideApproval(
            'ap1',
            { approved: false, by: { id: 'sup-bo', name: 'Bo' }, comment: 'No.' },
            at(3),
          ),
        ).toBeNull();
        expect(await repos.handoffs.approvals({ status: 'pending' })).toEqual([]);
        expect((await repos.handoffs.approvals({ handoffId: 'h1' }))[0]?.status).toBe('approved');
        expect(await repos.handoffs.getApproval('ghost')).toBeNull();
      });
    });

    describe('agents and sessions', () => {
      const account = (id: string, name: string, role: 'agent' | 'supervisor' = 'agent') => ({
        id,
        name,
        role,
        password_hash: `scrypt$hash-of-${id}`,
        created_at: at(0).toISOString(),
        disabled: false,
      });

      it('adds accounts with unique names, found case-insensitively', async () => {
        expect(await repos.agents.add(account('a1', 'Mei'))).toEqual({ ok: true });
        expect(await repos.agents.add(account('a2', 'mei'))).toEqual({ ok: false, code: 'name_taken' });
        await repos.agents.add(account('a3', 'Ana', 'supervisor'));
        expect((await repos.agents.byName('MEI'))?.id).toBe('a1');
        expect(await repos.agents.byId('a3')).toEqual(account('a3', 'Ana', 'supervisor'));
        expect((await repos.agents.list()).map((a) => a.name)).toEqual(['Ana', 'Mei']);
        expect(await repos.agents.setPassword('a1', 'scrypt$new')).toBe(true);
        expect((await repos.agents.byId('a1'))?.password_hash).toBe('scrypt$new');
        expect(await repos.agents.setPassword('ghost', 'x')).toBe(false);
        expect(await repos.agents.byName('nobody')).toBeNull();
      });

      it('keeps sessions until they expire, slides them on activity', async () => {
        await repos.agents.add(account('a1', 'Mei'));
        const session = {
          token_hash: 'th1',
          agent_id: 'a1',
          csrf_token: 'csrf1',
          created_at: at(0).toISOString(),
          expires_at: at(30).toISOString(),
          last_seen_at: at(0).toISOString(),
        };
        await repos.agents.createSession(session);
        expect(await repos.agents.session('th1', at(10))).toEqual(session);
        expect(await repos.agents.session('th1', at(30))).toBeNull();
        expect(await repos.agents.touchSession('th1', at(60), at(20))).toBe(true);
        expect((await repos.agents.session('th1', at(45)))?.last_seen_at).toBe(at(20).toISOString());
        expect(await repos.agents.touchSession('th1', at(200), at(61))).toBe(false);
        expect(await repos.agents.session('unknown', at(0))).toBeNull();
      });

      it('deletes a session on logout and expired ones in bulk', async () => {
        await repos.agents.add(account('a1', 'Mei'));
        const base = {
          agent_id: 'a1',
          csrf_token: 'c',
          created_at: at(0).toISOString(),
          last_seen_at: at(0).toISOString(),
        };
        await repos.agents.createSession({ ...base, token_hash: 's1', expires_at: at(10).toISOString() });
        await repos.agents.createSession({ ...base, token_hash: 's2', expires_at: at(20).toISOString() });
        await repos.agents.createSession({ ...base, token_hash: 's3', expires_at: at(90).toISOString() });
        await repos.agents.deleteSession('s3');
        expect(await repos.agents.session('s3', at(1))).toBeNull();
        expect(await repos.agents.deleteExpiredSessions(at(15))).toBe(1);
        expect(await repos.agents.session('s2', at(15))).not.toBeNull();
      });
    });
  });
}
