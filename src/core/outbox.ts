import type { Channel } from '../channels/channel.ts';
import { toTraditional } from '../nlu/script.ts';
import type { Store } from '../storage/store.ts';
import { type Platform, parseConversationId } from './conversation-id.ts';
import type { StoredEvent } from './events.ts';
import type { Logger } from './logger.ts';
import type { OutboundMessage } from './messages.ts';
import type { TranscriptBus } from './transcript-bus.ts';
import { toTranscriptEntry } from './transcript-bus.ts';

/**
 * The one way out. Every reply, the bot's or an agent's, is recorded in the event log first (the
 * transcript is evidence), published to live listeners, then delivered by the conversation's channel.
 * A failed delivery is recorded (reply_failed) and retried with backoff; it is never dropped silently.
 */
export interface Outbox {
  send(message: OutboundMessage): Promise<StoredEvent>;
  register(channel: Channel): void;
  /** Waits for deliveries in flight and stops retrying. */
  stop(): Promise<void>;
}

export interface OutboxOptions {
  store: Store;
  bus: TranscriptBus;
  logger: Logger;
  clock: () => Date;
  /** Delays between delivery attempts; the message is given up (and logged as an error) after the last. */
  retryDelaysMs?: number[];
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { store, bus, logger, clock } = options;
  const retryDelays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000];
  const channels = new Map<Platform, Channel>();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  async function deliver(message: OutboundMessage, seq: number, attempt: number): Promise<void> {
    const platform = parseConversationId(message.conversationId)?.platform;
    const channel = platform ? channels.get(platform) : undefined;
    // Web chat and replay have no channel to push to: the transcript and the live bus are the delivery.
    if (!channel) return;
    try {
      await channel.send(message);
    } catch (error) {
      const delay = retryDelays[attempt];
      await store.events
        .append([
          {
            conversationId: message.conversationId,
            type: 'reply_failed',
            at: clock(),
            data: {
              reply_seq: seq,
              attempt: attempt + 1,
              error: String(error),
              will_retry: delay !== undefined,
            },
          },
        ])
        .catch(() => undefined);
      if (delay === undefined || stopped) {
        logger.error(
          { err: error, conversationId: message.conversationId, seq },
          'reply could not be delivered',
        );
        return;
      }
      logger.warn(
        { err: error, conversationId: message.conversationId, seq, delay },
        'reply delivery failed, retrying',
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        track(deliver(message, seq, attempt + 1));
      }, delay);
      timer.unref();
      timers.add(timer);
    }
  }

  function track(task: Promise<void>): void {
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }

  // The bot's words are written in Simplified Chinese; a buyer who writes Traditional reads them in
  // Traditional, whichever part of calmdesk speaks (a reply, a handoff notice, a follow-up, a hand-back).
  async function inBuyersScript(message: OutboundMessage): Promise<OutboundMessage> {
    if (message.from !== 'bot') return message;
    const script = message.script ?? (await store.conversations.get(message.conversationId))?.state?.script;
    if (script !== 'traditional') return message;
    const converted: OutboundMessage = { ...message, text: toTraditional(message.text) };
    if (message.options)
      converted.options = message.options.map((o) => ({ ...o, label: toTraditional(o.label) }));
    return converted;
  }

  return {
    register(channel) {
      channels.set(channel.platform, channel);
    },
    async send(message) {
      message = await inBuyersScript(message);
      const data: Record<string, unknown> = { text: message.text };
      if (message.options?.length) data.options = message.options;
      if (message.attachments?.length) data.attachments = message.attachments;
      if (message.from === 'agent') data.agent = { name: message.agentName ?? 'agent' };
      const [stored] = await store.events.append([
        {
          conversationId: message.conversationId,
          type: message.from === 'agent' ? 'agent_message' : 'reply_sent',
          at: clock(),
          data,
        },
      ]);
      if (!stored) throw new Error('event log returned nothing for an append');
      const entry = toTranscriptEntry(stored);
      if (entry) bus.publish(message.conversationId, entry);
      const task = deliver(message, stored.seq, 0);
      track(task);
      await task;
      return stored;
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...inFlight]);
    },
  };
}
