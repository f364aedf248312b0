import { z } from 'zod';
import type { Logger } from '../core/logger.ts';
import type { Attachment } from '../core/messages.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import type { StaffDesk } from '../handoff/staff-desk.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import type { Channel, InboundHandler } from './channel.ts';
import type { FetchedFileResult, Greeter } from './delivery.ts';
import type { TelegramWebhook } from './telegram-webhook.ts';

/** How the lead configures the Telegram channel. */
export interface TelegramChannelOptions {
  token: string;
  /** `polling` (default for development) or `webhook` (Telegram calls us; needs a public https URL). */
  mode: 'polling' | 'webhook';
  /** Webhook mode: the public URL Telegram posts to, the secret it sends back, and an own port if not mounted. */
  webhook?: { url: string; secret: string; port?: number; host?: string };
  /** Bot API root, e.g. a local Bot API server or the tests' fake (default https://api.telegram.org). */
  apiRoot?: string;
  /**
   * The staff group (a supergroup id like -1001234567890), the Telegram user ids allowed to act as
   * agents, and those who act as supervisors (they decide compensation approvals).
   */
  staff?: {
    groupId: number | string;
    userIds: readonly (number | string)[];
    supervisorUserIds?: readonly (number | string)[];
  };
  onInbound: InboundHandler;
  /** Without a desk the staff group is not served. */
  desk?: HandoffDesk;
  /** Where each case's topic or card is kept across restarts (the store's `channelLinks`; default memory). */
  links?: ChannelLinkRepo;
  /**
   * Sends the `/start` greeting through the outbox, so it is in the transcript (the lead passes
   * `outbox.send`). Without it the channel sends the greeting itself, unrecorded.
   */
  greet?: Greeter;
  logger: Logger;
  /** Long-poll timeout in seconds (default 50). */
  pollTimeoutSeconds?: number;
  /** Attempts per Bot API call before `send` gives up with CALMDESK_CHANNEL_FAILED (default 5). */
  maxAttempts?: number;
  /** First wait after a failure without retry_after; doubles each time (default 1000 ms). */
  backoffMs?: number;
  /** A longer retry_after is not waited out inside `send`: it fails, and the outbox retries later (default 60). */
  maxRetryAfterSeconds?: number;
  /** How long to wait for the other photos of an album before handing them on as one message (default 800 ms). */
  albumWindowMs?: number;
}

/** The Telegram channel as the lead sees it. */
export interface TelegramChannel extends Channel {
  readonly platform: 'telegram';
  /** Set in webhook mode. */
  readonly webhook: TelegramWebhook | null;
  /** The staff desk, when a staff group and a desk were given. */
  readonly staffDesk: StaffDesk | null;
  /**
   * Fetches a file this bot received (`telegram-file:<file_id>`) for a platform that needs the bytes
   * (Discord uploads it). Files over `maxBytes` are not downloaded. Never throws.
   */
  fetchFile(attachment: Attachment, maxBytes: number): Promise<FetchedFileResult>;
}

/** What is checked of the options before the channel is built. */
export const TelegramOptionsSchema = z
  .object({
    token: z.string().min(1),
    mode: z.enum(['polling', 'webhook']),
    webhook: z
      .object({
        url: z.url(),
        secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1–256 of A-Z a-z 0-9 _ -'),
        port: z.number().int().min(0).max(65_535).optional(),
        host: z.string().optional(),
      })
      .optional(),
    apiRoot: z.url().optional(),
    staff: z
      .object({
        groupId: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]),
        userIds: z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])),
        supervisorUserIds: z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])).optional(),
      })
      .optional(),
  })
  .refine((options) => options.mode !== 'webhook' || options.webhook, {
    message: 'webhook mode needs webhook.url and webhook.secret',
    path: ['webhook'],
  });
