import { z } from 'zod';
import { type BuyerThreadLink, type CasePlaceLink, LINK_PLATFORMS } from '../channel-links.ts';
import type { Columns } from './columns.ts';

/** The readers of the channel-link tables (migrations 003-channel-links.sql) for one dialect's columns. */
export interface ChannelLinkRows {
  /** The link of a row, or null for no row. */
  toThread(row: unknown): BuyerThreadLink | null;
  toCasePlace(row: unknown): CasePlaceLink | null;
  /** The place of a staff message's row, or null for no row. */
  toStaffPlace(row: unknown): string | null;
}

export function channelLinkRows(columns: Columns): ChannelLinkRows {
  const BuyerThreadRow = z.object({
    platform: z.enum(LINK_PLATFORMS),
    buyer_id: z.string(),
    thread_id: z.string(),
    created_at: columns.time,
  });
  const CasePlaceRow = z.object({
    platform: z.enum(LINK_PLATFORMS),
    case_id: z.string(),
    place: z.string(),
    card_id: z.string().nullable(),
    created_at: columns.time,
  });
  const StaffMessageRow = z.object({ place: z.string() });
  return {
    toThread: (row) => (row ? BuyerThreadRow.parse(row) : null),
    toCasePlace: (row) => (row ? CasePlaceRow.parse(row) : null),
    toStaffPlace: (row) => (row ? StaffMessageRow.parse(row).place : null),
  };
}

/**
 * The link that holds after a "first one wins" write. There is always one (ours or the earlier one);
 * none means the database lost a committed row.
 */
export function heldLink<T>(table: string, held: T | null): T {
  if (!held) throw new Error(`${table}: the link just written cannot be read back`);
  return held;
}
