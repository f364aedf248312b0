import type { Pool } from 'pg';
import type { ChannelLinkRepo } from '../channel-links.ts';
import { channelLinkRows, heldLink } from '../rows/channel-link-rows.ts';
import { postgresColumns } from './db.ts';

/**
 * The channel links on PostgreSQL (tables of postgres/migrations/003-channel-links.sql). "First one wins"
 * is `INSERT … ON CONFLICT DO NOTHING` on the unique keys, which waits for a concurrent insert of the
 * same key to commit; the read that follows (a statement of its own) then sees whichever link holds.
 */

const { toThread, toCasePlace, toStaffPlace } = channelLinkRows(postgresColumns);

export function createPostgresChannelLinks(pool: Pool): ChannelLinkRepo {
  const first = async <T>(read: (row: unknown) => T | null, text: string, values: unknown[]) =>
    read((await pool.query(text, values)).rows[0]);
  const linkBy =
    <T>(read: (row: unknown) => T | null, table: string, column: string) =>
    (platform: string, value: string): Promise<T | null> =>
      first(read, `SELECT * FROM ${table} WHERE platform = $1 AND ${column} = $2`, [platform, value]);
  const threadByThread = linkBy(toThread, 'channel_buyer_threads', 'thread_id');
  const threadByBuyer = linkBy(toThread, 'channel_buyer_threads', 'buyer_id');
  const placeByCase = linkBy(toCasePlace, 'channel_case_places', 'case_id');
  const placeByPlace = linkBy(toCasePlace, 'channel_case_places', 'place');

  return {
    async linkBuyerThread(platform, buyerId, threadId, at) {
      const { rowCount } = await pool.query(
        `INSERT INTO channel_buyer_threads (platform, buyer_id, thread_id, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [platform, buyerId, threadId, at.toISOString()],
      );
      const held = (await threadByThread(platform, threadId)) ?? (await threadByBuyer(platform, buyerId));
      return { created: rowCount === 1, link: heldLink('channel_buyer_threads', held) };
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
      return { created, link: heldLink('channel_case_places', held) };
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
    placeOfStaffMessage: (platform, messageId) =>
      first(
        toStaffPlace,
        'SELECT place FROM channel_staff_messages WHERE platform = $1 AND message_id = $2',
        [platform, messageId],
      ),
  };
}
