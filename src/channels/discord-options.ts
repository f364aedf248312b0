import { z } from 'zod';
import type { Logger } from '../core/logger.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import type { StaffDesk } from '../handoff/staff-desk.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import type { Channel, InboundHandler } from './channel.ts';
import type { FileFetcher, Greeter } from './delivery.ts';

/** How the lead configures the Discord channel. */
export interface DiscordChannelOptions {
  token: string;
  /** REST root for a proxy or the tests' fake, e.g. `http://127.0.0.1:PORT/api` (default Discord's). */
  apiRoot?: string;
  /** The channel where buyers write to get a private support thread. */
  supportChannelId?: string;
  /**
   * The staff channel (a thread per case), the role whose members act as agents, and the role whose
   * members act as supervisors (they decide compensation approvals).
   */
  staff?: { channelId: string; roleId: string; supervisorRoleId?: string };
  onInbound: InboundHandler;
  /** Without a desk the staff channel is not served. */
  desk?: HandoffDesk;
  /**
   * Which buyer owns which support thread, and where each case's thread is, kept across restarts (the
   * store's `channelLinks`). Default: in memory, forgotten on restart.
   */
  links?: ChannelLinkRepo;
  /**
   * Sends the support thread's greeting through the outbox, so it is in the transcript (the lead passes
   * `outbox.send`). Without it the channel sends the greeting itself, unrecorded.
   */
  greet?: Greeter;
  /**
   * Fetches files Discord cannot show from a ref (an agent's Telegram photo) so they are uploaded; the
   * Telegram channel's `fetchFile`. Without it such files are named in a line.
   */
  fetchFile?: FileFetcher;
  /** Largest file uploaded to Discord; a bigger one is named in a line with a note (default 8 MB). */
  maxUploadBytes?: number;
  logger: Logger;
  /** How long `start` waits for the gateway's READY and the guilds (default 30 s). */
  readyTimeoutMs?: number;
  /** Retries of the REST manager for 5xx and network errors before `send` fails (default 3). */
  restRetries?: number;
}

/** The Discord channel as the lead sees it. */
export interface DiscordChannel extends Channel {
  readonly platform: 'discord';
  readonly staffDesk: StaffDesk | null;
}

/** A Discord id. */
export const Snowflake = z.string().regex(/^\d{15,21}$/, 'a Discord id (snowflake)');

/** What is checked of the options before the channel is built. */
export const DiscordOptionsSchema = z.object({
  token: z.string().min(1),
  apiRoot: z.url().optional(),
  supportChannelId: Snowflake.optional(),
  staff: z
    .object({ channelId: Snowflake, roleId: Snowflake, supervisorRoleId: Snowflake.optional() })
    .optional(),
  maxUploadBytes: z.number().int().positive().optional(),
});
