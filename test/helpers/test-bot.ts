import { expect } from 'vitest';
import { type Bot, createBot } from '../../src/app.ts';
import { conversationId as makeConversationId } from '../../src/core/conversation-id.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Attachment, InboundMessage } from '../../src/core/messages.ts';
import type { HandleResult } from '../../src/core/pipeline.ts';
import type { Decision } from '../../src/dialogue/types.ts';
import { createNlu, type Nlu } from '../../src/nlu/index.ts';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import type { Order } from '../../src/orders/types.ts';
import type { Store } from '../../src/storage/store.ts';

let sharedNlu: Promise<Nlu> | null = null;

/** One trained NLU per test worker: training is the slow part, and the model is read-only. */
export function testNlu(): Promise<Nlu> {
  sharedNlu ??= createNlu({ intentsDir: 'intents', cacheDir: 'data/models' });
  return sharedNlu;
}

export interface TestBotOptions {
  orders?: Order[];
  now?: Date | string;
  buyerId?: string;
  buyerName?: string;
  chat?: string;
  store?: Store;
}

export interface TestBot {
  bot: Bot;
  conversationId: string;
  buyerId: string;
  /** The buyer says something; resolves when the bot has answered (or stayed silent). */
  say(text: string, options?: { attachments?: Attachment[]; id?: string }): Promise<HandleResult>;
  /** Every reply text the bot sent in this conversation, in order. */
  readonly replies: string[];
  readonly lastResult: HandleResult | null;
  readonly lastDecision: Decision | null;
  /** Asserts that the last turn's replies (joined) match. */
  expectReply(pattern: RegExp | string): void;
  /** Asserts that the last turn handed the conversation to a person. */
  expectHandoff(expected?: { priority?: string; reason?: string }): void;
  now(): Date;
  advance(ms: number): void;
  stop(): Promise<void>;
}

/** A bot on a memory store with a fake clock, talked to like a buyer in a test. */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  let now = new Date(options.now ?? '2026-11-20T10:00:00+08:00');
  const buyerId = options.buyerId ?? 'web:buyer-1';
  const orders = new MemoryOrderSource(
    (options.orders ?? []).map((o) => ({ ...o, buyer_id: o.buyer_id ?? buyerId })),
  );
  const bot = await createBot({
    config: { store: 'memory', logLevel: 'silent' },
    ...(options.store ? { store: options.store } : {}),
    orders,
    nlu: await testNlu(),
    clock: () => now,
    logger: silentLogger,
  });
  const conversationId = makeConversationId('web', options.chat ?? 'test-chat');
  const replies: string[] = [];
  let lastResult: HandleResult | null = null;
  let counter = 0;

  return {
    bot,
    conversationId,
    buyerId,
    get replies() {
      return replies;
    },
    get lastResult() {
      return lastResult;
    },
    get lastDecision() {
      return lastResult?.decision ?? null;
    },
    async say(text, sayOptions = {}) {
      counter += 1;
      const message: InboundMessage = {
        id: sayOptions.id ?? `m${counter}`,
        platform: 'web',
        conversationId,
        author: { id: buyerId, name: options.buyerName ?? 'Buyer', role: 'buyer' },
        text,
        attachments: sayOptions.attachments ?? [],
        receivedAt: now,
      };
      lastResult = await bot.pipeline.handleInbound(message);
      replies.push(...lastResult.replies.map((r) => r.text));
      return lastResult;
    },
    expectReply(pattern) {
      const text = (lastResult?.replies ?? []).map((r) => r.text).join('\n');
      if (typeof pattern === 'string') expect(text).toContain(pattern);
      else expect(text).toMatch(pattern);
    },
    expectHandoff(expected = {}) {
      const handoff = lastResult?.decision?.handoff;
      expect(handoff, 'the bot should have handed the conversation to a person').toBeTruthy();
      if (expected.priority) expect(handoff?.priority).toBe(expected.priority);
      if (expected.reason) expect(handoff?.reasons).toContain(expected.reason);
    },
    now: () => now,
    advance(ms) {
      now = new Date(now.getTime() + ms);
    },
    stop: () => bot.stop(),
  };
}
