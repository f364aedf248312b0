import type { Platform } from '../core/conversation-id.ts';
import type { InboundMessage, OutboundMessage } from '../core/messages.ts';

/**
 * The Channel port: a platform adapter that only translates. Inbound platform events become
 * `InboundMessage`s handed to `onInbound`; outbound messages become platform calls in `send`.
 */
export interface Channel {
  readonly platform: Platform;
  start(): Promise<void>;
  /** Stops intake; in-flight sends finish. */
  stop(): Promise<void>;
  /** Delivers one message to its conversation. Throws CALMDESK_CHANNEL_FAILED after its own retries. */
  send(message: OutboundMessage): Promise<void>;
}

/** Handed to every channel: the pipeline's entry point. Never throws for a bad message. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;
