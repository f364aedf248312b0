import type { BuyerThreadLink, CasePlaceLink, ChannelLinkRepo, LinkPlatform } from '../channel-links.ts';

/**
 * The reference channel links, in memory. Each method checks and writes without awaiting in between,
 * so "first one wins" holds inside the process. Links are copied out: callers never hold a live one.
 */
export function createMemoryChannelLinks(): ChannelLinkRepo {
  const threadsByBuyer = new Map<string, BuyerThreadLink>();
  const buyersByThread = new Map<string, BuyerThreadLink>();
  const placesByCase = new Map<string, CasePlaceLink>();
  const casesByPlace = new Map<string, CasePlaceLink>();
  const staffMessages = new Map<string, string>();
  const key = (platform: LinkPlatform, id: string) => `${platform}\u0000${id}`;
  const copy = <T>(value: T | undefined): T | null => (value ? { ...value } : null);

  return {
    async linkBuyerThread(platform, buyerId, threadId, at) {
      const held = buyersByThread.get(key(platform, threadId)) ?? threadsByBuyer.get(key(platform, buyerId));
      if (held) return { created: false, link: { ...held } };
      const link: BuyerThreadLink = {
        platform,
        buyer_id: buyerId,
        thread_id: threadId,
        created_at: at.toISOString(),
      };
      threadsByBuyer.set(key(platform, buyerId), link);
      buyersByThread.set(key(platform, threadId), link);
      return { created: true, link: { ...link } };
    },
    async threadOfBuyer(platform, buyerId) {
      return copy(threadsByBuyer.get(key(platform, buyerId)));
    },
    async buyerOfThread(platform, threadId) {
      return copy(buyersByThread.get(key(platform, threadId)));
    },

    async linkCasePlace(platform, caseId, place, cardId, at) {
      const held = placesByCase.get(key(platform, caseId)) ?? casesByPlace.get(key(platform, place));
      if (held) {
        if (held.case_id === caseId && held.place === place && held.card_id === null && cardId !== null) {
          held.card_id = cardId;
        }
        return { created: false, link: { ...held } };
      }
      const link: CasePlaceLink = {
        platform,
        case_id: caseId,
        place,
        card_id: cardId,
        created_at: at.toISOString(),
      };
      placesByCase.set(key(platform, caseId), link);
      casesByPlace.set(key(platform, place), link);
      return { created: true, link: { ...link } };
    },
    async placeOfCase(platform, caseId) {
      return copy(placesByCase.get(key(platform, caseId)));
    },
    async caseAtPlace(platform, place) {
      return copy(casesByPlace.get(key(platform, place)));
    },

    async linkStaffMessage(platform, messageId, place) {
      const k = key(platform, messageId);
      if (!staffMessages.has(k)) staffMessages.set(k, place);
    },
    async placeOfStaffMessage(platform, messageId) {
      return staffMessages.get(key(platform, messageId)) ?? null;
    },
  };
}
