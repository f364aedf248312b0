import { KeyedLock } from '../core/keyed-lock.ts';
import type { Logger } from '../core/logger.ts';
import type { Attachment } from '../core/messages.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import { createMemoryChannelLinks } from '../storage/memory/channel-links.ts';
import type { DeskEvent, HandoffDesk } from './desk.ts';
import { type CaseCard, caseCard, type StaffButton } from './staff-card.ts';
import { createStaffInputHandler, type StaffAnswer, type StaffInput } from './staff-input.ts';
import { staffLineFor } from './staff-lines.ts';
import type { StaffSurface } from './staff-surface.ts';
import { type CaseFile, type HandoffRecord, isOpen } from './types.ts';

/**
 * The staff desk shared by the Telegram staff group and the Discord staff channel. Platform-neutral: each
 * channel file supplies a `StaffSurface` (post a card, post a line, show new buttons) and hands staff input
 * to `handle`. The desk is the single source of truth, the same records as the web console; this loop
 * listens to `desk.subscribe` and posts what others did (see staff-lines.ts), opening a case's place (its
 * card, see staff-card.ts) the first time the case shows up. Staff input is carried out in staff-input.ts.
 */
export interface StaffDesk {
  /** Subscribes to the desk. */
  start(): void;
  /** Unsubscribes and waits for posts in flight. */
  stop(): Promise<void>;
  handle(input: StaffInput): Promise<StaffAnswer | null>;
  /** The case living at a place, if known. */
  caseAt(place: string): Promise<string | undefined>;
  /** Where a case lives on this surface, if it has been opened. */
  placeOf(caseId: string): Promise<string | undefined>;
  /** The place of a message this desk posted where the platform does not show it (see `StaffSurface.post`). */
  placeOfMessage(messageId: string): Promise<string | undefined>;
}

/** What a staff desk runs on. */
export interface StaffDeskOptions {
  desk: HandoffDesk;
  surface: StaffSurface;
  /**
   * Where the desk keeps each case's place and card, so a restart finds the old topic/thread instead of
   * opening a second one (the store's `channelLinks`). Default: in memory, forgotten on restart.
   */
  links?: ChannelLinkRepo;
  logger: Logger;
  clock?: () => Date;
}

/** The staff desk a platform channel runs over its `StaffSurface`. */
export function createStaffDesk(options: StaffDeskOptions): StaffDesk {
  const { desk, surface, logger } = options;
  const links = options.links ?? createMemoryChannelLinks();
  const clock = options.clock ?? (() => new Date());
  const via = surface.via;
  const files = new Map<string, CaseFile | null>();
  const lock = new KeyedLock();
  let unsubscribe: (() => void) | null = null;

  async function fileOf(record: HandoffRecord): Promise<CaseFile | null> {
    if (!files.has(record.id)) {
      const file = await desk.caseFile(record.id).catch((error: unknown) => {
        logger.warn({ err: error, caseId: record.id }, 'case file unavailable; posting the card without it');
        return null;
      });
      files.set(record.id, file);
    }
    return files.get(record.id) ?? null;
  }

  async function cardOf(record: HandoffRecord): Promise<CaseCard> {
    return caseCard(record, await fileOf(record), surface.titleLimit);
  }

  /** The case's place, opened now when the case is still open; null for a closed case never shown. */
  async function ensurePlace(
    record: HandoffRecord,
  ): Promise<{ place: string; cardId: string | null; opened: boolean } | null> {
    const known = await links.placeOfCase(via, record.id);
    if (known) return { place: known.place, cardId: known.card_id, opened: false };
    if (!isOpen(record.status)) return null;
    const opened = await surface.openCase(record, await cardOf(record));
    const { link } = await links.linkCasePlace(via, record.id, opened.place, opened.cardId, clock());
    if (link.place !== opened.place) {
      logger.warn({ caseId: record.id, place: opened.place, kept: link.place }, 'case already had a place');
    }
    return { place: link.place, cardId: link.card_id, opened: link.place === opened.place };
  }

  async function post(
    place: string,
    text: string,
    attachments?: readonly Attachment[],
    buttons?: readonly StaffButton[],
  ): Promise<void> {
    const ids = await surface.post(place, text, attachments, buttons);
    for (const id of ids) await links.linkStaffMessage(via, id, place, clock());
  }

  async function apply(event: DeskEvent): Promise<void> {
    const { record } = event;
    if (event.type === 'handoff_escalated' || event.type === 'handoff_requested') files.delete(record.id);
    const where = await ensurePlace(record);
    if (!where) return;
    const line = staffLineFor(event, via);
    if (!line) return;
    const { place, cardId, opened } = where;
    await post(place, line.text, line.attachments, line.buttons);
    // A card just opened shows the current status already.
    if (line.refreshesCard && !opened && cardId)
      await surface.updateCard(place, cardId, await cardOf(record));
  }

  function onEvent(event: DeskEvent): void {
    // One case's posts stay in order (the card before the first line) while cases run in parallel.
    void lock.run(event.record.id, () =>
      apply(event).catch((error: unknown) => {
        logger.error({ err: error, caseId: event.record.id, event: event.type }, 'staff desk could not post');
      }),
    );
  }

  const handle = createStaffInputHandler({
    desk,
    links,
    via,
    clock,
    post: (place, text) => post(place, text),
    rememberFile: (caseId, file) => files.set(caseId, file),
  });

  return {
    start() {
      unsubscribe ??= desk.subscribe(onEvent);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await lock.drain();
    },
    caseAt: async (place) => (await links.caseAtPlace(via, place))?.case_id,
    placeOf: async (caseId) => (await links.placeOfCase(via, caseId))?.place,
    placeOfMessage: async (messageId) => (await links.placeOfStaffMessage(via, messageId)) ?? undefined,
    handle,
  };
}
