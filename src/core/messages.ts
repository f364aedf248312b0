import { z } from 'zod';
import type { ConversationId, Platform } from './conversation-id.ts';

/** Something the buyer sent along with the text. `ref` is a URL or the platform's file id. */
export const AttachmentSchema = z
  .object({
    kind: z.enum(['photo', 'video', 'document']),
    ref: z.string().min(1).max(2048),
    name: z.string().max(256).optional(),
    mime: z.string().max(128).optional(),
  })
  .strict();
export type Attachment = z.infer<typeof AttachmentSchema>;

/** Who wrote a message. Buyer ids are per platform (`telegram:123`); agents use their account name. */
export interface Author {
  id: string;
  name: string;
  role: 'buyer' | 'bot' | 'agent' | 'system';
}

/** One buyer message as every channel hands it to the pipeline. */
export interface InboundMessage {
  /** The platform's message id (Telegram update_id, Discord message id, web client id); dedupe key. */
  id: string;
  platform: Platform;
  conversationId: ConversationId;
  author: Author;
  text: string;
  attachments: Attachment[];
  receivedAt: Date;
  /**
   * The order the conversation is about when the channel knows it (a shop page that embeds the chat on
   * an order, a replayed conversation). Used until the buyer names another order.
   */
  orderId?: string;
}

/** A choice the buyer can tap where the platform has buttons; the value is sent back as text. */
export interface ReplyOption {
  label: string;
  value: string;
}

/** One message leaving calmdesk towards a conversation, from the bot or from an agent. */
export interface OutboundMessage {
  conversationId: ConversationId;
  text: string;
  from: 'bot' | 'agent';
  /** Agent's display name when from an agent. */
  agentName?: string;
  options?: ReplyOption[];
  /** Files an agent relays to the buyer. */
  attachments?: Attachment[];
  /**
   * The Chinese script the buyer writes, when the sender knows it (the pipeline does); otherwise the
   * outbox reads it from the conversation's state.
   */
  script?: 'traditional' | 'simplified';
}

/** One line of a transcript, as the web API and the agent console show it. */
export interface TranscriptEntry {
  seq: number;
  at: string;
  role: Author['role'];
  name: string;
  text: string;
  attachments: Attachment[];
  options?: ReplyOption[];
}
