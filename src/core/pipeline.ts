import type { DecideInput, Decision, DialogueState, OrderContext, RemedyAction } from '../dialogue/types.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import type { Analysis } from '../nlu/types.ts';
import type { OrderSource } from '../orders/types.ts';
import type { Store } from '../storage/store.ts';
import type { ConversationId } from './conversation-id.ts';
import { decisionRecords } from './decision-records.ts';
import type { NewEvent } from './events.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { Logger } from './logger.ts';
import type { InboundMessage, OutboundMessage, ReplyOption } from './messages.ts';
import type { Outbox } from './outbox.ts';
import { type TranscriptBus, toTranscriptEntry } from './transcript-bus.ts';

/** The NLU as the pipeline sees it (src/nlu implements it). */
export interface Analyzer {
  analyze(text: string, options?: { attachments?: { kind: string }[]; now?: Date }): Analysis;
}

/** The handoff desk as the pipeline sees it: the part of src/handoff's desk a buyer message touches. */
export type HandoffGate = Pick<HandoffDesk, 'held' | 'onBuyerMessage' | 'request'>;

export interface PipelineDeps {
  store: Store;
  nlu: Analyzer;
  orders: OrderSource;
  policy: unknown;
  decide: (input: DecideInput) => Decision;
  outbox: Outbox;
  bus: TranscriptBus;
  handoff?: HandoffGate;
  /** Carries out decide's actions (the demo shop applies remedies); failures are logged, not fatal. */
  act?: (conversationId: ConversationId, buyerId: string, action: RemedyAction) => Promise<void>;
  clock: () => Date;
  logger: Logger;
}

/** How many of a buyer's latest orders each turn sees. */
const RECENT_ORDERS = 30;

export type HandleStatus = 'processed' | 'duplicate' | 'relayed' | 'failed';

export interface HandleResult {
  status: HandleStatus;
  replies: OutboundMessage[];
  decision?: Decision;
  analysis?: Analysis;
}

export interface Pipeline {
  /** dedupe → record → lock → (human holds it? relay) → analyze → decide → outbox → record. Never throws. */
  handleInbound(message: InboundMessage): Promise<HandleResult>;
  /** Runs `task` inside the conversation's lock, e.g. a hand-back that must not interleave with a message. */
  runExclusive<T>(conversationId: ConversationId, task: () => Promise<T>): Promise<T>;
  /** Stops intake (later messages fail fast) and waits for the messages in flight. */
  drain(): Promise<void>;
  /** Messages accepted and not finished yet. */
  readonly inFlight: number;
}

// The fallback when something inside the bot breaks: the buyer's message is already in the log.
const FALLBACK = {
  zh: '抱歉，系统刚才出了点小问题，您的消息我们已经记下了，稍后会有同事跟进处理。',
  en: 'Sorry, something went wrong on our side. Your message is saved and a colleague will follow up.',
};

/** Control characters other than tab and newline, zero-width and bidi controls: never meaningful in a chat. */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

export function cleanText(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\r\n?/g, '\n');
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, nlu, orders, decide, outbox, bus, clock, logger } = deps;
  const lock = new KeyedLock();
  let accepting = true;
  let inFlight = 0;

  async function orderContext(
    message: InboundMessage,
    analysis: Analysis,
    state: DialogueState | null,
  ): Promise<OrderContext> {
    const buyerId = message.author.id;
    const asked = analysis.entities.find((e) => e.type === 'order_id')?.value;
    const orderId = asked ?? state?.order_id ?? message.orderId;
    const lookup = orderId ? await orders.find(buyerId, orderId) : null;
    // The recent orders are always at hand: a buyer who says "not this order" gets them as buttons. The
    // dialogue offers five at most, but looks further back for goods the buyer names ("玻璃杯碎了" finds
    // the glasses ordered a week ago behind ten newer orders).
    const recent = await orders.recent(buyerId, RECENT_ORDERS);
    return asked ? { lookup, asked_id: asked, recent } : { lookup, recent };
  }

  async function process(message: InboundMessage): Promise<HandleResult> {
    const { conversationId } = message;
    const held = deps.handoff ? await deps.handoff.held(conversationId) : null;
    if (held?.status === 'claimed') {
      // A person holds the conversation: the bot says nothing, the agent gets every word.
      await deps.handoff!.onBuyerMessage(conversationId, message);
      return { status: 'relayed', replies: [] };
    }

    const now = clock();
    const conversation = await store.conversations.get(conversationId);
    const state = (conversation?.state ?? null) as DialogueState | null;
    const analysis = nlu.analyze(message.text, { attachments: message.attachments, now });
    const order = await orderContext(message, analysis, state);
    const decision = decide({
      state,
      analysis,
      order,
      policy: deps.policy,
      now,
      message: { text: message.text, attachments: message.attachments, buyerName: message.author.name },
    });

    const records = decisionRecords(conversationId, decision, state?.step ?? null, now);
    const events: NewEvent[] = [
      {
        conversationId,
        type: 'intent_classified',
        at: now,
        data: {
          message_id: message.id,
          intent: analysis.intent,
          confidence: analysis.confidence,
          language: analysis.language,
          anger: analysis.anger,
          threats: analysis.threats,
          slots: analysis.slots,
          entities: analysis.entities,
          escalation_reasons: analysis.escalation_reasons,
        },
      },
      ...records.events,
    ];
    const { version } = await store.commitTurn({
      conversationId,
      events,
      promises: records.promises,
      state: decision.state as Record<string, unknown>,
      expectedVersion: conversation?.version ?? 0,
      at: now,
    });
    if (version === null) {
      // Only another process writing the same conversation gets here; the log keeps both turns.
      logger.warn({ conversationId }, 'conversation state changed under us; keeping the newer decision');
    }

    const outgoing: { text: string; options?: ReplyOption[] }[] = [...decision.replies];
    if (held) {
      // Queued, not claimed yet: the bot keeps collecting details and the case file gets the message too.
      await deps.handoff!.onBuyerMessage(conversationId, message);
    }
    if (decision.handoff && deps.handoff) {
      const { notice } = await deps.handoff.request(conversationId, decision.handoff, {
        buyerId: message.author.id,
        buyerName: message.author.name,
        language: analysis.language,
        ...(decision.state.order_id ? { orderId: decision.state.order_id } : {}),
      });
      if (notice) outgoing.push({ text: notice });
    }

    for (const action of decision.actions ?? []) {
      try {
        await deps.act?.(conversationId, message.author.id, action);
      } catch (error) {
        logger.error(
          { err: error, conversationId, action },
          'could not carry out an action; a person must do it',
        );
      }
    }

    const replies: OutboundMessage[] = [];
    for (const reply of outgoing) {
      // The pipeline knows the buyer's script from the state it just saved: the outbox need not read it.
      const outbound: OutboundMessage = {
        conversationId,
        text: reply.text,
        from: 'bot',
        script: decision.state.script ?? 'simplified',
      };
      if (reply.options?.length) outbound.options = reply.options;
      // What the buyer gets is what the outbox recorded (it may have written it in the buyer's script).
      const sent = await outbox.send(outbound);
      const options = sent.data.options as ReplyOption[] | undefined;
      replies.push({ ...outbound, text: String(sent.data.text), ...(options ? { options } : {}) });
    }
    return { status: 'processed', replies, decision, analysis };
  }

  async function handleInbound(message: InboundMessage): Promise<HandleResult> {
    if (!accepting) return { status: 'failed', replies: [] };
    inFlight += 1;
    try {
      // Buyers' words and names go into SQL, JSON and HTML: invisible and control characters never do.
      const text = cleanText(message.text);
      const name = cleanText(message.author.name).trim() || 'buyer';
      if (text !== message.text || name !== message.author.name) {
        message = { ...message, text, author: { ...message.author, name } };
      }
      const received = await store.acceptInbound({
        platform: message.platform,
        messageId: message.id,
        conversationId: message.conversationId,
        buyerId: message.author.id,
        buyerName: message.author.name,
        event: {
          conversationId: message.conversationId,
          type: 'message_received',
          at: message.receivedAt,
          data: {
            message_id: message.id,
            author: message.author,
            text: message.text,
            attachments: message.attachments,
          },
        },
      });
      if (!received) return { status: 'duplicate', replies: [] };
      const entry = toTranscriptEntry(received);
      if (entry) bus.publish(message.conversationId, entry);

      return await lock.run(message.conversationId, async () => {
        try {
          return await process(message);
        } catch (error) {
          logger.error(
            { err: error, conversationId: message.conversationId, messageId: message.id },
            'message failed',
          );
          const zh = /[\u4e00-\u9fff]/.test(message.text);
          const fallback: OutboundMessage = {
            conversationId: message.conversationId,
            text: zh ? FALLBACK.zh : FALLBACK.en,
            from: 'bot',
          };
          await outbox.send(fallback).catch(() => undefined);
          return { status: 'failed', replies: [fallback] };
        }
      });
    } catch (error) {
      // The store itself failed (e.g. closed during shutdown): nothing was promised to the buyer yet.
      logger.error({ err: error, messageId: message.id }, 'message could not be recorded');
      return { status: 'failed', replies: [] };
    } finally {
      inFlight -= 1;
    }
  }

  return {
    handleInbound,
    runExclusive: (conversationId, task) => lock.run(conversationId, task),
    async drain() {
      accepting = false;
      await lock.drain();
    },
    get inFlight() {
      return inFlight;
    },
  };
}
