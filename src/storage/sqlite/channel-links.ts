import type { Database } from 'better-sqlite3';
import type { ChannelLinkRepo } from '../channel-links.ts';
import { channelLinkRows, heldLink } from '../rows/channel-link-rows.ts';
import { sqliteColumns } from './columns.ts';

/**
 * The channel links on SQLite (tables of migrations/003-channel-links.sql). "First one wins" is
 * `INSERT … ON CONFLICT DO NOTHING` on the unique keys, then a read of what holds.
 */

const { toThread, toCasePlace, toStaffPlace } = channelLinkRows(sqliteColumns);

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
      toThread(threadByThread.get(platform, threadId)) ?? toThread(threadByBuyer.get(platform, buyerId));
    return { created, held };
  });
  const linkPlace = db.transaction(
    (platform: string, caseId: string, place: string, cardId: string | null, at: string) => {
      const created = insertPlace.run(platform, caseId, place, cardId, at).changes === 1;
      if (!created && cardId !== null) fillCard.run(cardId, platform, caseId, place);
      const held =
        toCasePlace(placeByCase.get(platform, caseId)) ?? toCasePlace(placeByPlace.get(platform, place));
      return { created, held };
    },
  );

  return {
    async linkBuyerThread(platform, buyerId, threadId, at) {
      const { created, held } = linkThread(platform, buyerId, threadId, at.toISOString());
      return { created, link: heldLink('channel_buyer_threads', held) };
    },
    async threadOfBuyer(platform, buyerId) {
      return toThread(threadByBuyer.get(platform, buyerId));
    },
    async buyerOfThread(platform, threadId) {
      return toThread(threadByThread.get(platform, threadId));
    },

    async linkCasePlace(platform, caseId, place, cardId, at) {
      const { created, held } = linkPlace(platform, caseId, place, cardId, at.toISOString());
      return { created, link: heldLink('channel_case_places', held) };
    },
    async placeOfCase(platform, caseId) {
      return toCasePlace(placeByCase.get(platform, caseId));
    },
    async caseAtPlace(platform, place) {
      return toCasePlace(placeByPlace.get(platform, place));
    },

    async linkStaffMessage(platform, messageId, place, at) {
      insertMessage.run(platform, messageId, place, at.toISOString());
    },
    async placeOfStaffMessage(platform, messageId) {
      return toStaffPlace(messagePlace.get(platform, messageId));
    },
  };
}
