import type { HandoffDesk } from './desk.ts';
import { type DeskContext, fail, noCase, notHeldBy, ok } from './desk-context.ts';
import type { Actor, ApprovalRecord, DeskFailure, HandoffRecord } from './types.ts';

/**
 * Compensation above the agent limit: the holder asks, a supervisor approves or denies, and a hand-back
 * or resolve with such an amount needs an approved request first.
 */
export function createDeskApprovals(
  context: DeskContext,
): Pick<HandoffDesk, 'requestApproval' | 'decideApproval' | 'pendingApprovals'> {
  const { store, clock, log, emit, seen } = context;

  return {
    async requestApproval(id, actor, request) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return noCase(id);
      const refused = notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      const currency = request.currency ?? (await context.orderOf(record, null))?.currency ?? 'CNY';
      const approval = await store.handoffs.addApproval({
        id: context.newId(),
        handoff_id: id,
        conversation_id: record.conversation_id,
        requested_by: { id: actor.id, name: actor.name },
        amount: request.amount,
        currency,
        reason: request.reason,
        created_at: now.toISOString(),
      });
      await log(
        record.conversation_id,
        'approval_requested',
        {
          handoff_id: id,
          approval_id: approval.id,
          agent_id: actor.id,
          agent_name: actor.name,
          amount: approval.amount,
          currency,
          reason: approval.reason,
        },
        now,
      );
      emit({ type: 'approval_requested', at: now.toISOString(), record, approval });
      return ok(approval);
    },

    async decideApproval(approvalId, actor, decision) {
      seen(actor);
      if (actor.role !== 'supervisor') return fail('forbidden', 'only a supervisor can decide approvals');
      const pending = await store.handoffs.getApproval(approvalId);
      if (!pending) return fail('not_found', `no approval ${approvalId}`);
      const now = clock();
      const decided: ApprovalRecord | null = await store.handoffs.decideApproval(
        approvalId,
        { approved: decision.approved, by: { id: actor.id, name: actor.name }, comment: decision.comment },
        now,
      );
      if (!decided) {
        const current = await store.handoffs.getApproval(approvalId);
        return fail(
          'already_decided',
          `already ${current?.status ?? 'decided'} by ${current?.decided_by?.name ?? 'someone'}`,
        );
      }
      await log(
        decided.conversation_id,
        'approval_decided',
        {
          handoff_id: decided.handoff_id,
          approval_id: decided.id,
          approved: decision.approved,
          by_id: actor.id,
          by_name: actor.name,
          comment: decision.comment,
          amount: decided.amount,
          currency: decided.currency,
          requested_by: decided.requested_by.id,
        },
        now,
      );
      const record = await store.handoffs.get(decided.handoff_id);
      if (record) emit({ type: 'approval_decided', at: now.toISOString(), record, approval: decided });
      return ok(decided);
    },

    pendingApprovals() {
      return store.handoffs.approvals({ status: 'pending' });
    },
  };
}

/** Compensation above the agent limit needs an approved request of at least that amount. */
export async function approvalMissing(
  context: DeskContext,
  record: HandoffRecord,
  actor: Actor,
  amount: number | undefined,
): Promise<DeskFailure | null> {
  const { config, store } = context;
  if (amount === undefined || amount <= config.agentLimit || actor.role === 'supervisor') return null;
  const approvals = await store.handoffs.approvals({ handoffId: record.id });
  const covered = approvals.some((a) => a.status === 'approved' && a.amount >= amount);
  return covered
    ? null
    : fail(
        'approval_required',
        `${amount} is above the agent limit of ${config.agentLimit}; ask a supervisor`,
      );
}
