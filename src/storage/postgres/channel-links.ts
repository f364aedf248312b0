import type { Pool } from 'pg';
import { z } from 'zod';
import {
  type BuyerThreadLink,
  type CasePlaceLink,
  type ChannelLinkRepo,
  LINK_PLATFORMS,
} from '../channel-links.ts';
import { isoTime } from './db.ts';

/**
 * The channel links on PostgreSQL (tables of postgres/migrations/003-channel-links.sql). "First one wins"
 * is `INSERT … ON CONFLICT DO NOTHING` on the unique keys, which waits for a concurrent insert of the
 * same key to commit; the read that follows (a statement of its own) then sees whichever link holds.
 */

const BuyerThreadRow = z.object({
  platform: z.enum(LINK_PLATFORMS),
  buyer_id: z.string(),
  thread_id: z.string(),
  created_at: isoTime,
});
const CasePlaceRow = z.object({
  platform: z.enum(LINK_PLATFORMS),
  case_id: z.string(),
  place: z.string(),
  card_id: z.string().nullable(),
  created_at: isoTime,
});

const first = <T>(rows: unknown[], schema: z.ZodType<T>): T | null =>
  rows.length > 0 ? schema.parse(rows[0]) : null;

export function createPostgresChannelLinks(pool: Pool): ChannelLinkRepo {
  const threadByThread = async (platform: string, threadId: string): Promise<BuyerThreadLink | null> =>
    first(
      (
        await pool.query('SELECT * FROM channel_buyer_threads WHERE platform = $1 AND thread_id = $2', [
          platform,
          threadId,
        ])
      ).rows,
      BuyerThreadRow,
    );
  const threadByBuyer = async (platform: string, buyerId: string): Promise<BuyerThreadLink | null> =>
    first(
      (
        await pool.query('SELECT * FROM channel_buyer_threads WHERE platform = $1 AND buyer_id = $2', [
          platform,
          buyerId,
        ])
      ).rows,
      BuyerThreadRow,
    );
  const placeByCase = async (platform: string, caseId: string): Promise<CasePlaceLink | null> =>
    first(
      (
        await pool.query('SELECT * FROM channel_case_places WHERE platform = $1 AND case_id = $2', [
          platform,
          caseId,
        ])
      ).rows,
      CasePlaceRow,
    );
  const placeByPlace = async (platform: string, place: string): Promise<CasePlaceLink | null> =>
    first(
      (
        await pool.query('SELECT * FROM channel_case_places WHERE platform = $1 AND place = $2', [
          platform,
          place,
        ])
      ).rows,
      CasePlaceRow,
    );

  return {
    async linkBuyerThread(platform, buyerId, threadId, at) {
      const { rowCount } = await pool.query(
        `INSERT INTO channel_buyer_threads (platform, buyer_id, thread_id, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [platform, buyerId, threadId, at.toISOString()],
      );
      const held = (await threadByThread(platform, threadId)) ?? (await threadByBuyer(platform, buyerId));
      if (!held) throw new Error('channel_buyer_threads: the link just written cannot be read back');
      return { created: rowCount === 1, link: held };
    },
    threadOfBuyer: threadByBuyer,
    buyerOfThread: threadByThread,

    async linkCasePlace(platform, caseId, place, cardId, at) {
      const { rowCount } = await pool.query(
        `INSERT INTO channel_case_places (platform, case_id, place, card_id, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [platform, caseId, place, cardId, at.toISOString()],
      );
      const created = rowCount === 1;
      if (!created && cardId !== null) {
        await pool.query(
          `UPDATE channel_case_places SET card_id = $1
           WHERE platform = $2 AND case_id = $3 AND place = $4 AND card_id IS NULL`,
          [cardId, platform, caseId, place],
        );
      }
      const held = (await placeByCase(platform, caseId)) ?? (await placeByPlace(platform, place));
      if (!held) throw new Error('channel_case_places: the link just written cannot be read back');
      return { created, link: held };
    },
    placeOfCase: placeByCase,
    caseAtPlace: placeByPlace,

    async linkStaffMessage(platform, messageId, place, at) {
      await pool.query(
        `INSERT INTO channel_staff_messages (platform, message_id, place, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [platform, messageId, place, at.toISOString()],
      );
    },
    async placeOfStaffMessage(platform, messageId) {
      const { rows } = await pool.query(
        'SELECT place FROM channel_staff_messages WHERE platform = $1 AND message_id = $2',
        [platform, messageId],
      );
      return first(rows, z.object({ place: z.string() }))?.place ?? null;
    },
  };
}
