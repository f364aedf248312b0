import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Reply options as platform buttons. A press must come back as the option's value, so the button
 * carries it: `o:<value>` when it fits the platform's limit (Telegram callback_data 64 bytes, Discord
 * custom_id 100 characters), else `h:<digest>` with the value kept in memory (a press after a restart
 * then asks the buyer to type instead).
 */
export class OptionButtons {
  readonly #byDigest = new Map<string, string>();
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  encode(value: string): string {
    const direct = `o:${value}`;
    if (Buffer.byteLength(direct, 'utf8') <= this.#maxBytes) return direct;
    const digest = createHash('sha256').update(value).digest('base64url').slice(0, 22);
    this.#byDigest.set(digest, value);
    // Bounded: old digests fall out first; their buttons then ask the buyer to type.
    if (this.#byDigest.size > 5_000) {
      const oldest = this.#byDigest.keys().next().value;
      if (oldest !== undefined) this.#byDigest.delete(oldest);
    }
    return `h:${digest}`;
  }

  /** The option value a press stands for; null when it is not an option button or no longer known. */
  decode(data: string): string | null {
    const parsed = ButtonData.safeParse(data);
    if (!parsed.success) return null;
    const [kind, rest] = parsed.data;
    return kind === 'o' ? rest : (this.#byDigest.get(rest) ?? null);
  }

  /** Whether `data` is shaped like an option button (known or not). */
  static isOption(data: string): boolean {
    return ButtonData.safeParse(data).success;
  }
}

const ButtonData = z
  .string()
  .regex(/^[oh]:.+$/s)
  .transform((data) => [data.slice(0, 1), data.slice(2)] as const);
