import type { KeyedLock } from '../core/keyed-lock.ts';
import type { InboundMessage } from '../core/messages.ts';
import { sleep } from './delivery.ts';
import { inboundOf, type TelegramUpdate } from './telegram-updates.ts';

/**
 * Telegram sends an album as one update per photo. The first photo takes the album's place in the chat's
 * queue and waits a moment for the others, so "here are the photos" is one message with every photo (one
 * reply, not one per photo).
 */
export class AlbumCollector {
  readonly #albums = new Map<string, { message: InboundMessage }>();
  readonly #inboundLock: KeyedLock;
  readonly #windowMs: number;
  readonly #handOn: (message: InboundMessage) => Promise<void>;

  /** `inboundLock` is the chat queue the channel hands messages on in; `windowMs` how long an album waits. */
  constructor(inboundLock: KeyedLock, windowMs: number, handOn: (message: InboundMessage) => Promise<void>) {
    this.#inboundLock = inboundLock;
    this.#windowMs = windowMs;
    this.#handOn = handOn;
  }

  /** Takes a buyer's album photo; returns true when the update was taken (false: not part of an album). */
  collect(update: TelegramUpdate): boolean {
    const message = update.message;
    const from = message?.from;
    if (!message?.media_group_id || message.chat.type !== 'private' || !from || from.is_bot) return false;
    const chat = String(message.chat.id);
    const key = `${chat}:${message.media_group_id}`;
    const inbound = inboundOf(update.update_id, message, from);
    const album = this.#albums.get(key);
    if (album) {
      album.message.attachments.push(...inbound.attachments);
      if (!album.message.text && inbound.text) album.message.text = inbound.text;
      return true;
    }
    this.#albums.set(key, { message: inbound });
    // Not awaited: the rest of the album may come in the next getUpdates batch.
    void this.#inboundLock.run(chat, async () => {
      await sleep(this.#windowMs);
      const collected = this.#albums.get(key);
      this.#albums.delete(key);
      if (collected) await this.#handOn(collected.message);
    });
    return true;
  }
}
