import { expect } from 'vitest';
import type { HandoffRepos, NewHandoff } from '../../src/handoff/ports.ts';

/**
 * The race bodies shared by the SQLite and PostgreSQL claim tests. `deskOf(i)` is the repos agent `i`
 * (or process `i`) works through: each its own connection, as separate processes would have.
 */

function urgentCase(id: string, conversation: string, buyerId: string): NewHandoff {
  return {
    id,
    conversation_id: conversation,
    platform: 'web',
    buyer_id: buyerId,
    buyer_name: 'Lin',
    language: 'zh',
    priority: 'urgent',
    reasons: ['health_safety'],
    summary: 'Rash after using the face cream.',
    needs_approval: false,
    order_id: null,
  };
}

/** `agents` agents claim each of `trials` new cases at once: each case goes to exactly one of them. */
export async function expectOneClaimWins(
  deskOf: (agent: number) => HandoffRepos,
  { agents, trials }: { agents: number; trials: number },
): Promise<void> {
  for (let trial = 0; trial < trials; trial++) {
    const id = `case-${trial}`;
    await deskOf(0).handoffs.create(urgentCase(id, `web:buyer-${trial}`, `buyer-${trial}`), new Date());
    const outcomes = await Promise.all(
      Array.from({ length: agents }, (_, i) =>
        deskOf(i).handoffs.claim(id, { id: `agent-${i}`, name: `Agent ${i}`, via: 'web' }, new Date()),
      ),
    );
    const winners = outcomes.flatMap((o) => (o.ok ? [o.record.holder?.id] : []));
    expect(winners, `trial ${trial}`).toHaveLength(1);
    const losers = outcomes.filter((o) => !o.ok);
    expect(losers).toHaveLength(agents - 1);
    for (const loser of losers)
      expect(loser).toMatchObject({ code: 'already_claimed', holder: { id: winners[0] } });
  }
}

/** `processes` processes open a case for one conversation `asks` times at once: one case is opened. */
export async function expectOneCaseOpens(
  deskOf: (process: number) => HandoffRepos,
  { processes, asks }: { processes: number; asks: number },
): Promise<void> {
  const outcomes = await Promise.all(
    Array.from({ length: asks }, (_, i) =>
      deskOf(i % processes).handoffs.create(
        {
          ...urgentCase(`h-${i}`, 'telegram:42', 'telegram:42'),
          platform: 'telegram',
          buyer_name: '小林',
          priority: 'high',
          reasons: ['threat'],
          summary: 'Buyer threatens a bad review.',
        },
        new Date(),
      ),
    ),
  );
  expect(outcomes.filter((o) => o.created)).toHaveLength(1);
  expect(new Set(outcomes.map((o) => o.record.id)).size).toBe(1);
  expect(await deskOf(processes - 1).handoffs.listFor('telegram:42')).toHaveLength(1);
}
