import { CalmdeskError } from '../core/errors.ts';
import { guardRepo } from './guard.ts';
import { createMemoryChannelLinks } from './memory/channel-links.ts';
import { createMemoryCoreRepos } from './memory/core.ts';
import { createMemoryHandoffRepos } from './memory/handoffs.ts';
import type { Store } from './store.ts';

/** The reference Store: everything in memory, lost on exit. Used by tests, replay and CALMDESK_STORE=memory. */
export function createMemoryStore(): Store {
  let open = true;
  const assertOpen = () => {
    if (!open) throw new CalmdeskError('CALMDESK_STORE_CLOSED', 'the memory store was stopped');
  };
  const core = createMemoryCoreRepos(assertOpen);
  const { handoffs, agents } = createMemoryHandoffRepos();
  return {
    ...core,
    // In memory nothing can fail between the steps, and each is atomic on its own (claim) or idempotent
    // (ensure), so doing them in order gives the same guarantee as the SQLite transaction.
    async acceptInbound(record) {
      if (!(await core.dedupe.claim(record.platform, record.messageId, record.event.at))) return null;
      await core.conversations.ensure(
        record.conversationId,
        record.platform,
        record.buyerId,
        record.buyerName,
        record.event.at,
      );
      const [stored] = await core.events.append([record.event]);
      return stored ?? null;
    },
    async commitTurn(turn) {
      const events = await core.events.append(turn.events);
      for (const p of turn.promises) await core.promises.add(p, turn.at);
      const version = await core.conversations.saveState(
        turn.conversationId,
        turn.state,
        turn.expectedVersion,
        turn.at,
      );
      return { version, events };
    },
    handoffs: guardRepo(handoffs, assertOpen),
    agents: guardRepo(agents, assertOpen),
    channelLinks: guardRepo(createMemoryChannelLinks(), assertOpen),
    async start() {
      open = true;
    },
    async stop() {
      open = false;
    },
  };
}
