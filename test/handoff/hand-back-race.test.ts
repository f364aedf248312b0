import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { InboundMessage } from '../../src/core/messages.ts';
import { createOutbox } from '../../src/core/outbox.ts';
import { createPipeline } from '../../src/core/pipeline.ts';
import { TranscriptBus } from '../../src/core/transcript-bus.ts';
import type { DecideInput, Decision } from '../../src/dialogue/types.ts';
import { createHandoffDesk } from '../../src/handoff/desk.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import { echoAnalyzer } from '../helpers/stub-parts.ts';
import { fakeDialogue, mei } from './fakes.ts';

/**
 * The buyer writes at the very moment the agent hands the conversation back. Whatever wins the
 * conversation lock, the message is recorded once and answered at most once: by the agent (relayed before
 * the hand-back) or by the bot (after it, knowing what the agent agreed).
 */
async function scene(order: 'message_first' | 'hand_back_first') {
  const store = createMemoryStore();
  const now = new Date('2026-03-02T02:00:00.000Z');
  const bus = new TranscriptBus();
  const outbox = createOutbox({ store, bus, logger: silentLogger, clock: () => now });
  const decided: DecideInput[] = [];
  const decide = (input: DecideInput): Decision => {
    decided.push(input);
    const wantsPerson = input.message.text.includes('person');
    return {
      state: { version: 1, step: wantsPerson ? 'handoff' : 'listen', agreed: input.state?.agreed ?? null },
      replies: [{ text: wantsPerson ? 'Let me find a colleague.' : `bot answers: ${input.message.text}` }],
      events: [],
      handoff: wantsPerson
        ? { reasons: ['human_requested'], priority: 'normal', summary: 'Wants a person.' }
        : null,
      promises: [],
      trace: { intent: 'x', step: 'listen', remedies_offered: [], policy_rule: null },
    };
  };
  // Gates that hold one side inside the conversation lock until the other side has started.
  let pauseInHeld: Promise<void> | null = null;
  let pauseInHandBack: Promise<void> | null = null;
  let inside: () => void = () => {};
  const entered = new Promise<void>((resolve) => {
    inside = resolve;
  });
  let desk: ReturnType<typeof createHandoffDesk> | null = null;
  const pipeline = createPipeline({
    store,
    nlu: echoAnalyzer,
    orders: { find: async () => ({ status: 'not_found' }), recent: async () => [] },
    policy: null,
    decide,
    outbox,
    bus,
    handoff: {
      held: async (id) => {
        const record = await desk!.held(id);
        if (pauseInHeld) {
          inside();
          await pauseInHeld;
        }
        return record;
      },
      onBuyerMessage: (id, m) => desk!.onBuyerMessage(id, m),
      request: (id, r, c) => desk!.request(id, r, c),
    },
    clock: () => now,
    logger: silentLogger,
  });
  desk = createHandoffDesk({
    store: {
      ...store,
      events: {
        list: (id, options) => store.events.list(id, options),
        async append(events) {
          // Pause the hand-back after the case is closed but before the bot's state is saved.
          if (pauseInHandBack && events.some((e) => e.type === 'handoff_returned')) {
            inside();
            await pauseInHandBack;
          }
          return store.events.append(events);
        },
      },
    },
    outbox,
    pipeline,
    dialogue: fakeDialogue,
    config: { slaMinutes: 15, agentLimit: 100 },
    clock: () => now,
    logger: silentLogger,
  });
  let n = 0;
  const say = (text: string): Promise<unknown> => {
    n += 1;
    const message: InboundMessage = {
      id: `m${n}`,
      platform: 'web',
      conversationId: 'web:lin',
      author: { id: 'web:lin', name: 'Lin', role: 'buyer' },
      text,
      attachments: [],
      receivedAt: now,
    };
    return pipeline.handleInbound(message);
  };

  await say('I want a person');
  const [entry] = await desk.queue();
  await desk.claim(entry!.record.id, mei);
  await desk.reply(entry!.record.id, mei, 'Mei here: we will reship on Monday.');

  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const handBack = () => desk!.handBack(entry!.record.id, mei, { outcome_note: 'reship Monday' });
  const message = () => say('Thanks, and the colour?');
  let results: unknown[];
  if (order === 'message_first') {
    pauseInHeld = gate;
    const first = message();
    await entered;
    pauseInHeld = null;
    const second = handBack();
    open();
    results = await Promise.all([first, second]);
  } else {
    pauseInHandBack = gate;
    const first = handBack();
    await entered;
    pauseInHandBack = null;
    const second = message();
    // With the lock the message must wait for the hand-back; give it time to (wrongly) finish first.
    await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 50))]);
    open();
    results = await Promise.all([second, first]);
  }

  const log = await store.events.list('web:lin');
  const received = log.filter(
    (e) => e.type === 'message_received' && e.data.text === 'Thanks, and the colour?',
  );
  const relayed = log.filter((e) => e.type === 'message_relayed');
  const botAnswers = log.filter(
    (e) => e.type === 'reply_sent' && e.data.text === 'bot answers: Thanks, and the colour?',
  );
  await outbox.stop();
  return { results, received, relayed, botAnswers, decided };
}

describe('a buyer writes while the case is being handed back', () => {
  it('relays the message to the agent when it arrives first, and the bot does not answer it', async () => {
    const { results, received, relayed, botAnswers } = await scene('message_first');
    expect(results[0]).toMatchObject({ status: 'relayed', replies: [] });
    expect(results[1]).toMatchObject({ ok: true });
    expect(received).toHaveLength(1);
    expect(relayed).toHaveLength(1);
    expect(botAnswers).toHaveLength(0);
  });

  it('lets the bot answer it once, after the hand-back, knowing what was agreed', async () => {
    const { results, received, relayed, botAnswers, decided } = await scene('hand_back_first');
    expect(results[0]).toMatchObject({ status: 'processed' });
    expect(received).toHaveLength(1);
    expect(relayed).toHaveLength(0);
    expect(botAnswers).toHaveLength(1);
    expect(decided.at(-1)?.state).toMatchObject({ step: 'follow_up', agreed: 'reship Monday' });
  });
});
