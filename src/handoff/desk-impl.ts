import { buildCaseFile } from './case-file.ts';
import type { DeskDeps, HandoffDesk } from './desk.ts';
import { createDeskActions } from './desk-actions.ts';
import { createDeskApprovals } from './desk-approvals.ts';
import { createDeskContext, minutesBetween } from './desk-context.ts';
import { createDeskRequests } from './desk-requests.ts';
import type { HandoffRecord } from './types.ts';

/**
 * The desk (see `HandoffDesk` in desk.ts), put together from its parts: opening cases and relaying the
 * buyer (desk-requests.ts), what agents do with a case (desk-actions.ts), compensation approvals
 * (desk-approvals.ts); the queue, case files, expiry and presence are here.
 */
export function createHandoffDesk(deps: DeskDeps): HandoffDesk {
  const context = createDeskContext(deps);
  const { store, clock, log, emit } = context;

  return {
    ...createDeskRequests(context),
    ...createDeskActions(context),
    ...createDeskApprovals(context),

    async queue() {
      const now = clock();
      return (await store.handoffs.listOpen()).map((record) => context.entryOf(record, now));
    },

    async caseFile(id) {
      const record = await store.handoffs.get(id);
      if (!record) return null;
      const [conversation, events, notes, approvals] = await Promise.all([
        store.conversations.get(record.conversation_id),
        store.events.list(record.conversation_id),
        store.handoffs.notes(id),
        store.handoffs.approvals({ handoffId: id }),
      ]);
      const state = conversation?.state ?? null;
      const entry = context.entryOf(record, clock());
      return buildCaseFile({
        record,
        events,
        state,
        order: await context.orderOf(record, state),
        notes,
        approvals,
        waitingMinutes: entry.waiting_minutes,
        overdue: entry.overdue,
      });
    },

    async expireStale(now) {
      const expired: HandoffRecord[] = [];
      for (const record of await store.handoffs.listOpen()) {
        const since = record.status === 'queued' ? record.requested_at : record.updated_at;
        if (now.getTime() - Date.parse(since) < context.expireAfterMs) continue;
        const changed = await store.handoffs.transition(record.id, {
          from: record.status,
          to: 'expired',
          ...(record.holder ? { holderId: record.holder.id } : {}),
          at: now,
        });
        if (!changed) continue;
        await log(
          record.conversation_id,
          'handoff_expired',
          {
            handoff_id: record.id,
            status: record.status,
            waited_minutes: minutesBetween(record.requested_at, now),
          },
          now,
        );
        emit({ type: 'handoff_expired', at: now.toISOString(), record: changed });
        expired.push(changed);
      }
      return expired;
    },

    setPresence(actor, online) {
      if (online) context.seen(actor);
      else context.gone(actor);
    },

    agentsOnline: context.agentsOnline,
    subscribe: context.subscribe,
  };
}
