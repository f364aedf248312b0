import { randomUUID } from 'node:crypto';
import type { ConversationId } from '../core/conversation-id.ts';
import type { EventType } from '../core/events.ts';
import type { OutboundMessage } from '../core/messages.ts';
import type { Order } from '../orders/types.ts';
import type { DeskDeps, DeskEvent } from './desk.ts';
import { isOpenAt } from './opening-hours.ts';
import type {
  Actor,
  DeskFailure,
  DeskFailureCode,
  DeskResult,
  HandoffRecord,
  Holder,
  QueueEntry,
} from './types.ts';

const DEFAULT_EXPIRE_MINUTES = 3 * 24 * 60;
const DEFAULT_PRESENCE_MINUTES = 5;
const DEFAULT_MINUTES_PER_CASE = 6;

/**
 * What the parts of the desk (requests, actions, approvals) share: the dependencies with their defaults
 * filled in, the listeners and who is present, and the small steps every desk operation takes (record
 * an event, tell listeners, say why an action is refused).
 */
export interface DeskContext extends Omit<DeskDeps, 'newId'> {
  newId: () => string;
  expireAfterMs: number;
  minutesPerCase: number;
  /** The shop's time zone for telling buyers when it opens. */
  timezone: string | undefined;
  /** Tells every listener; a broken one never stops the others. */
  emit(event: DeskEvent): void;
  subscribe(listener: (event: DeskEvent) => void): () => void;
  /** Marks an actor present now. */
  seen(actor: Actor): void;
  /** Marks an actor gone. */
  gone(actor: Actor): void;
  /** Agents present now (seen within the presence window); outside opening hours none count. */
  agentsOnline(): Actor[];
  /** Appends one event to the conversation's event log. */
  log(
    conversationId: ConversationId,
    type: EventType,
    data: Record<string, unknown>,
    at: Date,
  ): Promise<void>;
  /** A case as the queue shows it: how long it waits (until claimed) and whether it is overdue. */
  entryOf(record: HandoffRecord, now: Date): QueueEntry;
  /** A failure for a conditional write that lost: reads the case again and says why. */
  lostRace(id: string, actor: Actor): Promise<DeskFailure>;
  /** The case's order, for the case file and the approval's currency; null when unknown or unavailable. */
  orderOf(record: HandoffRecord, state: Record<string, unknown> | null): Promise<Order | null>;
  /** Sends through the outbox; false (logged) when it could not. */
  send(message: OutboundMessage): Promise<boolean>;
}

/** The desk's shared context (see `DeskContext`). */
export function createDeskContext(deps: DeskDeps): DeskContext {
  const { store, outbox, config, clock, logger } = deps;
  const presenceMs = (config.presenceMinutes ?? DEFAULT_PRESENCE_MINUTES) * 60_000;
  const listeners = new Set<(event: DeskEvent) => void>();
  const presence = new Map<string, { actor: Actor; seenAt: number }>();

  return {
    ...deps,
    newId: deps.newId ?? (() => randomUUID()),
    expireAfterMs: (config.expireAfterMinutes ?? DEFAULT_EXPIRE_MINUTES) * 60_000,
    minutesPerCase: config.minutesPerCase ?? DEFAULT_MINUTES_PER_CASE,
    timezone: config.timezone ?? config.openingHours?.timezone,

    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          // One broken listener (a closed SSE stream, a staff desk bug) must not stop the others.
          logger.warn({ err: error, event: event.type }, 'desk listener failed');
        }
      }
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    seen(actor) {
      presence.set(actor.id, { actor, seenAt: clock().getTime() });
    },

    gone(actor) {
      presence.delete(actor.id);
    },

    agentsOnline() {
      const now = clock();
      if (config.openingHours && !isOpenAt(config.openingHours, now)) return [];
      const online: Actor[] = [];
      for (const { actor, seenAt } of presence.values()) {
        if (now.getTime() - seenAt <= presenceMs) online.push(actor);
      }
      return online;
    },

    async log(conversationId, type, data, at) {
      await store.events.append([{ conversationId, type, at, data }]);
    },

    entryOf(record, now) {
      const until = record.status === 'claimed' && record.claimed_at ? new Date(record.claimed_at) : now;
      const waiting = minutesBetween(record.requested_at, until);
      return {
        record,
        waiting_minutes: waiting,
        overdue: record.status === 'queued' && waiting > config.slaMinutes,
      };
    },

    async lostRace(id, actor) {
      const current = await store.handoffs.get(id);
      if (!current) return noCase(id);
      return notHeldBy(current, actor) ?? fail('bad_status', `the case changed; it is ${current.status}`);
    },

    async orderOf(record, state) {
      const orderId = record.order_id ?? (typeof state?.order_id === 'string' ? state.order_id : null);
      if (!deps.orders || !orderId) return null;
      try {
        const lookup = await deps.orders.find(record.buyer_id, orderId);
        return lookup.status === 'found' ? lookup.order : null;
      } catch (error) {
        logger.warn({ err: error, orderId }, 'order lookup for the case file failed');
        return null;
      }
    },

    async send(message) {
      try {
        await outbox.send(message);
        return true;
      } catch (error) {
        logger.error({ err: error, conversationId: message.conversationId }, 'desk message not delivered');
        return false;
      }
    },
  };
}

/** A refused desk operation. */
export function fail(code: DeskFailureCode, message: string, extra: Partial<DeskFailure> = {}): DeskFailure {
  return { ok: false, code, message, ...extra };
}

/** The refusal for a case id the store does not know. */
export function noCase(id: string): DeskFailure {
  return fail('not_found', `no case ${id}`);
}

/** A desk operation that went through. */
export function ok<T>(value: T): DeskResult<T> {
  return { ok: true, value };
}

/** The holder a claim records for an actor. */
export function holderOf(actor: Actor): Holder {
  return { id: actor.id, name: actor.name, via: actor.via };
}

/** Who did it, as the desk's events record it. */
export function byAgent(actor: Actor): { agent_id: string; agent_name: string; via: Actor['via'] } {
  return { agent_id: actor.id, agent_name: actor.name, via: actor.via };
}

/** Whole minutes from an ISO time to `to`, never negative. */
export function minutesBetween(from: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 60_000));
}

/** Why an action on a case that must be claimed by `actor` cannot go ahead, or null when it can. */
export function notHeldBy(record: HandoffRecord, actor: Actor): DeskFailure | null {
  if (record.status !== 'claimed') {
    return fail('bad_status', `the case is ${record.status}, not claimed`, { status: record.status });
  }
  if (record.holder && record.holder.id !== actor.id) {
    return fail('not_holder', `${record.holder.name} holds this case`, { holder: record.holder });
  }
  return null;
}
