import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelLinkRepo } from '../../src/storage/channel-links.ts';

/**
 * The one contract of the channel links. Every implementation (memory, SQLite, and any other store)
 * runs exactly these tests; nothing here knows which one it talks to.
 */
export interface ChannelLinksFixture {
  links: ChannelLinkRepo;
  close(): Promise<void>;
}

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export function channelLinksContract(name: string, open: () => Promise<ChannelLinksFixture>): void {
  describe(`channel links contract: ${name}`, () => {
    let fixture: ChannelLinksFixture;
    let links: ChannelLinkRepo;

    beforeEach(async () => {
      fixture = await open();
      links = fixture.links;
    });
    afterEach(async () => {
      await fixture.close();
    });

    describe('a buyer’s support thread', () => {
      it('links a thread to its buyer and finds it both ways', async () => {
        const { created, link } = await links.linkBuyerThread('discord', 'sam', 'thread-1', at(0));
        expect(created).toBe(true);
        expect(link).toEqual({
          platform: 'discord',
          buyer_id: 'sam',
          thread_id: 'thread-1',
          created_at: at(0).toISOString(),
        });
        expect(await links.threadOfBuyer('discord', 'sam')).toEqual(link);
        expect(await links.buyerOfThread('discord', 'thread-1')).toEqual(link);
        expect(await links.threadOfBuyer('discord', 'mei')).toBeNull();
        expect(await links.buyerOfThread('discord', 'thread-2')).toBeNull();
        // Another platform is another world.
        expect(await links.buyerOfThread('telegram', 'thread-1')).toBeNull();
      });

      it('fixes a thread’s buyer once: a stranger cannot take it over', async () => {
        await links.linkBuyerThread('discord', 'sam', 'thread-1', at(0));
        const stranger = await links.linkBuyerThread('discord', 'eve', 'thread-1', at(1));
        expect(stranger.created).toBe(false);
        expect(stranger.link).toMatchObject({ buyer_id: 'sam', thread_id: 'thread-1' });
        expect((await links.buyerOfThread('discord', 'thread-1'))?.buyer_id).toBe('sam');
        expect(await links.threadOfBuyer('discord', 'eve')).toBeNull();
      });

      it('gives a buyer one thread: a second one is not linked', async () => {
        await links.linkBuyerThread('discord', 'sam', 'thread-1', at(0));
        const second = await links.linkBuyerThread('discord', 'sam', 'thread-2', at(1));
        expect(second).toMatchObject({ created: false, link: { buyer_id: 'sam', thread_id: 'thread-1' } });
        expect(await links.buyerOfThread('discord', 'thread-2')).toBeNull();
      });

      it('lets exactly one of many concurrent links of a thread win', async () => {
        const buyers = Array.from({ length: 10 }, (_, i) => `buyer-${i}`);
        const results = await Promise.all(
          buyers.map((buyer) => links.linkBuyerThread('discord', buyer, 'thread-9', at(0))),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const owner = (await links.buyerOfThread('discord', 'thread-9'))?.buyer_id;
        for (const result of results) expect(result.link.buyer_id).toBe(owner);
      });
    });

    describe('a case’s place on a staff surface', () => {
      it('links a case to its place and card and finds it both ways', async () => {
        const { created, link } = await links.linkCasePlace('telegram', 'case-1', 'topic:77', '78', at(0));
        expect(created).toBe(true);
        expect(link).toEqual({
          platform: 'telegram',
          case_id: 'case-1',
          place: 'topic:77',
          card_id: '78',
          created_at: at(0).toISOString(),
        });
        expect(await links.placeOfCase('telegram', 'case-1')).toEqual(link);
        expect(await links.caseAtPlace('telegram', 'topic:77')).toEqual(link);
        expect(await links.placeOfCase('discord', 'case-1')).toBeNull();
        expect(await links.caseAtPlace('telegram', 'topic:99')).toBeNull();
      });

      it('never moves a case nor gives a place a second case', async () => {
        await links.linkCasePlace('discord', 'case-1', 'thread:5', '5', at(0));
        const moved = await links.linkCasePlace('discord', 'case-1', 'thread:6', '6', at(1));
        expect(moved).toMatchObject({ created: false, link: { place: 'thread:5' } });
        const taken = await links.linkCasePlace('discord', 'case-2', 'thread:5', '5', at(1));
        expect(taken).toMatchObject({ created: false, link: { case_id: 'case-1' } });
        expect(await links.placeOfCase('discord', 'case-2')).toBeNull();
        expect(await links.caseAtPlace('discord', 'thread:6')).toBeNull();
      });

      it('learns the card of a place found again without one, and keeps a known card', async () => {
        await links.linkCasePlace('telegram', 'case-1', 'topic:77', null, at(0));
        const learned = await links.linkCasePlace('telegram', 'case-1', 'topic:77', '80', at(1));
        expect(learned.link.card_id).toBe('80');
        await links.linkCasePlace('telegram', 'case-1', 'topic:77', '81', at(2));
        expect((await links.placeOfCase('telegram', 'case-1'))?.card_id).toBe('80');
      });
    });

    describe('lines the staff desk posted', () => {
      it('remembers the place of a posted message, first place wins', async () => {
        await links.linkStaffMessage('telegram', '1001', 'card:1000', at(0));
        await links.linkStaffMessage('telegram', '1001', 'card:2000', at(1));
        expect(await links.placeOfStaffMessage('telegram', '1001')).toBe('card:1000');
        expect(await links.placeOfStaffMessage('telegram', '1002')).toBeNull();
        expect(await links.placeOfStaffMessage('discord', '1001')).toBeNull();
      });
    });
  });
}
