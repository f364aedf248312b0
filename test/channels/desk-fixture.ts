import type { Channel } from '../../src/channels/channel.ts';
import { KeyedLock } from '../../src/core/keyed-lock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import { createOutbox, type Outbox } from '../../src/core/outbox.ts';
import { TranscriptBus } from '../../src/core/transcript-bus.ts';
import { createHandoffDesk, type DeskEvent, type HandoffDesk } from '../../src/handoff/desk.ts';
import type { Actor } from '../../src/handoff/types.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import type { Store } from '../../src/storage/store.ts';

/**
 * The real handoff desk over a memory store, with the real outbox, so a staff desk test shares its
 * records with "the web console" (a web actor calling the desk directly). `handler` stands in for the
 * pipeline: while a case is open it relays the buyer's message to the desk; otherwise it echoes.
 */
export interface DeskWorld {
  desk: HandoffDesk;
  store: Store;
  outbox: Outbox;
  events: DeskEvent[];
  received: InboundMessage[];
  handler(message: InboundMessage): Promise<void>;
  register(channel: Channel): void;
  /** Opens a case as the pipeline does when the dialogue escalates. */
  escalate(conversationId: string, buyerName: string, options?: { orderId?: string }): Promise<string>;
  stop(): Promise<void>;
}

export const webAgent: Actor = { id: 'agent-web-1', name: 'Wen', role: 'agent', via: 'web' };

export function createDeskWorld(): DeskWorld {
  const store = createMemoryStore();
  const bus = new TranscriptBus();
  const outbox = createOutbox({
    store,
    bus,
    logger: silentLogger,
    clock: () => new Date(),
    retryDelaysMs: [50],
  });
  const lock = new KeyedLock();
  const events: DeskEvent[] = [];
  const received: InboundMessage[] = [];
  const desk = createHandoffDesk({
    store,
    outbox: {
      async send(message) {
        await outbox.send(message);
      },
    },
    pipeline: { runExclusive: (id, task) => lock.run(id, task) },
    dialogue: {
      renderHandoffNotice: (language) =>
        language === 'zh' ? '已为您转接人工客服。' : 'A colleague will take over.',
      resume: (state, handBack, _language, now) => ({
        state: { ...state, step: 'follow_up', resumed_at: now.toISOString() },
        replies: [{ text: handBack.resolved ? 'How did we do, 1 to 5?' : 'I am back with you.' }],
        events: [],
        handoff: null,
        promises: [],
        trace: { intent: 'none', step: 'follow_up', remedies_offered: [], policy_rule: null },
      }),
    },
    config: { slaMinutes: 15, agentLimit: 100 },
    clock: () => new Date(),
    logger: silentLogger,
  });
  desk.subscribe((event) => events.push(event));
  return {
    desk,
    store,
    outbox,
    events,
    received,
    async handler(message) {
      received.push(message);
      await lock.run(message.conversationId, async () => {
        const open = await desk.held(message.conversationId);
        if (open) {
          await desk.onBuyerMessage(message.conversationId, message);
          return;
        }
        await outbox.send({
          conversationId: message.conversationId,
          from: 'bot',
          text: `echo: ${message.text}`,
        });
      });
    },
    register(channel) {
      outbox.register(channel);
    },
    async escalate(conversationId, buyerName, options = {}) {
      await store.start();
      const platform = conversationId.startsWith('discord:') ? 'discord' : 'telegram';
      await store.conversations.ensure(
        conversationId,
        platform,
        `buyer:${conversationId}`,
        buyerName,
        new Date(),
      );
      const { record } = await desk.request(
        conversationId,
        {
          reasons: ['anger', 'threat'],
          priority: 'high',
          summary: 'The mug arrived broken; the buyer wants a refund and threatens a bad review.',
        },
        {
          buyerId: `buyer:${conversationId}`,
          buyerName,
          language: 'zh',
          ...(options.orderId ? { orderId: options.orderId } : {}),
        },
      );
      return record.id;
    },
    async stop() {
      await outbox.stop();
    },
  };
}
