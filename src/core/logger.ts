import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /**
   * Where logs go: 'stderr' (default), 'silent', or a file path. Never stdout: commands such as
   * `calmdesk analyze` print data there.
   */
  destination?: string;
  /** Pretty, human-readable lines (for a terminal). */
  pretty?: boolean;
}

/** The one logger factory: JSON lines to stderr or a file, pretty in a terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (options.destination === 'silent' || level === 'silent') return pino({ level: 'silent' });
  if (options.pretty && (options.destination ?? 'stderr') === 'stderr') {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss' },
      },
    });
  }
  const dest =
    options.destination && options.destination !== 'stderr'
      ? pino.destination({ dest: options.destination, mkdir: true, sync: true })
      : pino.destination({ fd: 2, sync: false });
  return pino({ level }, dest);
}

/** A logger that drops everything, for tests and in-process commands. */
export const silentLogger: Logger = pino({ level: 'silent' });
