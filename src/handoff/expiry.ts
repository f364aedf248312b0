import type { Logger } from '../core/logger.ts';
import type { HandoffDesk } from './desk.ts';

/**
 * Runs `desk.expireStale` on a timer, so cases nobody claimed in time close on their own. The composition
 * root starts it with the bot and stops it on shutdown.
 */
export function createExpiryTimer(
  desk: Pick<HandoffDesk, 'expireStale'>,
  options: { intervalMs?: number; clock: () => Date; logger: Logger },
): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const tick = async () => {
    // A slow store must not stack runs on top of each other.
    if (running) return;
    running = true;
    try {
      const expired = await desk.expireStale(options.clock());
      if (expired.length > 0) options.logger.info({ expired: expired.map((r) => r.id) }, 'handoffs expired');
    } catch (error) {
      options.logger.error({ err: error }, 'expiring stale handoffs failed');
    } finally {
      running = false;
    }
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), options.intervalMs ?? 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
