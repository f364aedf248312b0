import type { Attachment } from '../core/messages.ts';
import type { CaseCard, StaffButton } from './staff-card.ts';
import type { HandoffRecord } from './types.ts';

/** The staff desks the platforms offer. */
export type StaffVia = 'telegram' | 'discord';

/** Where the desk opened a case: the surface's place for it, and the card message if it has one. */
export interface OpenedCase {
  place: string;
  cardId: string | null;
}

/**
 * What a platform offers the staff desk (each channel file implements it). A "place" is the surface's own
 * id for where a case lives (a forum topic, a thread, or the card message in a group without topics).
 */
export interface StaffSurface {
  readonly via: StaffVia;
  /** Longest title the platform accepts for a topic/thread. */
  readonly titleLimit: number;
  /** Opens the case's place and posts the card there. */
  openCase(record: HandoffRecord, card: CaseCard): Promise<OpenedCase>;
  /**
   * Posts a line (and files, and buttons under the line) in the case's place. Returns the ids of the
   * messages whose place the platform does not show by itself (replies to them must still find the case).
   */
  post(
    place: string,
    text: string,
    attachments?: readonly Attachment[],
    buttons?: readonly StaffButton[],
  ): Promise<string[]>;
  /** Shows the card's new status and buttons. */
  updateCard(place: string, cardId: string, card: CaseCard): Promise<void>;
}
