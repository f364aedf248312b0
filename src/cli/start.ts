import { isCalmdeskError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { describeStore } from '../storage/open-store.ts';
import { parseFlags } from './args.ts';
import { type Command, configOrReport } from './io.ts';

const HELP = `usage: calmdesk start

Runs calmdesk: the buyer web chat at /, the JSON API at /api/conversations/:id/messages, the agent
console at /agent, the demo shop (unless CALMDESK_ORDERS=http), and Telegram/Discord when their tokens
are set. Configuration: environment variables and .env (see .env.example).
SIGINT/SIGTERM stop intake, let messages in flight finish, close the database and exit 0.
`;

/** How long shutdown may take before the process gives up waiting (the issue asks for 5 s). */
const STOP_DEADLINE_MS = 4_500;

export const run: Command = async (args, io) => {
  const flags = parseFlags(args, {});
  if (flags.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const started = performance.now();
  const config = configOrReport(io);
  if (!config) return 2;
  const logger = createLogger({
    level: config.logLevel,
    ...(config.logFile
      ? { destination: config.logFile }
      : { pretty: Boolean((io.stderr as NodeJS.WriteStream).isTTY) }),
  });

  // Signals are caught from here on: one that arrives while the bot is still starting stops it as soon as
  // it is up, instead of killing the process half-way (and a second Ctrl-C does not kill it either).
  let signalled: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (name: string) => () => signalled(name);
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    // The bot is loaded only after the configuration is known to be good: a config error answers at once.
    const { createBot } = await import('../app.ts');
    const { startPlatforms } = await import('../channels/platforms.ts');
    let bot: Awaited<ReturnType<typeof createBot>>;
    let address: string;
    try {
      bot = await createBot({ config, logger });
      await startPlatforms(bot);
      address = await bot.listen();
    } catch (error) {
      const fix = isCalmdeskError(error) ? `\n${error.fix}` : '';
      io.stderr.write(
        `calmdesk could not start: ${error instanceof Error ? error.message : String(error)}${fix}\n`,
      );
      return 1;
    }
    const ms = Math.round(performance.now() - started);
    logger.info({ address, store: config.store, data: describeStore(config), ms }, 'calmdesk is ready');
    io.stdout.write(
      `calmdesk is ready in ${ms} ms\n  web chat:      ${address}/\n  agent console: ${address}/agent\n`,
    );

    logger.info({ signal: await signal }, 'stopping: no new messages, finishing the ones in flight');
    const deadline = new Promise<number>((resolve) => {
      setTimeout(() => {
        logger.error('shutdown took too long; exiting anyway');
        resolve(1);
      }, STOP_DEADLINE_MS).unref();
    });
    const stopped = bot.stop().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        return 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        return 1;
      },
    );
    return await Promise.race([stopped, deadline]);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
};
