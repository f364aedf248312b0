import { createHash } from 'node:crypto';

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
