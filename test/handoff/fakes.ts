import { KeyedLock } from '../../src/core/keyed-lock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage, OutboundMessage } from '../../src/core/messages.ts';
import type { DialogueState } from '../../src/dialogue/types.ts';
import {
  createHandoffDesk,
  type DeskConfig,
  type DeskDeps,
  type DeskDialogue,
  type HandoffDesk,
} from '../../src/handoff/desk.ts';
import type { Actor } from '../../src/handoff/types.ts';
import type { Order, OrderSource } from '../../src/orders/types.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import type { Store } from '../../src/storage/store.ts';

/**
 * A stand-in for the dialogue's hand-back functions: the notice says what it was told, resume closes
 * with a satisfaction question and remembers what the agent agreed.
 */
export const fakeDialogue: DeskDialogue & { resumed: { state: DialogueState; resolved: boolean }[] } = {
  resumed: [],
  renderHandoffNotice(language, info) {
    const when = info.opensAt
      ? `opens ${info.opensAt.toISOString()}`
      : `about ${info.expectedWaitMinutes} min`;
    return `[${language}] a colleague will answer (${info.priority}, ${info.agentsOnline} online, ${when}${info.health ? ', health' : ''})`;
  },
  resume(state, handBack, _language, now) {
    fakeDialogue.resumed.push({ state, resolved: handBack.resolved });
    const agreed = handBack.outcome_note ?? '';
    return {
      state: { ...state, step: 'follow_up', agreed, awaiting: 'satisfaction', resumed_at: now.toISOString() },
      replies: [
        ...(handBack.resolved ? [] : [{ text: `I am back. Agreed: ${agreed}` }]),
        { text: 'How satisfied are you, 1 to 5?' },
      ],
      events: [
        { type: 'case_outcome', data: { outcome: handBack.resolved ? 'resolved' : 'settled', note: agreed } },
      ],
      handoff: null,
      promises: [],
      trace: { intent: 'none', step: 'follow_up', remedies_offered: [], policy_rule: null },
      ...(handBack.remedy && typeof state.order_id === 'string'
        ? { actions: [{ type: 'apply_remedy' as const, order_id: state.order_id, remedy: handBack.remedy }] }
        : {}),
    };
  },
};

export const mei: Actor = { id: 'agent-mei', name: 'Mei', role: 'agent', via: 'web' };
export const tom: Actor = { id: 'agent-tom', name: 'Tom', role: 'agent', via: 'telegram' };
export const ana: Actor = { id: 'sup-ana', name: 'Ana', role: 'supervisor', via: 'web' };

export const T0 = new Date('2026-03-02T02:00:00.000Z');

export interface DeskFixture {
  desk: HandoffDesk;
  store: Store;
  sent: OutboundMessage[];
  lock: KeyedLock;
  now(): Date;
  advance(minutes: number): void;
  /** A buyer message as the pipeline hands it over. */
  buyerMessage(conversationId: string, text: string, id?: string): InboundMessage;
}

export function createDeskFixture(
  options: {
    store?: Store;
    config?: Partial<DeskConfig>;
    orders?: Order[];
    start?: Date;
    act?: DeskDeps['act'];
  } = {},
): DeskFixture {
  let now = options.start ?? T0;
  const store = options.store ?? createMemoryStore();
  const sent: OutboundMessage[] = [];
  const lock = new KeyedLock();
  const orders: OrderSource = {
    async find(buyerId, orderId) {
      const order = (options.orders ?? []).find((o) => o.id === orderId && o.buyer_id === buyerId);
      return order ? { status: 'found', order } : { status: 'not_found' };
    },
    async recent() {
      return [];
    },
  };
  let ids = 0;
  const desk = createHandoffDesk({
    store,
    outbox: {
      async send(message) {
        sent.push(message);
        const [stored] = await store.events.append([
          {
            conversationId: message.conversationId,
            type: message.from === 'agent' ? 'agent_message' : 'reply_sent',
            at: now,
            data: {
              text: message.text,
              ...(message.from === 'agent' ? { agent: { name: message.agentName } } : {}),
            },
          },
        ]);
        return stored;
      },
    },
    pipeline: { runExclusive: (id, task) => lock.run(id, task) },
    dialogue: fakeDialogue,
    orders,
    config: { slaMinutes: 15, agentLimit: 100, ...options.config },
    clock: () => now,
    logger: silentLogger,
    newId: () => `id-${++ids}`,
    ...(options.act ? { act: options.act } : {}),
  });
  let messages = 0;
  return {
    desk,
    store,
    sent,
    lock,
    now: () => now,
    advance(minutes) {
      now = new Date(now.getTime() + minutes * 60_000);
    },
    buyerMessage(conversationId, text, id) {
      messages += 1;
      return {
        id: id ?? `msg-${messages}`,
        platform: 'web',
        conversationId,
        author: { id: `buyer-${conversationId}`, name: 'Lin', role: 'buyer' },
        text,
        attachments: [],
        receivedAt: now,
      };
    },
  };
}

/** Opens a case the way the pipeline does after `decide` asked for a person. */
export async function openCase(
  fixture: DeskFixture,
  conversationId: string,
  priority: 'urgent' | 'high' | 'normal' = 'normal',
  reasons: string[] = ['human_requested'],
) {
  await fixture.store.conversations.ensure(
    conversationId,
    'web',
    `buyer-${conversationId}`,
    'Lin',
    fixture.now(),
  );
  const conversation = await fixture.store.conversations.get(conversationId);
  await fixture.store.conversations.saveState(
    conversationId,
    { version: 1, step: 'handoff' },
    conversation?.version ?? 0,
    fixture.now(),
  );
  return fixture.desk.request(
    conversationId,
    { reasons, priority, summary: `Buyer of ${conversationId} needs a person.` },
    { buyerId: `buyer-${conversationId}`, buyerName: 'Lin', language: 'en' },
  );
}
