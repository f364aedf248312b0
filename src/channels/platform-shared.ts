import { z } from 'zod';
import { CalmdeskError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Attachment, InboundMessage } from '../core/messages.ts';
import type { InboundHandler } from './channel.ts';
import type { DeliveryProgress } from './delivery.ts';

/**
 * What the Telegram and Discord channels do the same way: check their options, label their logger, hand
 * inbound messages on, send a message's parts so a retry resumes, and let `stop` wait for sends in flight.
 */

/** Told to a buyer who presses an option button calmdesk no longer knows (from before a restart). */
export const BUTTON_EXPIRED = 'This button has expired: please type your answer.';

/** Throws CALMDESK_CONFIG_INVALID naming the platform when its options do not parse. */
export function checkChannelOptions(schema: z.ZodType, options: unknown, platform: string): void {
  const checked = schema.safeParse(options);
  if (!checked.success) {
    throw new CalmdeskError(
      'CALMDESK_CONFIG_INVALID',
      `${platform} channel: ${z.prettifyError(checked.error)}`,
    );
  }
}

/** The logger labelled with the channel, unless the caller labelled it already. */
export function channelLogger(logger: Logger, channel: 'telegram' | 'discord'): Logger {
  // A second `channel` key would repeat in every line.
  return logger.bindings().channel ? logger : logger.child({ channel });
}

/** Hands an inbound message to the pipeline; a failure is logged, never thrown. */
export function inboundHandOn(
  onInbound: InboundHandler,
  logger: Logger,
): (message: InboundMessage) => Promise<void> {
  return async (message) => {
    try {
      await onInbound(message);
    } catch (error) {
      // The handler never throws by contract; if it does, one bad message must not stop the channel.
      logger.error({ err: error, id: message.id }, 'inbound handler failed');
    }
  };
}

/** A file's kind from its mime type: a photo sent "as a file" is still a photo of the goods. */
export function attachmentKind(mime: string | undefined): Attachment['kind'] {
  return mime?.startsWith('image/') ? 'photo' : mime?.startsWith('video/') ? 'video' : 'document';
}

/**
 * Sends parts `0 … total-1` in order, one call each. When one fails the progress remembers it, so the
 * outbox's retry of the same message starts there instead of repeating what already arrived.
 */
export async function sendParts(
  progress: DeliveryProgress,
  key: string,
  total: number,
  sendPart: (index: number) => Promise<void>,
): Promise<void> {
  for (let index = progress.start(key); index < total; index++) {
    try {
      await sendPart(index);
    } catch (error) {
      progress.stoppedAt(key, index);
      throw error;
    }
  }
  progress.finished(key);
}

/** The sends still running, so `stop` can wait for them. */
export class SendsInFlight {
  readonly #tasks = new Set<Promise<unknown>>();

  track<T>(task: Promise<T>): Promise<T> {
    this.#tasks.add(task);
    void task.then(
      () => this.#tasks.delete(task),
      () => this.#tasks.delete(task),
    );
    return task;
  }

  /** Resolves when every send tracked so far has succeeded or failed. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#tasks]);
  }
}
