/**
 * What the chat-platform channels must remember across a restart about where things live on the
 * platform. The memory implementation (src/storage/memory/channel-links.ts) is the reference, SQLite
 * (src/storage/sqlite/channel-links.ts) the default; both pass test/contracts/channel-links.contract.ts.
 *
 * - A buyer's own support thread (the Discord support channel): a thread has one buyer, fixed once,
 *   and a buyer has one thread.
 * - A case's place on a staff surface (a Telegram forum topic or card, a Discord thread) and its card
 *   message: one place per case per platform, one case per place.
 * - A line the staff desk posted where the platform does not show the place (a Telegram group without
 *   topics), so an agent's reply to that line still finds its case.
 *
 * Every write is "first one wins": two processes (or a redelivered event) never move a link.
 */

/** The platforms whose channels keep links. */
export const LINK_PLATFORMS = ['telegram', 'discord'] as const;
export type LinkPlatform = (typeof LINK_PLATFORMS)[number];

/** A support thread and the buyer it belongs to (platform user id, without the `discord:` prefix). */
export interface BuyerThreadLink {
  platform: LinkPlatform;
  buyer_id: string;
  thread_id: string;
  created_at: string;
}

/** Where a case lives on a staff surface (`topic:…`, `card:…`, `thread:…`) and its card message, if known. */
export interface CasePlaceLink {
  platform: LinkPlatform;
  case_id: string;
  place: string;
  card_id: string | null;
  created_at: string;
}

export interface ChannelLinkRepo {
  /**
   * Gives a thread its buyer. Nothing is written when the thread already has a buyer or the buyer
   * already has a thread; `link` is then the link that holds (the thread's own, else the buyer's).
   */
  linkBuyerThread(
    platform: LinkPlatform,
    buyerId: string,
    threadId: string,
    at: Date,
  ): Promise<{ created: boolean; link: BuyerThreadLink }>;
  threadOfBuyer(platform: LinkPlatform, buyerId: string): Promise<BuyerThreadLink | null>;
  buyerOfThread(platform: LinkPlatform, threadId: string): Promise<BuyerThreadLink | null>;

  /**
   * Remembers where a case lives. Nothing is written when the case already has a place or the place
   * already has a case; `link` is then the link that holds. A link without a card learns `cardId` when
   * the same case and place are linked again with one.
   */
  linkCasePlace(
    platform: LinkPlatform,
    caseId: string,
    place: string,
    cardId: string | null,
    at: Date,
  ): Promise<{ created: boolean; link: CasePlaceLink }>;
  placeOfCase(platform: LinkPlatform, caseId: string): Promise<CasePlaceLink | null>;
  caseAtPlace(platform: LinkPlatform, place: string): Promise<CasePlaceLink | null>;

  /** Remembers the place of a message the staff desk posted (the first place given wins). */
  linkStaffMessage(platform: LinkPlatform, messageId: string, place: string, at: Date): Promise<void>;
  placeOfStaffMessage(platform: LinkPlatform, messageId: string): Promise<string | null>;
}
