import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import {
  type BuyerThreadLink,
  type CasePlaceLink,
  type ChannelLinkRepo,
  LINK_PLATFORMS,
} from '../channel-links.ts';

/**
 * The channel links on SQLite (tables of migrations/003-channel-links.sql). "First one wins" is
 * `INSERT … ON CONFLICT DO NOTHING` on the unique keys, then a read of what holds.
 */

const BuyerThreadRow = z.object({
  platform: z.enum(LINK_PLATFORMS),
  buyer_id: z.string(),
  thread_id: z.string(),
  created_at: z.string(),
});
const CasePlaceRow = z.object({
  platform: z.enum(LINK_PLATFORMS),
  case_id: z.string(),
  place: z.string(),
  card_id: z.string().nullable(),
  created_at: z.string(),
});

const thread = (row: unknown): BuyerThreadLink | null => (row ? BuyerThreadRow.parse(row) : null);
const casePlace = (row: unknown): CasePlaceLink | null => (row ? CasePlaceRow.parse(row) : null);

export function createSqliteChannelLinks(db: Database): ChannelLinkRepo {
  const insertThread = db.prepare(
    'INSERT INTO channel_buyer_threads (platform, buyer_id, thread_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const threadByThread = db.prepare(
    'SELECT * FROM channel_buyer_threads WHERE platform = ? AND thread_id = ?',
  );
  const threadByBuyer = db.prepare('SELECT * FROM channel_buyer_threads WHERE platform = ? AND buyer_id = ?');
  const insertPlace = db.prepare(
    'INSERT INTO channel_case_places (platform, case_id, place, card_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const fillCard = db.prepare(
    'UPDATE channel_case_places SET card_id = ? WHERE platform = ? AND case_id = ? AND place = ? AND card_id IS NULL',
  );
  const placeByCase = db.prepare('SELECT * FROM channel_case_places WHERE platform = ? AND case_id = ?');
  const placeByPlace = db.prepare('SELECT * FROM channel_case_places WHERE platform = ? AND place = ?');
  const insertMessage = db.prepare(
    'INSERT INTO channel_staff_messages (platform, message_id, place, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const messagePlace = db.prepare(
    'SELECT place FROM channel_staff_messages WHERE platform = ? AND message_id = ?',
  );

  const linkThread = db.transaction((platform: string, buyerId: string, threadId: string, at: string) => {
    const created = insertThread.run(platform, buyerId, threadId, at).changes === 1;
    const held =
      thread(threadByThread.get(platform, threadId)) ?? thread(threadByBuyer.get(platform, buyerId));
    return { created, held };
  });
  const linkPlace = db.transaction(
    (platform: string, caseId: string, place: string, cardId: string | null, at: string) => {
      const created = insertPlace.run(platform, caseId, place, cardId, at).changes === 1;
      if (!created && cardId !== null) fillCard.run(cardId, platform, caseId, place);
      const held =
        casePlace(placeByCase.get(platform, caseId)) ?? casePlace(placeByPlace.get(platform, place));
      return { created, held };
    },
  );

  return {
    async linkBuyerThread(platform, buyerId, threadId, at) {
      const { created, held } = linkThread(platform, buyerId, threadId, at.toISOString());
      if (!held) throw new Error('channel_buyer_threads: the link just written cannot be read back');
      return { created, link: held };
    },
    async threadOfBuyer(platform, buyerId) {
      return thread(threadByBuyer.get(platform, buyerId));
    },
    async buyerOfThread(platform, threadId) {
      return thread(threadByThread.get(platform, threadId));
    },

    async linkCasePlace(platform, caseId, place, cardId, at) {
      const { created, held } = linkPlace(platform, caseId, place, cardId, at.toISOString());
      if (!held) throw new Error('channel_case_places: the link just written cannot be read back');
      return { created, link: held };
    },
    async placeOfCase(platform, caseId) {
      return casePlace(placeByCase.get(platform, caseId));
    },
    async caseAtPlace(platform, place) {
      return casePlace(placeByPlace.get(platform, place));
    },

    async linkStaffMessage(platform, messageId, place, at) {
      insertMessage.run(platform, messageId, place, at.toISOString());
    },
    async placeOfStaffMessage(platform, messageId) {
      const row = messagePlace.get(platform, messageId) as { place?: unknown } | undefined;
      return typeof row?.place === 'string' ? row.place : null;
    },
  };
}
