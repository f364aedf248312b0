import { randomUUID } from 'node:crypto';
import type { ConversationId } from '../core/conversation-id.ts';
import { parseConversationId } from '../core/conversation-id.ts';
import { CalmdeskError } from '../core/errors.ts';
import type { EventType } from '../core/events.ts';
import type { Attachment, InboundMessage, OutboundMessage, TranscriptEntry } from '../core/messages.ts';
import type { DialogueState } from '../dialogue/types.ts';
import type { Remedy } from '../nlu/types.ts';
import type { Order } from '../orders/types.ts';
import { buildCaseFile } from './case-file.ts';
import type {
  DeskDeps,
  DeskEvent,
  DeskHandoffRequest,
  HandBackOutcome,
  HandoffContext,
  HandoffDesk,
} from './desk.ts';
import { isOpenAt, nextOpening } from './opening-hours.ts';
import type {
  Actor,
  ApprovalRecord,
  DeskFailure,
  DeskFailureCode,
  DeskResult,
  HandoffRecord,
  Holder,
  QueueEntry,
} from './types.ts';
import { PRIORITY_RANK } from './types.ts';

const DEFAULT_EXPIRE_MINUTES = 3 * 24 * 60;
const DEFAULT_PRESENCE_MINUTES = 5;
const DEFAULT_MINUTES_PER_CASE = 6;

function fail(code: DeskFailureCode, message: string, extra: Partial<DeskFailure> = {}): DeskFailure {
  return { ok: false, code, message, ...extra };
}

function ok<T>(value: T): DeskResult<T> {
  return { ok: true, value };
}

function holderOf(actor: Actor): Holder {
  return { id: actor.id, name: actor.name, via: actor.via };
}

function minutesBetween(from: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 60_000));
}

/** Why an action on a case that must be claimed by `actor` cannot go ahead, or null when it can. */
function notHeldBy(record: HandoffRecord, actor: Actor): DeskFailure | null {
  if (record.status !== 'claimed') {
    return fail('bad_status', `the case is ${record.status}, not claimed`, { status: record.status });
  }
  if (record.holder && record.holder.id !== actor.id) {
    return fail('not_holder', `${record.holder.name} holds this case`, { holder: record.holder });
  }
  return null;
}

export function createHandoffDesk(deps: DeskDeps): HandoffDesk {
  const { store, outbox, pipeline, dialogue, config, clock, logger } = deps;
  const newId = deps.newId ?? (() => randomUUID());
  const expireAfterMs = (config.expireAfterMinutes ?? DEFAULT_EXPIRE_MINUTES) * 60_000;
  const presenceMs = (config.presenceMinutes ?? DEFAULT_PRESENCE_MINUTES) * 60_000;
  const minutesPerCase = config.minutesPerCase ?? DEFAULT_MINUTES_PER_CASE;
  const timezone = config.timezone ?? config.openingHours?.timezone;
  const listeners = new Set<(event: DeskEvent) => void>();
  const presence = new Map<string, { actor: Actor; seenAt: number }>();

  function emit(event: DeskEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener (a closed SSE stream, a staff desk bug) must not stop the others.
        logger.warn({ err: error, event: event.type }, 'desk listener failed');
      }
    }
  }

  function seen(actor: Actor): void {
    presence.set(actor.id, { actor, seenAt: clock().getTime() });
  }

  async function log(
    conversationId: ConversationId,
    type: EventType,
    data: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await store.events.append([{ conversationId, type, at, data }]);
  }

  function entryOf(record: HandoffRecord, now: Date): QueueEntry {
    const until = record.status === 'claimed' && record.claimed_at ? new Date(record.claimed_at) : now;
    const waiting = minutesBetween(record.requested_at, until);
    return {
      record,
      waiting_minutes: waiting,
      overdue: record.status === 'queued' && waiting > config.slaMinutes,
    };
  }

  function agentsOnline(): Actor[] {
    const now = clock();
    if (config.openingHours && !isOpenAt(config.openingHours, now)) return [];
    const online: Actor[] = [];
    for (const { actor, seenAt } of presence.values()) {
      if (now.getTime() - seenAt <= presenceMs) online.push(actor);
    }
    return online;
  }

  /** A failure for a conditional write that lost: read the case again and say why. */
  async function lostRace(id: string, actor: Actor): Promise<DeskFailure> {
    const current = await store.handoffs.get(id);
    if (!current) return fail('not_found', `no case ${id}`);
    return notHeldBy(current, actor) ?? fail('bad_status', `the case changed; it is ${current.status}`);
  }

  async function orderOf(
    record: HandoffRecord,
    state: Record<string, unknown> | null,
  ): Promise<Order | null> {
    const orderId = record.order_id ?? (typeof state?.order_id === 'string' ? state.order_id : null);
    if (!deps.orders || !orderId) return null;
    try {
      const lookup = await deps.orders.find(record.buyer_id, orderId);
      return lookup.status === 'found' ? lookup.order : null;
    } catch (error) {
      logger.warn({ err: error, orderId }, 'order lookup for the case file failed');
      return null;
    }
  }

  async function send(message: OutboundMessage): Promise<boolean> {
    try {
      await outbox.send(message);
      return true;
    } catch (error) {
      logger.error({ err: error, conversationId: message.conversationId }, 'desk message not delivered');
      return false;
    }
  }

  /**
   * Gives the conversation back to the dialogue: `resume` continues from what the agent agreed; its state,
   * events and promises are saved before its replies leave, like the pipeline does. Runs under the
   * conversation lock.
   */
  async function resumeDialogue(
    record: HandoffRecord,
    handBack: { outcome_note?: string; remedy?: Remedy; amount?: number; resolved: boolean },
    now: Date,
  ): Promise<void> {
    const conversationId = record.conversation_id;
    let conversation = await store.conversations.get(conversationId);
    if (!conversation) {
      conversation = await store.conversations.ensure(
        conversationId,
        record.platform,
        record.buyer_id,
        record.buyer_name,
        now,
      );
    }
    const state: DialogueState = (conversation.state as DialogueState | null) ?? {
      version: 1,
      step: 'handoff',
    };
    const decision = dialogue.resume(state, handBack, record.language, now);
    let version = conversation.version;
    for (let attempt = 0; attempt < 3; attempt++) {
      const saved = await store.conversations.saveState(conversationId, decision.state, version, now);
      if (saved !== null) break;
      // Only the pipeline saves state besides us, and it waits for the same lock; a stale read is the
      // one way to get here, so read the version again.
      version = (await store.conversations.get(conversationId))?.version ?? version;
    }
    const events = decision.events.map((e) => ({ conversationId, type: e.type, at: now, data: e.data }));
    if (state.step !== decision.state.step) {
      events.push({
        conversationId,
        type: 'step_changed',
        at: now,
        data: { from: state.step, to: decision.state.step },
      });
    }
    if (events.length > 0) await store.events.append(events);
    for (const promise of decision.promises) {
      await store.promises.add(
        {
          id: promise.id,
          conversation_id: conversationId,
          kind: promise.kind,
          text: promise.text,
          due_at: promise.due_at,
          order_id: promise.order_id ?? null,
          remedy: promise.remedy ?? null,
        },
        now,
      );
    }
    for (const action of decision.actions ?? []) {
      try {
        await deps.act?.(conversationId, record.buyer_id, action);
      } catch (error) {
        logger.error(
          { err: error, conversationId, action },
          'could not carry out what the agent agreed; do it by hand',
        );
      }
    }
    for (const reply of decision.replies) {
      await send({
        conversationId,
        text: reply.text,
        from: 'bot',
        ...(reply.options ? { options: reply.options } : {}),
      });
    }
  }

  /** Compensation above the agent limit needs an approved request of at least that amount. */
  async function approvalMissing(record: HandoffRecord, actor: Actor, amount: number | undefined) {
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

  async function close(
    id: string,
    actor: Actor,
    to: 'resolved' | 'returned_to_bot',
    outcome: HandBackOutcome,
  ): Promise<DeskResult<HandoffRecord>> {
    seen(actor);
    const record = await store.handoffs.get(id);
    if (!record) return fail('not_found', `no case ${id}`);
    const refused = notHeldBy(record, actor) ?? (await approvalMissing(record, actor, outcome.amount));
    if (refused) return refused;
    const result = await pipeline.runExclusive(
      record.conversation_id,
      async (): Promise<DeskResult<HandoffRecord>> => {
        const now = clock();
        const closed = await store.handoffs.transition(id, {
          from: 'claimed',
          to,
          holderId: actor.id,
          ...(outcome.outcome_note !== undefined ? { outcome: outcome.outcome_note } : {}),
          at: now,
        });
        if (!closed) return lostRace(id, actor);
        await log(
          closed.conversation_id,
          to === 'resolved' ? 'handoff_resolved' : 'handoff_returned',
          {
            handoff_id: id,
            agent_id: actor.id,
            agent_name: actor.name,
            via: actor.via,
            outcome_note: outcome.outcome_note ?? null,
            remedy: outcome.remedy ?? null,
            amount: outcome.amount ?? null,
          },
          now,
        );
        await resumeDialogue(
          closed,
          {
            ...(outcome.outcome_note !== undefined ? { outcome_note: outcome.outcome_note } : {}),
            ...(outcome.remedy !== undefined ? { remedy: outcome.remedy } : {}),
            ...(outcome.amount !== undefined ? { amount: outcome.amount } : {}),
            resolved: to === 'resolved',
          },
          now,
        );
        return ok(closed);
      },
    );
    if (result.ok) {
      emit({
        type: to === 'resolved' ? 'handoff_resolved' : 'handoff_returned',
        at: clock().toISOString(),
        record: result.value,
        actor,
      });
    }
    return result;
  }

  function expectedWait(record: HandoffRecord, open: HandoffRecord[], online: number, now: Date) {
    const ahead = open.filter(
      (r) =>
        r.status === 'queued' &&
        r.id !== record.id &&
        (PRIORITY_RANK[r.priority] < PRIORITY_RANK[record.priority] ||
          (PRIORITY_RANK[r.priority] === PRIORITY_RANK[record.priority] &&
            r.requested_at <= record.requested_at)),
    ).length;
    if (online > 0) return { minutes: Math.ceil((ahead + 1) / online) * minutesPerCase };
    if (config.openingHours && !isOpenAt(config.openingHours, now)) {
      const opensAt = nextOpening(config.openingHours, now);
      const untilOpen = Math.ceil((opensAt.getTime() - now.getTime()) / 60_000);
      return { minutes: untilOpen + (ahead + 1) * minutesPerCase, opensAt };
    }
    return { minutes: Math.max(config.slaMinutes, (ahead + 1) * minutesPerCase) };
  }

  return {
    async request(conversationId: ConversationId, req: DeskHandoffRequest, context: HandoffContext) {
      const now = clock();
      const parts = parseConversationId(conversationId);
      if (!parts)
        throw new CalmdeskError(
          'CALMDESK_BAD_CONVERSATION_ID',
          `malformed conversation id "${conversationId}"`,
        );
      const needsApproval = req.needs_approval === true;
      const { created, record } = await store.handoffs.create(
        {
          id: newId(),
          conversation_id: conversationId,
          platform: parts.platform,
          buyer_id: context.buyerId,
          buyer_name: context.buyerName,
          language: context.language,
          priority: req.priority,
          reasons: [...new Set(req.reasons)],
          summary: req.summary,
          needs_approval: needsApproval,
          order_id: context.orderId ?? null,
        },
        now,
      );
      if (!created) {
        const raised = await store.handoffs.escalate(
          record.id,
          {
            priority: req.priority,
            reasons: req.reasons,
            summary: req.summary,
            needs_approval: needsApproval,
          },
          now,
        );
        const current = raised ?? record;
        if (raised) {
          await log(
            conversationId,
            'handoff_requested',
            {
              handoff_id: current.id,
              again: true,
              reasons: req.reasons,
              priority: current.priority,
              summary: req.summary,
            },
            now,
          );
          emit({ type: 'handoff_escalated', at: now.toISOString(), record: current });
        }
        return { record: current, created: false, notice: null };
      }
      await log(
        conversationId,
        'handoff_requested',
        {
          handoff_id: record.id,
          reasons: record.reasons,
          priority: record.priority,
          summary: record.summary,
          needs_approval: needsApproval,
        },
        now,
      );
      emit({ type: 'handoff_requested', at: now.toISOString(), record });
      const online = agentsOnline().length;
      const wait = expectedWait(record, await store.handoffs.listOpen(), online, now);
      const notice = dialogue.renderHandoffNotice(record.language, {
        priority: record.priority,
        agentsOnline: online,
        expectedWaitMinutes: wait.minutes,
        ...(wait.opensAt ? { opensAt: wait.opensAt } : {}),
        health: record.reasons.includes('health_safety'),
        ...(timezone ? { timezone } : {}),
      });
      return { record, created: true, notice };
    },

    held(conversationId) {
      return store.handoffs.openFor(conversationId);
    },

    async onBuyerMessage(conversationId: ConversationId, message: InboundMessage) {
      const record = await store.handoffs.openFor(conversationId);
      if (!record) return { relayed: false, record: null };
      const now = clock();
      const relayed = record.status === 'claimed';
      const [stored] = await store.events.append([
        {
          conversationId,
          type: 'message_relayed',
          at: now,
          data: {
            handoff_id: record.id,
            message_id: message.id,
            status: record.status,
            to: record.holder?.id ?? null,
          },
        },
      ]);
      const entry: TranscriptEntry = {
        seq: stored?.seq ?? 0,
        at: message.receivedAt.toISOString(),
        role: 'buyer',
        name: message.author.name,
        text: message.text,
        attachments: message.attachments,
      };
      emit({ type: 'buyer_message', at: now.toISOString(), record, entry });
      return { relayed, record };
    },

    async queue() {
      const now = clock();
      return (await store.handoffs.listOpen()).map((record) => entryOf(record, now));
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
      const entry = entryOf(record, clock());
      return buildCaseFile({
        record,
        events,
        state,
        order: await orderOf(record, state),
        notes,
        approvals,
        waitingMinutes: entry.waiting_minutes,
        overdue: entry.overdue,
      });
    },

    async claim(id, actor) {
      seen(actor);
      const now = clock();
      const outcome = await store.handoffs.claim(id, holderOf(actor), now);
      if (!outcome.ok) {
        if (outcome.code === 'already_claimed') {
          return fail('already_claimed', `${outcome.holder.name} already has this case`, {
            holder: outcome.holder,
            status: outcome.record.status,
          });
        }
        if (outcome.code === 'not_found') return fail('not_found', `no case ${id}`);
        return fail('bad_status', `the case is ${outcome.record.status}`, { status: outcome.record.status });
      }
      const record = outcome.record;
      await log(
        record.conversation_id,
        'handoff_claimed',
        {
          handoff_id: id,
          agent_id: actor.id,
          agent_name: actor.name,
          via: actor.via,
          waited_minutes: minutesBetween(record.requested_at, now),
        },
        now,
      );
      emit({ type: 'handoff_claimed', at: now.toISOString(), record, actor });
      return ok(record);
    },

    async release(id, actor) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return fail('not_found', `no case ${id}`);
      const refused =
        actor.role === 'supervisor' && record.status === 'claimed' ? null : notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      const released = await store.handoffs.transition(id, {
        from: 'claimed',
        to: 'queued',
        ...(record.holder ? { holderId: record.holder.id } : {}),
        at: now,
      });
      if (!released) return lostRace(id, actor);
      await log(
        record.conversation_id,
        'handoff_released',
        {
          handoff_id: id,
          agent_id: actor.id,
          agent_name: actor.name,
          via: actor.via,
          holder_id: record.holder?.id ?? null,
        },
        now,
      );
      emit({ type: 'handoff_released', at: now.toISOString(), record: released, actor });
      return ok(released);
    },

    async reply(id, actor, text, attachments: Attachment[] = []) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return fail('not_found', `no case ${id}`);
      const refused = notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      let stored: unknown;
      try {
        // The outbox records the reply as agent_message (the transcript) and delivers it on the buyer's channel.
        stored = await outbox.send({
          conversationId: record.conversation_id,
          text,
          from: 'agent',
          agentName: actor.name,
          ...(attachments.length > 0 ? { attachments } : {}),
        });
      } catch (error) {
        logger.error({ err: error, handoffId: id }, 'agent reply not sent');
        return fail('delivery_failed', 'the message could not be sent; try again');
      }
      const seq =
        typeof (stored as { seq?: unknown } | undefined)?.seq === 'number'
          ? (stored as { seq: number }).seq
          : 0;
      const entry: TranscriptEntry = {
        seq,
        at: now.toISOString(),
        role: 'agent',
        name: actor.name,
        text,
        attachments,
      };
      emit({ type: 'agent_message', at: now.toISOString(), record, actor, entry });
      return ok(entry);
    },

    async note(id, actor, text) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return fail('not_found', `no case ${id}`);
      const now = clock();
      const note = {
        id: newId(),
        handoff_id: id,
        author: { id: actor.id, name: actor.name },
        text,
        created_at: now.toISOString(),
      };
      await store.handoffs.addNote(note);
      await log(
        record.conversation_id,
        'agent_note',
        { handoff_id: id, note_id: note.id, agent_id: actor.id, agent_name: actor.name, text },
        now,
      );
      emit({ type: 'note_added', at: now.toISOString(), record, note });
      return ok(note);
    },

    handBack(id, actor, outcome) {
      return close(id, actor, 'returned_to_bot', outcome);
    },

    resolve(id, actor, outcome) {
      return close(id, actor, 'resolved', outcome);
    },

    async requestApproval(id, actor, request) {
      seen(actor);
      const record = await store.handoffs.get(id);
      if (!record) return fail('not_found', `no case ${id}`);
      const refused = notHeldBy(record, actor);
      if (refused) return refused;
      const now = clock();
      const currency = request.currency ?? (await orderOf(record, null))?.currency ?? 'CNY';
      const approval = await store.handoffs.addApproval({
        id: newId(),
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

    async expireStale(now) {
      const expired: HandoffRecord[] = [];
      for (const record of await store.handoffs.listOpen()) {
        const since = record.status === 'queued' ? record.requested_at : record.updated_at;
        if (now.getTime() - Date.parse(since) < expireAfterMs) continue;
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
      if (online) seen(actor);
      else presence.delete(actor.id);
    },

    agentsOnline,

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
