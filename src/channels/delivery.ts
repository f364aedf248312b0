import { createHash } from 'node:crypto';
import type { Attachment, OutboundMessage } from '../core/messages.ts';

/**
 * Small pieces both chat-platform channels use to keep their guarantees: an update is handed on once,
 * and a long reply that failed half-way resumes where it stopped instead of repeating itself.
 */

/** The ids of the last `size` platform messages seen, so a redelivered one is handed on once. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #size: number;

  constructor(size = 5_000) {
    this.#size = size;
  }

  /** True the first time an id is seen. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#size) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }
}

/**
 * How many parts of a message already reached the platform when its send failed. The outbox retries the
 * same message later; the retry starts at the first part that did not arrive.
 */
export class DeliveryProgress {
  readonly #done = new Map<string, { parts: number; at: number }>();

  /** A key for "this message to this place": the same text, files and target give the same key. */
  static key(...parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  }

  /** The first part still to send. */
  start(key: string): number {
    return this.#done.get(key)?.parts ?? 0;
  }

  /** Remembers that parts before `index` arrived. */
  stoppedAt(key: string, index: number): void {
    this.#done.set(key, { parts: index, at: Date.now() });
  }

  finished(key: string): void {
    this.#done.delete(key);
    // A message the outbox gave up on is forgotten after an hour.
    const old = Date.now() - 3_600_000;
    for (const [k, v] of this.#done) if (v.at < old) this.#done.delete(k);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends a message a channel starts by itself (a greeting) through the outbox, which records it in the
 * transcript and hands it back to the channel's `send`. The lead passes `outbox.send`.
 */
export type Greeter = (message: OutboundMessage) => Promise<unknown>;

/** A file's bytes, fetched from the platform that holds it, for a platform that needs an upload. */
export interface FetchedFile {
  name: string;
  mime?: string;
  data: Buffer;
}

/**
 * How fetching went: the file; or why not: `not_mine` (another platform's ref), `too_big` (over the
 * cap, with the size when known), `failed` (the platform did not give it; logged by the fetcher).
 */
export type FetchedFileResult =
  | { ok: true; file: FetchedFile }
  | { ok: false; reason: 'not_mine' | 'failed' }
  | { ok: false; reason: 'too_big'; size?: number };

/** Fetches an attachment another channel received (e.g. a Telegram file id) by its ref. Never throws. */
export type FileFetcher = (attachment: Attachment, maxBytes: number) => Promise<FetchedFileResult>;

/** Reads a download's body, stopping (and cancelling it) as soon as it grows past `maxBytes`. */
export async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; size: number }> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return { ok: false, size: declared };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return { ok: true, bytes: Buffer.alloc(0) };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false, size };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** `8.4 MB`, for a note saying why a file was not forwarded. */
export function sizeText(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1_000)} kB`;
}
