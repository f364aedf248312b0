import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import { createOutbox } from '../../src/core/outbox.ts';
import { cleanText, createPipeline, type PipelineDeps } from '../../src/core/pipeline.ts';
import { TranscriptBus } from '../../src/core/transcript-bus.ts';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import { createSqliteStore } from '../../src/storage/sqlite-store.ts';
import type { Store } from '../../src/storage/store.ts';
import { echoAnalyzer, echoDecide } from '../helpers/stub-parts.ts';

function setup(store: Store = createMemoryStore(), overrides: Partial<PipelineDeps> = {}) {
  const bus = new TranscriptBus();
  const clock = () => new Date('2026-11-20T02:00:00Z');
  const outbox = createOutbox({ store, bus, logger: silentLogger, clock });
  const pipeline = createPipeline({
    store,
    nlu: echoAnalyzer,
    orders: new MemoryOrderSource([]),
    policy: {},
    decide: echoDecide,
    outbox,
    bus,
    clock,
    logger: silentLogger,
    ...overrides,
  });
  return { store, bus, outbox, pipeline };
}

const message = (conversation: string, id: string, text: string): InboundMessage => ({
  id,
  platform: 'web',
  conversationId: `web:${conversation}`,
  author: { id: `web:${conversation}`, name: 'Buyer', role: 'buyer' },
  text,
  attachments: [],
  receivedAt: new Date('2026-11-20T02:00:00Z'),
});

describe('the pipeline', () => {
  it('answers a buyer and records the message, the classification and the reply', async () => {
    const { pipeline, store } = setup();
    const result = await pipeline.handleInbound(message('a', 'm1', '杯子碎了'));
    expect(result.status).toBe('processed');
    expect(result.replies.map((r) => r.text)).toEqual(['#1 杯子碎了']);
    const types = (await store.events.list('web:a')).map((e) => e.type);
    expect(types).toEqual(['message_received', 'intent_classified', 'step_changed', 'reply_sent']);
  });

  it('processes the same platform message id once', async () => {
    const { pipeline, store } = setup();
    const first = await pipeline.handleInbound(message('a', 'm1', 'hello'));
    const again = await pipeline.handleInbound(message('a', 'm1', 'hello'));
    expect(first.status).toBe('processed');
    expect(again).toEqual({ status: 'duplicate', replies: [] });
    expect(await store.events.list('web:a', { types: ['message_received'] })).toHaveLength(1);
  });

  it('strips control, zero-width and bidi characters but keeps the words', async () => {
    expect(cleanText('退\u200b款\u202e!\u0007\r\nok')).toBe('退款!\nok');
  });

  it('keeps answering after a part of the bot throws, with a polite reply and the message kept', async () => {
    let calls = 0;
    const { pipeline, store } = setup(createMemoryStore(), {
      decide: (input) => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return echoDecide(input);
      },
    });
    const failed = await pipeline.handleInbound(message('a', 'm1', '我要退款'));
    expect(failed.status).toBe('failed');
    expect(failed.replies[0]!.text).toMatch(/消息我们已经记下了/);
    const next = await pipeline.handleInbound(message('a', 'm2', 'still there?'));
    expect(next.replies[0]!.text).toBe('#1 still there?');
    expect(await store.events.list('web:a', { types: ['message_received'] })).toHaveLength(2);
  });

  for (const kind of ['memory', 'sqlite'] as const) {
    it(`answers 200 conversations × 20 concurrent messages in order, each once (${kind})`, async () => {
      const store = kind === 'memory' ? createMemoryStore() : createSqliteStore(':memory:');
      const { pipeline } = setup(store);
      const conversations = 200;
      const perConversation = 20;
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < perConversation; i++) {
        for (let c = 0; c < conversations; c++) {
          const m = message(`c${c}`, `c${c}-m${i}`, `message ${i}`);
          sends.push(pipeline.handleInbound(m));
          // Every tenth message is delivered twice, as platforms do on retries.
          if (i % 10 === 0) sends.push(pipeline.handleInbound(m));
        }
      }
      await Promise.all(sends);
      for (const c of [0, 57, 199]) {
        const replies = (await store.events.list(`web:c${c}`, { types: ['reply_sent'] })).map(
          (e) => e.data.text,
        );
        expect(replies).toEqual(Array.from({ length: perConversation }, (_, i) => `#${i + 1} message ${i}`));
      }
      let total = 0;
      for (let c = 0; c < conversations; c++) {
        total += (await store.events.list(`web:c${c}`, { types: ['message_received'] })).length;
      }
      expect(total).toBe(conversations * perConversation);
      await store.stop();
    });
  }

  it('lets in-flight messages finish on drain and refuses new ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { pipeline, store } = setup(createMemoryStore(), {
      orders: {
        find: async () => ({ status: 'not_found' }),
        recent: async () => {
          await gate;
          return [];
        },
      },
    });
    const inFlight = pipeline.handleInbound(message('a', 'm1', 'slow one'));
    await new Promise((r) => setTimeout(r, 10));
    const drained = pipeline.drain();
    expect((await pipeline.handleInbound(message('a', 'm2', 'too late'))).status).toBe('failed');
    release();
    await drained;
    expect((await inFlight).status).toBe('processed');
    expect(await store.events.list('web:a', { types: ['reply_sent'] })).toHaveLength(1);
  });
});

describe('replies follow the buyer’s script', () => {
  it('answers a buyer who writes Traditional in Traditional, and keeps it for a bare order number', async () => {
    const { createTestBot } = await import('../helpers/test-bot.ts');
    const bot = await createTestBot();
    await bot.say('過敏了，你們怎麼賠');
    bot.expectReply(/身體/);
    const { toTraditional } = await import('../../src/nlu/script.ts');
    const bare = await bot.say('CD10001');
    const text = bare.replies.map((r) => r.text).join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(toTraditional(text)).toBe(text);
    const simplified = await createTestBot({ chat: 'simplified' });
    await simplified.say('过敏了，你们怎么赔');
    simplified.expectReply(/身体/);
    await bot.stop();
    await simplified.stop();
  });
});
