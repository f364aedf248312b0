import { CalmdeskError } from '../core/errors.ts';
import { guardRepo } from './guard.ts';
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
    handoffs: guardRepo(handoffs, assertOpen),
    agents: guardRepo(agents, assertOpen),
    async start() {
      open = true;
    },
    async stop() {
      open = false;
    },
  };
}
