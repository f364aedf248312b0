import type { ConversationId } from '../core/conversation-id.ts';
import type { Logger } from '../core/logger.ts';
import type { OutboundMessage } from '../core/messages.ts';
import type { Order, OrderSource } from '../orders/types.ts';
import type { Store } from '../storage/store.ts';
import { followUp } from './follow-up.ts';
import { BOOKS } from './replies/index.ts';
import { CaseStateSchema } from './state.ts';

export interface FollowUpJobOptions {
  store: Store;
  orders: OrderSource;
  /** Sends a message to the buyer (the outbox). */
  deliver(message: OutboundMessage): Promise<void>;
  clock: () => Date;
  intervalMs: number;
  logger: Logger;
  /**
   * Minutes of buyer silence after a bot question before one nudge (policy `follow_up.idle_nudge_minutes`);
   * 0 or absent: never nudge.
   */
  idleNudgeMinutes?: number;
  /**
   * Runs a task inside the conversation's lock (the pipeline's `runExclusive`), so a nudge never races a
   * buyer message for the state. Without it the nudge relies on the state's version check alone.
   */
  exclusive?: <T>(conversationId: ConversationId, task: () => Promise<T>) => Promise<T>;
  /** Promises and conversations looked at per run (default 200). */
  batch?: number;
}

export interface FollowUpRun {
  kept: number;
  overdue: number;
  nudged: number;
  failed: number;
}

export interface FollowUpJob {
  start(): void;
  stop(): void;
  /** One pass: settle the promises the shop has kept or missed, nudge silent buyers once. */
  runOnce(): Promise<FollowUpRun>;
}

/** Steps in which the bot waits for the buyer, so silence means a question left hanging. */
const WAITING_STEPS = new Set(['listen', 'offer', 'confirm']);

/**
 * The follow-up timer: every promise made to a buyer is checked against the order until it is kept
 * (the buyer is told it is done) or its deadline passes (the buyer is told, with an apology).
 */
export function createFollowUpJob(options: FollowUpJobOptions): FollowUpJob {
  const { store, orders, deliver, clock, logger } = options;
  const batch = options.batch ?? 200;
  const exclusive = options.exclusive ?? (<T>(_id: ConversationId, task: () => Promise<T>) => task());
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<FollowUpRun> | null = null;

  async function settlePromises(run: FollowUpRun, now: Date): Promise<void> {
    const open = await store.promises.allOpen(batch);
    const buyers = new Map<string, string | null>();
    for (const promise of open) {
      try {
        let buyerId = buyers.get(promise.conversation_id);
        if (buyerId === undefined) {
          buyerId = (await store.conversations.get(promise.conversation_id))?.buyer_id ?? null;
          buyers.set(promise.conversation_id, buyerId);
        }
        let order: Order | null = null;
        if (promise.order_id && buyerId) {
          const lookup = await orders.find(buyerId, promise.order_id);
          order = lookup.status === 'found' ? lookup.order : null;
        }
        const result = followUp(promise, order, now);
        if (result.status === 'open') continue;
        // The conditional settle makes the job safe to run in several processes: one of them tells the buyer.
        if (!(await store.promises.settle(promise.id, result.status, now))) continue;
        await store.events.append([
          {
            conversationId: promise.conversation_id,
            type: result.status === 'kept' ? 'promise_kept' : 'promise_overdue',
            at: now,
            data: { id: promise.id, kind: promise.kind, due_at: promise.due_at, order_id: promise.order_id },
          },
        ]);
        if (result.message) {
          await deliver({ conversationId: promise.conversation_id, text: result.message, from: 'bot' });
        }
        if (result.status === 'kept') run.kept += 1;
        else run.overdue += 1;
      } catch (error) {
        run.failed += 1;
        logger.error(
          { err: error, promiseId: promise.id },
          'follow-up of a promise failed; retried next run',
        );
      }
    }
  }

  async function nudgeSilentBuyers(run: FollowUpRun, now: Date): Promise<void> {
    const minutes = options.idleNudgeMinutes ?? 0;
    if (minutes <= 0) return;
    const cutoff = now.getTime() - minutes * 60_000;
    const conversations = await store.conversations.list({ limit: batch });
    for (const listed of conversations) {
      if (Date.parse(listed.updated_at) > cutoff) continue;
      try {
        await exclusive(listed.id, async () => {
          // Re-read inside the lock: the buyer may have answered since the list was taken.
          const record = await store.conversations.get(listed.id);
          if (!record || Date.parse(record.updated_at) > cutoff) return;
          const parsed = CaseStateSchema.safeParse(record.state);
          if (!parsed.success) return;
          const state = parsed.data;
          if (
            state.nudged ||
            !state.pending ||
            state.pending === 'satisfaction' ||
            !WAITING_STEPS.has(state.step)
          ) {
            return;
          }
          const book = BOOKS[state.language];
          const saved = await store.conversations.saveState(
            record.id,
            { ...state, nudged: true },
            record.version,
            now,
          );
          if (saved === null) return;
          const text = book.nudge[state.turn % book.nudge.length]!;
          const nudge: OutboundMessage = { conversationId: record.id, text, from: 'bot' };
          if (state.options.length > 0)
            nudge.options = state.options.map((o) => ({ label: o.label, value: o.value }));
          await deliver(nudge);
          run.nudged += 1;
        });
      } catch (error) {
        run.failed += 1;
        logger.error({ err: error, conversationId: listed.id }, 'nudging a silent buyer failed');
      }
    }
  }

  async function runOnce(): Promise<FollowUpRun> {
    // One pass at a time: a slow order API must not stack runs on top of each other.
    if (running) return running;
    running = (async () => {
      const run: FollowUpRun = { kept: 0, overdue: 0, nudged: 0, failed: 0 };
      const now = clock();
      try {
        await settlePromises(run, now);
        await nudgeSilentBuyers(run, now);
      } catch (error) {
        run.failed += 1;
        logger.error({ err: error }, 'follow-up run failed');
      }
      if (run.kept + run.overdue + run.nudged + run.failed > 0) logger.info(run, 'follow-up run');
      return run;
    })();
    try {
      return await running;
    } finally {
      running = null;
    }
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        void runOnce();
      }, options.intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    runOnce,
  };
}
